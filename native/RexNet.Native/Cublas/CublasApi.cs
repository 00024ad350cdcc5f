using System.Runtime.InteropServices;
using RexNet.Native.Driver;
using RexNet.Native.Loading;

namespace RexNet.Native.Cublas;

/// <summary>cuBLAS v2 API entry points (the _v2 names are what cublas_v2.h maps the plain names to).</summary>
internal static unsafe partial class CublasApi
{
    static CublasApi() => ResolverRegistration.EnsureRegistered();

    private const string Lib = LibraryNames.Cublas;

    [LibraryImport(Lib)] internal static partial CublasStatus cublasCreate_v2(out IntPtr handle);
    [LibraryImport(Lib)] internal static partial CublasStatus cublasDestroy_v2(IntPtr handle);
    [LibraryImport(Lib)] internal static partial CublasStatus cublasGetVersion_v2(CublasHandle handle, out int version);
    [LibraryImport(Lib)] internal static partial CublasStatus cublasGetProperty(LibraryProperty property, out int value);
    [LibraryImport(Lib)] internal static partial CublasStatus cublasSetStream_v2(CublasHandle handle, CudaStreamHandle stream);
    [LibraryImport(Lib)] internal static partial CublasStatus cublasSetMathMode(CublasHandle handle, CublasMath mode);

    // Since cuBLAS 11.4: a caller-owned workspace, so GEMMs captured into a graph never allocate.
    [LibraryImport(Lib)] internal static partial CublasStatus cublasSetWorkspace_v2(CublasHandle handle, ulong workspace, nuint bytes);

    // Since cuBLAS 11.4.2.
    [LibraryImport(Lib)] internal static partial IntPtr cublasGetStatusString(CublasStatus status);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasSgemm_v2(CublasHandle handle, CublasOperation transA, CublasOperation transB, int m, int n, int k,
        float* alpha, ulong a, int lda, ulong b, int ldb, float* beta, ulong c, int ldc);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasSgemmStridedBatched(CublasHandle handle, CublasOperation transA, CublasOperation transB, int m, int n, int k,
        float* alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB, float* beta, ulong c, int ldc, long strideC, int batchCount);

    [LibraryImport(Lib)]
    internal static partial CublasStatus cublasGemmEx(CublasHandle handle, CublasOperation transA, CublasOperation transB, int m, int n, int k,
        void* alpha, ulong a, CudaDataType aType, int lda, ulong b, CudaDataType bType, int ldb, void* beta, ulong c, CudaDataType cType, int ldc,
        CublasComputeType computeType, CublasGemmAlgo algo);
}
