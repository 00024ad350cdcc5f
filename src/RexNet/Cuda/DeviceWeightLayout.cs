namespace RexNet.Cuda;

/// <summary>How a weight array is stored on the device: as the model holds it, or transposed.</summary>
internal enum WeightForm { AsIs, Transposed }

/// <summary>
/// A weight array in the form a kernel reads it. Transposed: the row-major [Rows, Cols] source stored as
/// [Cols, PaddedRows] (zeros past Rows), e.g. a 1x1 conv's W [cout, cin] as [cin, cout padded to 4], so a
/// GEMM tile row is one aligned 16-byte load, or the SE's W2 [c, rd] as [rd, c], so threads over channels
/// read consecutive floats.
/// </summary>
internal readonly record struct WeightBlob(float[] Source, WeightForm Form, int Rows = 0, int Cols = 0, int PaddedRows = 0)
{
    public static WeightBlob AsIs(float[] source) => new(source, WeightForm.AsIs);

    public static WeightBlob Transposed(float[] source, int rows, int cols, int paddedRows) =>
        source.Length == (long)rows * cols && paddedRows >= rows
            ? new(source, WeightForm.Transposed, rows, cols, paddedRows)
            : throw new RexNetException(RexNetErrorCode.Internal, $"a {source.Length}-float array is not [{rows}, {cols}] or cannot pad to {paddedRows} rows");

    public long Floats => Form == WeightForm.AsIs ? Source.Length : (long)Cols * PaddedRows;

    public void WriteTo(Span<float> destination)
    {
        if (Form == WeightForm.AsIs)
        {
            Source.CopyTo(destination);
            return;
        }
        destination[..(int)Floats].Clear();
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++)
            {
                destination[c * PaddedRows + r] = Source[r * Cols + c];
            }
        }
    }
}

/// <summary>
/// Where each weight array, in each form the program's kernels read it, lives inside the engine's single
/// weight allocation. Arrays are keyed by reference and form, so the layout serves every batch size's
/// program (they share the model).
/// </summary>
internal sealed class DeviceWeightLayout
{
    private readonly Dictionary<(float[] Source, WeightForm Form), (WeightBlob Blob, long Offset)> _entries = new(new Comparer());

    public long TotalFloats { get; }
    public long Bytes => TotalFloats * sizeof(float);

    public DeviceWeightLayout(DeviceProgram program)
    {
        var blobs = new List<WeightBlob>();
        foreach (var blob in CudaPlanRecorder.WeightsOf(program))
        {
            if (_entries.TryAdd((blob.Source, blob.Form), (blob, -1)))
            {
                blobs.Add(blob);
            }
        }
        var (offsets, total) = DeviceLayout.Pack(blobs.Select(b => b.Floats).ToArray());
        for (int i = 0; i < blobs.Count; i++)
        {
            _entries[(blobs[i].Source, blobs[i].Form)] = (blobs[i], offsets[i]);
        }
        TotalFloats = total;
    }

    public DeviceRef RefOf(WeightBlob blob) =>
        _entries.TryGetValue((blob.Source, blob.Form), out var e)
            ? new DeviceRef(DeviceRegion.Weights, e.Offset)
            : throw new RexNetException(RexNetErrorCode.Internal, "the array is not one of this program's weights in that form");

    /// <summary>The packed image uploaded once at engine creation (zero in the alignment gaps and padding).</summary>
    public float[] Pack()
    {
        var packed = new float[TotalFloats];
        PackInto(packed);
        return packed;
    }

    /// <summary>Writes the packed image into <paramref name="destination"/> (at least <see cref="TotalFloats"/> long).</summary>
    public void PackInto(Span<float> destination)
    {
        destination[..(int)TotalFloats].Clear();
        foreach (var (blob, offset) in _entries.Values)
        {
            blob.WriteTo(destination[(int)offset..]);
        }
    }

    private sealed class Comparer : IEqualityComparer<(float[] Source, WeightForm Form)>
    {
        public bool Equals((float[] Source, WeightForm Form) a, (float[] Source, WeightForm Form) b) => ReferenceEquals(a.Source, b.Source) && a.Form == b.Form;
        public int GetHashCode((float[] Source, WeightForm Form) key) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Source), key.Form);
    }
}
