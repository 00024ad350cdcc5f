namespace RexNet.Imaging;

/// <summary>
/// What PIL shows where a GIF's first frame has no colour of its own. PIL keeps palette indices and converts
/// them to RGB without looking at transparency, so a transparent pixel gets its index's palette colour, and
/// the canvas outside a frame smaller than the screen is filled with the transparent index (index 0 when there
/// is none). Skia decodes both as transparent black instead; this finds the colour PIL uses, from the headers.
/// </summary>
internal static class GifFill
{
    /// <summary>The (R, G, B) of the first frame's fill index, or null when the headers cannot say.</summary>
    public static (byte R, byte G, byte B)? Colour(ReadOnlySpan<byte> gif)
    {
        if (gif.Length < 13)
        {
            return null;
        }
        byte screenFlags = gif[10];
        int pos = 13;
        ReadOnlySpan<byte> palette = default;
        if ((screenFlags & 0x80) != 0)
        {
            int size = 3 << ((screenFlags & 7) + 1);
            if (pos + size > gif.Length)
            {
                return null;
            }
            palette = gif.Slice(pos, size);
            pos += size;
        }
        int? transparent = null;
        while (pos < gif.Length)
        {
            byte block = gif[pos++];
            if (block == 0x21) // extension: label, then sub-blocks
            {
                if (pos >= gif.Length)
                {
                    return null;
                }
                byte label = gif[pos++];
                if (label == 0xF9 && pos + 5 <= gif.Length && gif[pos] >= 4)
                {
                    // Graphic control: size 4, packed flags (bit 0: transparency), delay (2), transparent index.
                    transparent = (gif[pos + 1] & 1) != 0 ? gif[pos + 4] : null;
                }
                while (pos < gif.Length && gif[pos] != 0)
                {
                    pos += gif[pos] + 1;
                }
                pos++;
            }
            else if (block == 0x2C) // image descriptor: left, top, width, height (2 each), packed flags
            {
                if (pos + 9 > gif.Length)
                {
                    return null;
                }
                byte flags = gif[pos + 8];
                if ((flags & 0x80) != 0)
                {
                    int size = 3 << ((flags & 7) + 1);
                    if (pos + 9 + size > gif.Length)
                    {
                        return null;
                    }
                    palette = gif.Slice(pos + 9, size);
                }
                int index = transparent ?? 0;
                return palette.Length >= 3 * (index + 1)
                    ? (palette[3 * index], palette[3 * index + 1], palette[3 * index + 2])
                    : ((byte)index, (byte)index, (byte)index); // past the palette PIL's default entries are grey levels
            }
            else
            {
                return null;
            }
        }
        return null;
    }
}
