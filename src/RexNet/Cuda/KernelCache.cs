using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using RexNet.IO;

namespace RexNet.Cuda;

/// <summary>
/// Compiled kernels on disk, one file per key. Each entry carries its own key and a SHA-256 of its
/// content; anything that does not verify (truncated, edited, another key's file) is treated as a miss
/// and overwritten, never loaded. Writes go through <see cref="OutputFile"/>, so a crash leaves either
/// the old entry or the new one.
/// </summary>
internal sealed class KernelCache
{
    private static readonly byte[] Magic = "RXKC"u8.ToArray();
    private const int FormatVersion = 1;

    public KernelCache(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>$XDG_CACHE_HOME/rexnet/kernels, else ~/.cache/rexnet/kernels (LocalApplicationData on Windows).</summary>
    public static string DefaultDirectory() => Path.Combine(UserCache.Root(), "kernels");

    /// <summary>The rule behind <see cref="DefaultDirectory()"/> (see <see cref="UserCache.Root(string?, string, string?)"/>).</summary>
    public static string DefaultDirectory(string? xdgCacheHome, string home, string? windowsLocalAppData) =>
        Path.Combine(UserCache.Root(xdgCacheHome, home, windowsLocalAppData), "kernels");

    /// <summary>SHA-256 over everything that changes the output: source, headers, options, target and compiler version.</summary>
    public static string Key(KernelSource source, IReadOnlyList<KernelSource> headers, IReadOnlyList<string> options, KernelTarget target, Version compilerVersion)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Field(string label, string value)
        {
            // Length-prefixed fields: no two different inputs concatenate to the same bytes.
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            hash.AppendData(Encoding.UTF8.GetBytes($"{label}:{bytes.Length}:"));
            hash.AppendData(bytes);
        }
        Field("format", FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field("compiler", compilerVersion.ToString());
        Field("target", $"{target.DeviceArch}/{target.CompileArch}/{(target.IsCubin ? "cubin" : "ptx")}");
        Field("name", source.Name);
        Field("source", source.Text);
        foreach (var h in headers.OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            Field("header-name", h.Name);
            Field("header", h.Text);
        }
        foreach (var o in options)
        {
            Field("option", o);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public string PathFor(string key) => Path.Combine(Directory, key + ".kernel");

    /// <summary>The cached image and log, or null when absent or not trustworthy.</summary>
    public (byte[] Image, string Log)? TryRead(string key)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathFor(key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return Decode(bytes, key);
    }

    /// <summary>Stores an entry; a cache that cannot be written (read-only home, full disk) only costs a recompile.</summary>
    public bool TryWrite(string key, byte[] image, string log)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            byte[] encoded = Encode(key, image, log);
            OutputFile.Write(PathFor(key), s => s.Write(encoded));
            return true;
        }
        // OutputFile reports what the file system refuses as a RexNetException naming the file.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or RexNetException)
        {
            return false;
        }
    }

    // Layout: magic, format, key (64 hex chars), image length, image, log length, log, SHA-256 of all before.
    private static byte[] Encode(string key, byte[] image, string log)
    {
        byte[] keyBytes = Encoding.ASCII.GetBytes(key);
        byte[] logBytes = Encoding.UTF8.GetBytes(log);
        using var body = new MemoryStream();
        body.Write(Magic);
        WriteInt(body, FormatVersion);
        WriteInt(body, keyBytes.Length);
        body.Write(keyBytes);
        WriteInt(body, image.Length);
        body.Write(image);
        WriteInt(body, logBytes.Length);
        body.Write(logBytes);
        body.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
        return body.ToArray();
    }

    private static (byte[] Image, string Log)? Decode(byte[] bytes, string key)
    {
        const int HashBytes = 32;
        if (bytes.Length < Magic.Length + 4 + HashBytes)
        {
            return null;
        }
        var content = bytes.AsSpan(0, bytes.Length - HashBytes);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashBytes)))
        {
            return null;
        }
        var reader = new SpanCursor(content);
        if (!reader.Take(Magic.Length).SequenceEqual(Magic) || reader.Int() != FormatVersion)
        {
            return null;
        }
        if (Encoding.ASCII.GetString(reader.Take(reader.Int())) != key)
        {
            return null;
        }
        byte[] image = reader.Take(reader.Int()).ToArray();
        string log = Encoding.UTF8.GetString(reader.Take(reader.Int()));
        return reader.AtEnd && image.Length > 0 ? (image, log) : null;
    }

    private static void WriteInt(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        s.Write(b);
    }

    /// <summary>Reads length-prefixed fields; a length that runs past the end yields an empty span and marks the cursor bad.</summary>
    private ref struct SpanCursor(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;
        private bool _bad;

        public readonly bool AtEnd => !_bad && _at == _data.Length;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (_bad || count < 0 || count > _data.Length - _at)
            {
                _bad = true;
                return [];
            }
            var slice = _data.Slice(_at, count);
            _at += count;
            return slice;
        }

        public int Int()
        {
            var b = Take(4);
            return b.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(b) : -1;
        }
    }
}
