namespace RexNet.Imaging;

/// <summary>
/// What to do with a photo's EXIF orientation tag (phones store portrait shots sideways and say so in EXIF).
/// timm's pipeline ignores it (PIL's Image.open does not rotate), so <see cref="Ignore"/> is what reproduces
/// timm's tensors; <see cref="Apply"/> turns the image upright first, as a viewer shows it.
/// </summary>
public enum ExifOrientation
{
    /// <summary>Use the pixels as stored, as timm and PIL do.</summary>
    Ignore,

    /// <summary>Rotate or mirror the pixels as the tag says before resizing, as PIL's ImageOps.exif_transpose does.</summary>
    Apply,
}
