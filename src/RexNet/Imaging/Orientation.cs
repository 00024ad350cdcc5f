using System.Runtime.InteropServices;

namespace RexNet.Imaging;

/// <summary>
/// The eight EXIF orientations (tag 0x0112) as pixel moves, each the transpose PIL's ImageOps.exif_transpose
/// picks: 2 mirrors left-right, 3 turns 180 degrees, 4 mirrors top-bottom, 5 transposes, 6 turns 90 degrees
/// clockwise, 7 transverses, 8 turns 90 degrees anticlockwise.
/// </summary>
internal static class Orientation
{
    /// <summary>
    /// The upright image for <paramref name="orientation"/> (1-8), which may be <paramref name="image"/> itself;
    /// the caller disposes both when they differ.
    /// </summary>
    public static DecodedImage Apply(DecodedImage image, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return image;
        }
        int w = image.Width, h = image.Height;
        bool swap = orientation >= 5;
        var upright = new DecodedImage(swap ? h : w, swap ? w : h);
        var src = MemoryMarshal.Cast<byte, uint>(image.Pixels);
        var dst = MemoryMarshal.Cast<byte, uint>(upright.Pixels);
        int ow = upright.Width, oh = upright.Height;
        for (int y = 0; y < oh; y++)
        {
            // Source index of this output row's first pixel, and how it moves with each step right.
            (int index, int step) = orientation switch
            {
                2 => (y * w + w - 1, -1),
                3 => ((h - 1 - y) * w + w - 1, -1),
                4 => ((h - 1 - y) * w, 1),
                5 => (y, w),
                6 => ((h - 1) * w + y, -w),
                7 => ((h - 1) * w + w - 1 - y, -w),
                _ => (w - 1 - y, w),
            };
            var row = dst.Slice(y * ow, ow);
            for (int x = 0; x < ow; x++, index += step)
            {
                row[x] = src[index];
            }
        }
        return upright;
    }
}
