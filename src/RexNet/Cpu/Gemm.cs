namespace RexNet.Cpu;

/// <summary>Single-precision GEMM for 1x1 convs: C[M,N] = A[M,K] · B[K,N], all row-major.</summary>
public static class Gemm
{
    /// <summary>Computes rows [rowStart, rowEnd) of C.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, int rowStart, int rowEnd)
    {
        for (int i = rowStart; i < rowEnd; i++)
        {
            Span<float> cRow = c.Slice(i * n, n);
            cRow.Clear();
            for (int p = 0; p < k; p++)
            {
                float av = a[i * k + p];
                ReadOnlySpan<float> bRow = b.Slice(p * n, n);
                for (int j = 0; j < n; j++) cRow[j] += av * bRow[j];
            }
        }
    }
}
