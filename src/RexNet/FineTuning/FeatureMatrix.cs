namespace RexNet.FineTuning;

/// <summary>Rows of pooled features (one per image), row-major in one array.</summary>
internal sealed class FeatureMatrix
{
    public FeatureMatrix(int rows, int columns) : this(rows, columns, new float[checked(rows * columns)])
    {
    }

    public FeatureMatrix(int rows, int columns, float[] data)
    {
        if (rows < 0 || columns < 1 || data.Length != (long)rows * columns)
        {
            throw new ArgumentException($"{data.Length} values do not make a [{rows}, {columns}] matrix");
        }
        Rows = rows;
        Columns = columns;
        Data = data;
    }

    public int Rows { get; }
    public int Columns { get; }
    public float[] Data { get; }

    public Span<float> Row(int i) => Data.AsSpan(i * Columns, Columns);
}
