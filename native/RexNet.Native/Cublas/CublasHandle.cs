using RexNet.Native.Driver;

namespace RexNet.Native.Cublas;

/// <summary>
/// A cuBLAS handle bound to one context. Matrices are column-major device pointers, as in cuBLAS;
/// a row-major C = A·B is computed as Cᵀ = Bᵀ·Aᵀ by swapping the operands.
/// </summary>
internal sealed unsafe class CublasHandle : ContextBoundHandle
{
    internal CublasHandle() { }

    public static CublasHandle Create(CudaContext context)
    {
        context.Health.ThrowIfBroken();
        context.MakeCurrent();
        var handle = new CublasHandle();
        CublasErrors.Check(CublasApi.cublasCreate_v2(out IntPtr raw), "cublasCreate_v2");
        handle.Attach(context, raw);
        return handle;
    }

    /// <summary>The cuBLAS version as an integer (major*10000 + minor*100 + patch on cuBLAS 11+).</summary>
    public int Version()
    {
        Guard();
        CublasErrors.Check(CublasApi.cublasGetVersion_v2(this, out int version), "cublasGetVersion_v2");
        return version;
    }

    public void SetStream(CudaStreamHandle stream)
    {
        Guard();
        CublasErrors.Check(CublasApi.cublasSetStream_v2(this, stream), "cublasSetStream_v2");
    }

    public void SetMathMode(CublasMath mode)
    {
        Guard();
        CublasErrors.Check(CublasApi.cublasSetMathMode(this, mode), "cublasSetMathMode");
    }

    /// <summary>
    /// Gives cuBLAS a workspace of its own for this handle. Call after <see cref="SetStream"/>, which
    /// resets the workspace to cuBLAS's default pool.
    /// </summary>
    public void SetWorkspace(DeviceMemoryHandle workspace)
    {
        Guard();
        CublasErrors.Check(CublasApi.cublasSetWorkspace_v2(this, workspace.Pointer, (nuint)workspace.ByteLength), "cublasSetWorkspace_v2",
            $"{workspace.ByteLength} bytes");
        GC.KeepAlive(workspace);
    }

    public void Sgemm(CublasOperation transA, CublasOperation transB, int m, int n, int k,
        float alpha, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc)
    {
        Guard();
        var status = CublasApi.cublasSgemm_v2(this, transA, transB, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc);
        // Details are formatted only on failure: a successful GEMM must not allocate.
        if (status != CublasStatus.CUBLAS_STATUS_SUCCESS)
        {
            throw CublasErrors.ToException(status, "cublasSgemm_v2", $"m={m} n={n} k={k}");
        }
    }

    public void SgemmStridedBatched(CublasOperation transA, CublasOperation transB, int m, int n, int k,
        float alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB, float beta, ulong c, int ldc, long strideC, int batchCount)
    {
        Guard();
        var status = CublasApi.cublasSgemmStridedBatched(this, transA, transB, m, n, k, &alpha, a, lda, strideA, b, ldb, strideB, &beta, c, ldc, strideC, batchCount);
        if (status != CublasStatus.CUBLAS_STATUS_SUCCESS)
        {
            throw CublasErrors.ToException(status, "cublasSgemmStridedBatched", $"m={m} n={n} k={k} batch={batchCount}");
        }
    }

    /// <summary>GemmEx with FP32 scaling factors (compute types 32F*); other element types via <paramref name="aType"/> etc.</summary>
    public void GemmEx(CublasOperation transA, CublasOperation transB, int m, int n, int k,
        float alpha, ulong a, CudaDataType aType, int lda, ulong b, CudaDataType bType, int ldb,
        float beta, ulong c, CudaDataType cType, int ldc, CublasComputeType computeType, CublasGemmAlgo algo = CublasGemmAlgo.Default)
    {
        Guard();
        CublasErrors.Check(CublasApi.cublasGemmEx(this, transA, transB, m, n, k, &alpha, a, aType, lda, b, bType, ldb, &beta, c, cType, ldc, computeType, algo),
            "cublasGemmEx", $"m={m} n={n} k={k} compute={computeType}");
    }

    protected override CuResult Destroy(IntPtr value) =>
        CublasApi.cublasDestroy_v2(value) == CublasStatus.CUBLAS_STATUS_SUCCESS ? CuResult.CUDA_SUCCESS : CuResult.CUDA_ERROR_UNKNOWN;
}
