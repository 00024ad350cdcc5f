using System.IO.MemoryMappedFiles;
using System.Text.Json;
using System.Text.Unicode;
using RexNet.IO;

namespace RexNet.Weights;

public enum SafeTensorsDType { F32, F16, BF16, I64 }

/// <summary>One tensor's header entry; offsets are relative to the start of the data section.</summary>
public sealed record SafeTensorsEntry(string Name, SafeTensorsDType DType, int[] Shape, long Begin, long End);

/// <summary>
/// A memory-mapped .safetensors file. The file is untrusted: the header size is capped, and every
/// entry's dtype, shape and byte range are checked (inside the data, consistent, non-overlapping)
/// before anything is read.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    /// <summary>Real ReXNet headers are about 50 KB; 16 MiB leaves room for any sane model and no more.</summary>
    public const long DefaultMaxHeaderBytes = 16L << 20;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorsEntry> _entries;

    public string Path { get; }
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafeTensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart,
        List<SafeTensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        Entries = entries;
        _entries = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        Metadata = metadata;
    }

    public static SafeTensorsFile Open(string path, long maxHeaderBytes = DefaultMaxHeaderBytes)
    {
        long fileLength = InputFile.RequireLength(path);
        if (fileLength < 8)
        {
            throw new InvalidInputFileException(path, $"not a safetensors file: {fileLength} bytes is shorter than the 8-byte header length");
        }
        var map = InputFile.Guard(path, () => MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read));
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            ulong headerLength = view.ReadUInt64(0);
            if (headerLength > (ulong)maxHeaderBytes)
            {
                throw new InvalidInputFileException(path, $"header length {headerLength} exceeds the {maxHeaderBytes}-byte limit");
            }
            if ((long)headerLength > fileLength - 8)
            {
                throw new InvalidInputFileException(path, $"header length {headerLength} runs past the end of the {fileLength}-byte file");
            }
            var headerBytes = new byte[headerLength];
            // The accessor rejects a read at its very end even for zero bytes (an 8-byte file with an empty header).
            if (headerBytes.Length > 0)
            {
                view.ReadArray(8, headerBytes, 0, headerBytes.Length);
            }
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = ParseHeader(path, headerBytes, fileLength - dataStart);
            return new SafeTensorsFile(path, map, view, dataStart, entries, metadata);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    private static (List<SafeTensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        // JsonDocument accepts invalid UTF-8 inside strings and only fails when a name is decoded, so check first.
        if (!Utf8.IsValid(header))
        {
            throw new InvalidInputFileException(path, "header is not valid UTF-8");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidInputFileException(path, $"header is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidInputFileException(path, "header is not a JSON object");
            }
            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name))
                {
                    throw new InvalidInputFileException(path, $"tensor '{prop.Name}' appears twice in the header");
                }
                if (prop.Name == "__metadata__")
                {
                    ReadMetadata(path, prop.Value, metadata);
                    continue;
                }
                entries.Add(ParseEntry(path, prop.Name, prop.Value, dataLength));
            }
            CheckNoOverlap(path, entries);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputFileException(path, "__metadata__ is not a JSON object");
        }
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidInputFileException(path, $"__metadata__ value '{m.Name}' is not a string");
            }
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
            {
                throw new InvalidInputFileException(path, $"__metadata__ key '{m.Name}' appears twice");
            }
        }
    }

    private static SafeTensorsEntry ParseEntry(string path, string name, JsonElement e, long dataLength)
    {
        InvalidInputFileException Bad(string why) => new(path, $"tensor '{name}': {why}");
        if (e.ValueKind != JsonValueKind.Object ||
            !e.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String ||
            !e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array ||
            !e.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array)
        {
            throw Bad("entry needs 'dtype' (string), 'shape' (array) and 'data_offsets' (array)");
        }
        string dtypeName = dtypeEl.GetString()!;
        // An exact match: Enum.TryParse would also take "0" or "F32, F16".
        SafeTensorsDType dtype = dtypeName switch
        {
            "F32" => SafeTensorsDType.F32,
            "F16" => SafeTensorsDType.F16,
            "BF16" => SafeTensorsDType.BF16,
            "I64" => SafeTensorsDType.I64,
            _ => throw Bad($"dtype '{dtypeName}' is not supported (F32, F16, BF16, and I64 counters only)"),
        };
        var shape = new List<int>();
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0)
            {
                throw Bad($"shape {Excerpt(shapeEl)} is not a list of non-negative integers");
            }
            shape.Add(v);
        }
        if (shape.Count > 8)
        {
            throw Bad($"{shape.Count} dimensions is more than the 8 allowed");
        }
        var offsets = offEl.EnumerateArray().ToArray();
        if (offsets.Length != 2 || offsets.Any(o => o.ValueKind != JsonValueKind.Number) ||
            !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end))
        {
            throw Bad($"data_offsets {Excerpt(offEl)} is not a pair of integers");
        }
        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Bad($"data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section");
        }
        long elements = shape.Contains(0) ? 0 : 1;
        try
        {
            foreach (int d in shape)
            {
                elements = checked(elements * d);
            }
            long expectedBytes = checked(elements * ElementSize(dtype));
            if (expectedBytes != end - begin)
            {
                throw Bad($"shape {TensorData.FormatShape(shape)} of {dtypeName} needs {expectedBytes} bytes but data_offsets span {end - begin}");
            }
            if (elements > Array.MaxLength)
            {
                throw Bad($"shape {TensorData.FormatShape(shape)} holds more elements than one array can");
            }
        }
        catch (OverflowException)
        {
            throw Bad($"shape {TensorData.FormatShape(shape)} is too large");
        }
        return new SafeTensorsEntry(name, dtype, shape.ToArray(), begin, end);
    }

    /// <summary>A JSON value as the file wrote it, cut short: a hostile header can hold megabytes in one array.</summary>
    private static string Excerpt(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length <= 80 ? raw : raw[..80] + "…";
    }

    private static void CheckNoOverlap(string path, List<SafeTensorsEntry> entries)
    {
        SafeTensorsEntry? previous = null;
        foreach (var e in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (previous is not null && e.Begin < previous.End)
            {
                throw new InvalidInputFileException(path,
                    $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}) and '{e.Name}' [{e.Begin}, {e.End}) overlap");
            }
            previous = e;
        }
    }

    public static int ElementSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F32 => 4,
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I64 => 8,
        _ => throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{(int)dtype} is not a SafeTensorsDType"),
    };

    public bool Contains(string name) => _entries.ContainsKey(name);

    public SafeTensorsEntry this[string name] =>
        _entries.TryGetValue(name, out var e) ? e : throw new InvalidInputFileException(Path, $"no tensor named '{name}'");

    /// <summary>Reads one floating-point tensor, widening F16 and BF16 to float32.</summary>
    public unsafe float[] ReadFloat32(string name)
    {
        var e = this[name];
        long count = TensorData.ElementCount(e.Shape);
        var result = new float[count];
        byte* basePtr = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
        try
        {
            byte* src = basePtr + _view.PointerOffset + _dataStart + e.Begin;
            switch (e.DType)
            {
                case SafeTensorsDType.F32:
                    new ReadOnlySpan<float>(src, result.Length).CopyTo(result);
                    break;
                case SafeTensorsDType.F16:
                    var halves = new ReadOnlySpan<Half>(src, result.Length);
                    for (int i = 0; i < result.Length; i++)
                    {
                        result[i] = (float)halves[i];
                    }
                    break;
                case SafeTensorsDType.BF16:
                    var raw = new ReadOnlySpan<ushort>(src, result.Length);
                    for (int i = 0; i < result.Length; i++)
                    {
                        result[i] = BitConverter.Int32BitsToSingle(raw[i] << 16);
                    }
                    break;
                default:
                    throw new InvalidInputFileException(Path, $"tensor '{name}' has dtype {e.DType}, not a floating-point type");
            }
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        return result;
    }

    /// <summary>Reads an I64 scalar, such as a BatchNorm's num_batches_tracked counter.</summary>
    public long ReadInt64Scalar(string name)
    {
        var e = this[name];
        if (e.DType != SafeTensorsDType.I64 || e.Shape.Length != 0)
        {
            throw new InvalidInputFileException(Path, $"tensor '{name}' is {e.DType} {TensorData.FormatShape(e.Shape)}, not an I64 scalar");
        }
        return _view.ReadInt64(_dataStart + e.Begin);
    }

    /// <summary>
    /// Every floating-point tensor as float32, keyed by name. I64 tensors are accepted only as
    /// BatchNorm's scalar num_batches_tracked counters, which inference does not use.
    /// </summary>
    public Dictionary<string, TensorData> ReadAllFloat32()
    {
        var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var e in Entries)
        {
            if (e.DType == SafeTensorsDType.I64)
            {
                if (!TimmLayout.IsBatchCounter(e.Name) || e.Shape.Length != 0)
                {
                    throw new InvalidInputFileException(Path,
                        $"tensor '{e.Name}' is I64 {TensorData.FormatShape(e.Shape)}; only scalar num_batches_tracked counters may be integers");
                }
                continue;
            }
            result[e.Name] = new TensorData(e.Name, e.Shape, ReadFloat32(e.Name));
        }
        return result;
    }

    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }
}
