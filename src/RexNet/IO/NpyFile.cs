using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace RexNet.IO;

/// <summary>
/// NumPy .npy files holding little-endian float32 in C order: the exchange format of `rexnet run`.
/// Files are untrusted, so the header is parsed strictly and every size is checked before allocating.
/// </summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxDimensions = 8;

    public static (int[] Shape, float[] Data) ReadFloat32(string path)
    {
        // Checked before opening: a FIFO or a terminal reports length 0, and opening one would wait for a writer.
        long length = InputFile.RequireLength(path);
        if (length < 8)
        {
            throw new InvalidInputFileException(path, $"not a .npy file: {length} bytes is shorter than the 8-byte preamble");
        }
        using var stream = InputFile.OpenRead(path);
        return ReadFloat32(stream, path);
    }

    public static (int[] Shape, float[] Data) ReadFloat32(Stream stream, string name)
    {
        if (!stream.CanSeek)
        {
            // Buffer what is really there, so that a header claiming gigabytes cannot make us allocate them.
            var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            stream = buffered;
        }
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
        long afterPreamble = stream.Length - stream.Position;
        if (headerLength > afterPreamble)
        {
            throw new InvalidInputFileException(name, $"truncated .npy header: {headerLength} bytes announced, {afterPreamble} present");
        }
        var headerBytes = new byte[headerLength];
        if (!TryReadExactly(stream, headerBytes))
        {
            throw new InvalidInputFileException(name, $"truncated .npy header: expected {headerLength} bytes");
        }
        // Version 3 headers are UTF-8, but every header we accept is ASCII, so Latin-1 (which never fails) reads them all.
        var header = NpyHeader.Parse(Encoding.Latin1.GetString(headerBytes), name);
        int[] shape = header.Shape;
        string shapeText = FormatShape(shape);
        if (header.Descr != "<f4")
        {
            throw new InvalidInputFileException(name, $"dtype '{header.Descr}' is not supported: expected little-endian float32 ('<f4')");
        }
        if (header.FortranOrder)
        {
            throw new InvalidInputFileException(name, "Fortran-ordered arrays are not supported: save with C order");
        }
        if (shape.Length > MaxDimensions)
        {
            throw new InvalidInputFileException(name, $"{shape.Length} dimensions exceed the limit of {MaxDimensions}");
        }
        long count = ElementCount(shape)
            ?? throw new InvalidInputFileException(name, $"shape {shapeText} holds more than {Array.MaxLength} elements");
        long remaining = stream.Length - stream.Position;
        if (remaining != count * sizeof(float))
        {
            throw new InvalidInputFileException(name,
                $"data is {remaining} bytes but shape {shapeText} of float32 needs {count * sizeof(float)}");
        }
        var data = new float[count];
        if (!TryReadExactly(stream, MemoryMarshal.AsBytes(data.AsSpan())))
        {
            throw new InvalidInputFileException(name, $"truncated data: shape {shapeText} needs {count * sizeof(float)} bytes");
        }
        return (shape, data);
    }

    /// <summary>The product of the dimensions, or null when it exceeds the largest array (which also rules out overflow).</summary>
    private static long? ElementCount(int[] shape)
    {
        if (shape.Contains(0))
        {
            return 0;
        }
        long count = 1;
        foreach (int d in shape)
        {
            if (count > Array.MaxLength / d)
            {
                return null;
            }
            count *= d;
        }
        return count;
    }

    private static string FormatShape(int[] shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    /// <summary>Writes a float32 C-order .npy file through <see cref="OutputFile"/> (atomic; "-" is standard output).
    /// A shape that disagrees with the data is refused before anything is written.</summary>
    public static void WriteFloat32(string path, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
    {
        byte[] header = Header(shape, data.Length);
        byte[] bytes = MemoryMarshal.AsBytes(data).ToArray();
        OutputFile.Write(path, s =>
        {
            s.Write(header);
            s.Write(bytes);
        });
    }

    /// <summary>Writes a float32 C-order .npy image to <paramref name="stream"/>, which stays open.</summary>
    public static void WriteFloat32(Stream stream, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
    {
        stream.Write(Header(shape, data.Length));
        stream.Write(MemoryMarshal.AsBytes(data));
    }

    /// <summary>Magic, version 1.0, header length and the padded header dict.</summary>
    private static byte[] Header(ReadOnlySpan<int> shape, int elements)
    {
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }
        if (count != elements)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"shape holds {count} elements but {elements} were given");
        }
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {FormatShape(shape.ToArray())}, }}";
        // Pad so that magic + version + length + header is a multiple of 64, ending in a newline.
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - 10 - 1) + "\n";
        var bytes = new byte[10 + header.Length];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(10));
        return bytes;
    }

    private static bool TryReadExactly(Stream stream, Span<byte> buffer)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return read == buffer.Length;
    }
}
