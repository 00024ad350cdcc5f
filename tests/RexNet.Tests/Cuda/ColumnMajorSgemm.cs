using RexNet.Cuda;
using RexNet.Native.Cublas;

namespace RexNet.Tests.Cuda;

/// <summary>
/// A test double of cublasSgemm / cublasSgemmStridedBatched with cuBLAS's documented column-major
/// semantics (alpha 1, beta 0): C[i + j*ldc] = sum_p op(A)[i, p] * op(B)[p, j], where
/// op(A)[i, p] = A[i + p*lda] untransposed and A[p + i*lda] transposed. Written from the definition,
/// not from the mapping, so it can prove <see cref="GemmMapping"/> without a GPU.
/// </summary>
internal static class ColumnMajorSgemm
{
    public delegate Span<float> RegionResolver(DeviceRegion region);

    public static void Run(GemmCall g, RegionResolver memory)
    {
        for (int batch = 0; batch < g.BatchCount; batch++)
        {
            Span<float> a = memory(g.A.Region)[(int)(g.A.Offset + batch * g.StrideA)..];
            Span<float> b = memory(g.B.Region)[(int)(g.B.Offset + batch * g.StrideB)..];
            Span<float> c = memory(g.C.Region)[(int)(g.C.Offset + batch * g.StrideC)..];
            for (int j = 0; j < g.N; j++)
            {
                for (int i = 0; i < g.M; i++)
                {
                    double sum = 0;
                    for (int p = 0; p < g.K; p++)
                    {
                        float av = g.TransA == CublasOperation.None ? a[i + p * g.Lda] : a[p + i * g.Lda];
                        float bv = g.TransB == CublasOperation.None ? b[p + j * g.Ldb] : b[j + p * g.Ldb];
                        sum += (double)av * bv;
                    }
                    c[i + j * g.Ldc] = (float)sum;
                }
            }
        }
    }
}
