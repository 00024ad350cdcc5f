using RexNet.Native.Cublas;
using RexNet.Native.Driver;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>cuBLAS on a real GPU; skips (never fails) where there is none.</summary>
[Trait(GpuTests.Category, GpuTests.Gpu)]
public class CublasGpuTests
{
    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Row-major C[m,n] = A[m,k]·B[k,n] in double precision.</summary>
    private static float[] Reference(float[] a, float[] b, int m, int n, int k)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (double)a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = (float)s;
            }
        }
        return c;
    }

    private static void AssertClose(float[] expected, float[] actual, int k)
    {
        Assert.Equal(expected.Length, actual.Length);
        double tolerance = 1e-5 * k;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private sealed class Setup : IDisposable
    {
        public CudaContext Context { get; }
        public CudaStreamHandle Stream { get; }
        public CublasHandle Blas { get; }

        public Setup()
        {
            CudaAvailability.RequireGpu();
            Context = CudaContext.Create(0);
            // Blocking: the uploads are synchronous copies on the legacy stream, which a non-blocking stream would not wait for.
            Stream = Context.CreateStream(CuStreamFlags.Default);
            Blas = CublasHandle.Create(Context);
            Blas.SetStream(Stream);
            Blas.SetMathMode(CublasMath.Pedantic); // no TF32: the comparison is against FP32/FP64 arithmetic
        }

        public DeviceMemoryHandle Upload(float[] data)
        {
            var buffer = Context.Allocate(data.Length * sizeof(float));
            buffer.CopyFrom<float>(data);
            return buffer;
        }

        public float[] Download(DeviceMemoryHandle buffer, int count)
        {
            Stream.Synchronize();
            var data = new float[count];
            buffer.CopyTo<float>(data);
            return data;
        }

        public void Dispose()
        {
            Blas.Dispose();
            Stream.Dispose();
            Context.Dispose();
        }
    }

    [Fact]
    public void ReportsAVersion()
    {
        using var s = new Setup();
        Assert.True(s.Blas.Version() >= 11000);
        Assert.True(CublasLibrary.Version().Major >= 11);
    }

    [Fact]
    public void SgemmOnRowMajorMatricesMatchesTheReference()
    {
        using var s = new Setup();
        const int m = 13, n = 7, k = 29;
        var a = Random(m * k, 1);
        var b = Random(k * n, 2);
        using var da = s.Upload(a);
        using var db = s.Upload(b);
        using var dc = s.Context.Allocate(m * n * sizeof(float));
        // Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ: swap the operands, keep no transposes.
        s.Blas.Sgemm(CublasOperation.None, CublasOperation.None, n, m, k, 1f, db.Pointer, n, da.Pointer, k, 0f, dc.Pointer, n);
        AssertClose(Reference(a, b, m, n, k), s.Download(dc, m * n), k);
    }

    [Fact]
    public void StridedBatchedSgemmComputesEveryBatch()
    {
        using var s = new Setup();
        const int m = 5, n = 6, k = 11, batch = 3;
        var a = Random(batch * m * k, 3);
        var b = Random(batch * k * n, 4);
        using var da = s.Upload(a);
        using var db = s.Upload(b);
        using var dc = s.Context.Allocate(batch * m * n * sizeof(float));
        s.Blas.SgemmStridedBatched(CublasOperation.None, CublasOperation.None, n, m, k, 1f,
            db.Pointer, n, k * n, da.Pointer, k, m * k, 0f, dc.Pointer, n, m * n, batch);
        var c = s.Download(dc, batch * m * n);
        for (int i = 0; i < batch; i++)
        {
            var expected = Reference(a[(i * m * k)..((i + 1) * m * k)], b[(i * k * n)..((i + 1) * k * n)], m, n, k);
            AssertClose(expected, c[(i * m * n)..((i + 1) * m * n)], k);
        }
    }

    [Fact]
    public void GemmExInFp32MatchesTheReference()
    {
        using var s = new Setup();
        const int m = 9, n = 4, k = 17;
        var a = Random(m * k, 5);
        var b = Random(k * n, 6);
        using var da = s.Upload(a);
        using var db = s.Upload(b);
        using var dc = s.Context.Allocate(m * n * sizeof(float));
        s.Blas.GemmEx(CublasOperation.None, CublasOperation.None, n, m, k, 1f, db.Pointer, CudaDataType.R32F, n,
            da.Pointer, CudaDataType.R32F, k, 0f, dc.Pointer, CudaDataType.R32F, n, CublasComputeType.Compute32F);
        AssertClose(Reference(a, b, m, n, k), s.Download(dc, m * n), k);
    }

    [Fact]
    public void InvalidArgumentsAreReportedWithTheCall()
    {
        using var s = new Setup();
        using var d = s.Context.Allocate(64);
        var e = Assert.Throws<RexNet.Native.Errors.CudaException>(() =>
            s.Blas.Sgemm(CublasOperation.None, CublasOperation.None, 4, 4, 4, 1f, d.Pointer, 1, d.Pointer, 1, 0f, d.Pointer, 1));
        Assert.Equal("cublasSgemm_v2", e.Call);
        Assert.Equal("CUBLAS_STATUS_INVALID_VALUE", e.StatusName);
    }
}
