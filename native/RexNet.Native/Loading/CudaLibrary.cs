namespace RexNet.Native.Loading;

/// <summary>The three native libraries the bindings use; each is found and loaded independently.</summary>
internal enum CudaLibrary
{
    /// <summary>The CUDA driver API (libcuda.so.1, nvcuda.dll), installed with the NVIDIA driver.</summary>
    Driver,

    /// <summary>NVRTC, the runtime compiler; works without a GPU.</summary>
    Nvrtc,

    /// <summary>cuBLAS, the dense linear algebra library.</summary>
    Cublas,
}

/// <summary>The names the [LibraryImport] attributes use; the resolver maps them to real files.</summary>
internal static class LibraryNames
{
    public const string Driver = "rexnet-cuda-driver";
    public const string Nvrtc = "rexnet-nvrtc";
    public const string Cublas = "rexnet-cublas";

    public static CudaLibrary? FromImportName(string name) => name switch
    {
        Driver => CudaLibrary.Driver,
        Nvrtc => CudaLibrary.Nvrtc,
        Cublas => CudaLibrary.Cublas,
        _ => null,
    };
}
