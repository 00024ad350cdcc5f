using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace RexNet.IO;

/// <summary>
/// NumPy .npy files holding little-endian float32 in C order: the exchange format of `rexnet run`.
/// Files are untrusted, so the header is parsed strictly and every size is checked before allocating.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxDimensions = 8;

    public static (int[] Shape, float[] Data) ReadFloat32(string path)
    {
        FileInfo info = new(path);
        if (!info.Exists)
        {
            throw new InvalidInputFileException(path, "file not found");
        }
        using var stream = File.OpenRead(path);
        return ReadFloat32(stream, path);
    }

    public static (int[] Shape, float[] Data) ReadFloat32(Stream stream, string name)
    {
        Span<byte> prefix = stackalloc byte[8];
        if (!TryReadExactly(stream, prefix))
        {
            throw new InvalidInputFileException(name, "not a .npy file: shorter than the 8-byte preamble");
        }
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidInputFileException(name, "not a .npy file: missing the \\x93NUMPY magic");
        }
        byte major = prefix[6];
        if (major is not (1 or 2 or 3))
        {
            throw new InvalidInputFileException(name, $"unsupported .npy format version {major}.{prefix[7]}");
        }
        // Version 1 stores the header length in 2 bytes, versions 2 and 3 in 4.
        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        if (!TryReadExactly(stream, lengthBytes))
        {
            throw new InvalidInputFileException(name, "truncated .npy preamble");
        }
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
        {
            throw new InvalidInputFileException(name, $".npy header of {headerLength} bytes exceeds the {MaxHeaderBytes}-byte limit");
        }
        var headerBytes = new byte[headerLength];
        if (!TryReadExactly(stream, headerBytes))
        {
            throw new InvalidInputFileException(name, $"truncated .npy header: expected {headerLength} bytes");
        }
        string header = Encoding.Latin1.GetString(headerBytes).Trim();
        int[] shape = ParseHeader(header, name);

        long count = 1;
        foreach (int d in shape)
        {
            count = checked(count * d);
        }
        if (count > Array.MaxLength)
        {
            throw new InvalidInputFileException(name, $"tensor of {count} elements is too large");
        }
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining != count * sizeof(float))
            {
                throw new InvalidInputFileException(name,
                    $"data is {remaining} bytes but shape ({string.Join(", ", shape)}) of float32 needs {count * sizeof(float)}");
            }
        }
        var data = new float[count];
        if (!TryReadExactly(stream, MemoryMarshal.AsBytes(data.AsSpan())))
        {
            throw new InvalidInputFileException(name, $"truncated data: shape ({string.Join(", ", shape)}) needs {count * sizeof(float)} bytes");
        }
        return (shape, data);
    }

    private static int[] ParseHeader(string header, string name)
    {
        var m = HeaderPattern().Match(header);
        if (!m.Success)
        {
            throw new InvalidInputFileException(name, $"unreadable .npy header: {Truncate(header)}");
        }
        string descr = "", fortran = "", shapeText = "";
        foreach (Capture c in m.Groups["entry"].Captures)
        {
            var e = EntryPattern().Match(c.Value);
            string key = e.Groups["key"].Value, value = e.Groups["value"].Value.Trim();
            switch (key)
            {
                case "descr": descr = value.Trim('\'', '"'); break;
                case "fortran_order": fortran = value; break;
                case "shape": shapeText = value; break;
                default: throw new InvalidInputFileException(name, $"unexpected key '{key}' in .npy header");
            }
        }
        if (descr != "<f4")
        {
            throw new InvalidInputFileException(name, $"dtype '{descr}' is not supported: expected little-endian float32 ('<f4')");
        }
        if (fortran != "False")
        {
            throw new InvalidInputFileException(name, "Fortran-ordered arrays are not supported: save with C order");
        }
        string inner = shapeText.TrimStart('(').TrimEnd(')').Trim();
        var parts = inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > MaxDimensions)
        {
            throw new InvalidInputFileException(name, $"{parts.Length} dimensions exceed the limit of {MaxDimensions}");
        }
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, null, out shape[i]))
            {
                throw new InvalidInputFileException(name, $"invalid dimension '{parts[i]}' in shape {shapeText}");
            }
        }
        return shape;
    }

    public static void WriteFloat32(string path, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
    {
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }
        if (count != data.Length)
        {
            throw new ArgumentException($"shape holds {count} elements but {data.Length} were given");
        }
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        // Pad so that magic + version + length + header is a multiple of 64, ending in a newline.
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - 10 - 1) + "\n";
        byte[] bytes = MemoryMarshal.AsBytes(data).ToArray();
        AtomicFile.Write(path, s =>
        {
            s.Write(Magic);
            s.WriteByte(1);
            s.WriteByte(0);
            Span<byte> len = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            s.Write(len);
            s.Write(Encoding.Latin1.GetBytes(header));
            s.Write(bytes);
        });
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return read == buffer.Length;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";

    [GeneratedRegex(@"^\{\s*(?:(?<entry>'[a-z_]+'\s*:\s*(?:'[^']*'|\([^)]*\)|True|False))\s*,?\s*)+\}$")]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"^'(?<key>[a-z_]+)'\s*:\s*(?<value>.*)$", RegexOptions.Singleline)]
    private static partial Regex EntryPattern();
}
