namespace RexNet.Imaging;

/// <summary>Whose evaluation recipe to reproduce.</summary>
public enum PreprocessPreset
{
    /// <summary>timm's eval transform: PIL bicubic (antialiased) resize of the short side, centre crop.</summary>
    Timm,

    /// <summary>PaddleClas' eval recipe: OpenCV-style bilinear (not antialiased) resize of the short side, centre crop.</summary>
    Paddle,
}

/// <summary>
/// How an image becomes a [3, Size, Size] tensor: decode as PIL does, resize the short side to
/// floor(Size / CropPct), take the centre Size x Size crop, scale to [0, 1] and normalise with the ImageNet mean
/// and standard deviation. Both presets default to timm's 224 / 0.875, i.e. a 256-pixel short side (PaddleClas
/// uses the same numbers). The defaults reproduce timm's eval tensor bit for bit, which is why EXIF orientation
/// is ignored unless <see cref="ExifOrientation"/> says otherwise.
/// </summary>
public sealed record PreprocessOptions
{
    public PreprocessPreset Preset { get; init; } = PreprocessPreset.Timm;

    /// <summary>Side of the square crop fed to the model.</summary>
    public int Size { get; init; } = 224;

    /// <summary>Crop side over resized short side (timm's crop_pct), in (0, 1].</summary>
    public double CropPct { get; init; } = 0.875;

    /// <summary>
    /// Whether to turn photos upright by their EXIF orientation before resizing. timm ignores the tag, so the
    /// default does too; set <see cref="Imaging.ExifOrientation.Apply"/> to classify phone photos the way they are shown.
    /// </summary>
    public ExifOrientation ExifOrientation { get; init; } = ExifOrientation.Ignore;

    public static PreprocessOptions Default { get; } = new();

    /// <summary>Length of the short side after resizing: floor(Size / CropPct), as timm computes it.</summary>
    public int ResizeShortSide => (int)Math.Floor(Size / CropPct);

    public int TensorElements => 3 * Size * Size;

    public void Validate()
    {
        if (Size < 1 || Size > 4096)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"crop size must be in [1, 4096], got {Size}");
        }
        if (!(CropPct > 0 && CropPct <= 1))
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"crop fraction must be in (0, 1], got {CropPct}");
        }
        if (!Enum.IsDefined(ExifOrientation))
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"EXIF orientation must be Ignore or Apply, got {(int)ExifOrientation}");
        }
        if (ResizeShortSide > 16384)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"resizing the short side to {ResizeShortSide} pixels is beyond the 16384 limit");
        }
    }
}
