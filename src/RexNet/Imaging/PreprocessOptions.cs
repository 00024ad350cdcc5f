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
/// How an image becomes a [3, Height, Width] tensor: decode as PIL does, resize to timm's scale size,
/// floor(Height / CropPct) x floor(Width / CropPct) (for a square crop: the short side to floor(Size / CropPct),
/// keeping the aspect ratio; otherwise the smallest aspect-preserving size that covers it, as timm's ResizeKeepRatio
/// does), take the centre Height x Width crop, scale to [0, 1] and normalise with the ImageNet mean and standard
/// deviation. Both presets default to timm's 224 / 0.875, i.e. a 256-pixel short side (PaddleClas uses the same
/// numbers). The defaults reproduce timm's eval tensor bit for bit, which is why EXIF orientation is ignored unless
/// <see cref="ExifOrientation"/> says otherwise.
/// </summary>
public sealed record PreprocessOptions
{
    public PreprocessPreset Preset { get; init; } = PreprocessPreset.Timm;

    /// <summary>Height of the centre crop fed to the model.</summary>
    public int Height { get; init; } = 224;

    /// <summary>Width of the centre crop fed to the model.</summary>
    public int Width { get; init; } = 224;

    /// <summary>A square crop: sets <see cref="Height"/> and <see cref="Width"/> both.</summary>
    public int Size
    {
        init
        {
            Height = value;
            Width = value;
        }
    }

    /// <summary>Crop side over resized side (timm's crop_pct), in (0, 1].</summary>
    public double CropPct { get; init; } = 0.875;

    /// <summary>
    /// Whether to turn photos upright by their EXIF orientation before resizing. timm ignores the tag, so the
    /// default does too; set <see cref="Imaging.ExifOrientation.Apply"/> to classify phone photos the way they are shown.
    /// </summary>
    public ExifOrientation ExifOrientation { get; init; } = ExifOrientation.Ignore;

    public static PreprocessOptions Default { get; } = new();

    /// <summary>timm's scale size: the height the image is resized to cover, floor(Height / CropPct).</summary>
    public int ScaleHeight => (int)Math.Floor(Height / CropPct);

    /// <summary>timm's scale size: the width the image is resized to cover, floor(Width / CropPct).</summary>
    public int ScaleWidth => (int)Math.Floor(Width / CropPct);

    /// <summary>Length of the short side after resizing for a square crop: floor(Size / CropPct), as timm computes it.</summary>
    public int ResizeShortSide => Math.Min(ScaleHeight, ScaleWidth);

    public int TensorElements => 3 * Height * Width;

    public void Validate()
    {
        if (Height < 1 || Height > 4096 || Width < 1 || Width > 4096)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"crop size must be in [1, 4096] on each side, got {Height}x{Width}");
        }
        if (!(CropPct > 0 && CropPct <= 1))
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"crop fraction must be in (0, 1], got {CropPct}");
        }
        if (!Enum.IsDefined(ExifOrientation))
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"EXIF orientation must be Ignore or Apply, got {(int)ExifOrientation}");
        }
        if (Math.Max(ScaleHeight, ScaleWidth) > 16384)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"resizing to {ScaleHeight}x{ScaleWidth} pixels is beyond the 16384 limit");
        }
        if (Preset == PreprocessPreset.Paddle && Height != Width)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"the paddle preset crops squares; {Height}x{Width} needs the timm preset");
        }
    }
}
