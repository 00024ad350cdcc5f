namespace RexNet.Tests.Imaging;

/// <summary>
/// Writes a minimal baseline CMYK JPEG of one colour (ImageSharp 2.x cannot encode CMYK): an 8x8 image, four
/// components of one block each, a quantisation table of ones, and Huffman tables that code only what a flat block
/// needs: the DC size category (4-bit codes for categories 0-11) and end-of-block. An Adobe APP14 marker with
/// transform 0 marks the samples as Adobe-style inverted CMYK, as Photoshop writes them.
/// </summary>
internal static class CmykJpeg
{
    public static byte[] Solid(byte c, byte m, byte y, byte k)
    {
        var o = new List<byte> { 0xFF, 0xD8 };
        Segment(o, 0xEE, [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 0]);
        Segment(o, 0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        Segment(o, 0xC0, [8, 0, 8, 0, 8, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]);
        var dcBits = new byte[16];
        dcBits[3] = 12; // twelve codes of length 4
        Segment(o, 0xC4, [0x00, .. dcBits, .. Enumerable.Range(0, 12).Select(i => (byte)i)]);
        var acBits = new byte[16];
        acBits[0] = 1; // one code of length 1: end of block
        Segment(o, 0xC4, [0x10, .. acBits, 0x00]);
        Segment(o, 0xDA, [4, 1, 0, 2, 0, 3, 0, 4, 0, 0, 63, 0]);

        var bits = new BitWriter();
        foreach (byte sample in new[] { c, m, y, k })
        {
            int dc = 8 * (sample - 128); // a flat block's DC coefficient with quantiser 1
            int category = dc == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(dc));
            bits.Write(category, 4);
            bits.Write(dc >= 0 ? dc : dc + (1 << category) - 1, category);
            bits.Write(0, 1); // end of block
        }
        o.AddRange(bits.Finish());
        o.AddRange([0xFF, 0xD9]);
        return o.ToArray();
    }

    private static void Segment(List<byte> output, byte marker, byte[] payload)
    {
        output.AddRange([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        output.AddRange(payload);
    }

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _buffer;
        private int _count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8)
                {
                    Flush();
                }
            }
        }

        /// <summary>Pads the last byte with ones, as the standard asks, and stuffs every FF byte.</summary>
        public List<byte> Finish()
        {
            while (_count != 0)
            {
                Write(1, 1);
            }
            return _bytes;
        }

        private void Flush()
        {
            _bytes.Add((byte)_buffer);
            if (_buffer == 0xFF)
            {
                _bytes.Add(0);
            }
            _buffer = 0;
            _count = 0;
        }
    }
}
