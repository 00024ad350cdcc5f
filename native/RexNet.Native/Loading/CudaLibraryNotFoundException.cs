namespace RexNet.Native.Loading;

/// <summary>One failed attempt: the place tried and the loader's reason.</summary>
internal sealed record LoadAttempt(LibraryCandidate Candidate, string Reason)
{
    public override string ToString() => $"{Candidate.Path} ({Reason})";
}

/// <summary>No candidate for a library loaded; the message lists every path tried and why each failed.</summary>
internal sealed class CudaLibraryNotFoundException : RexNetException
{
    public CudaLibrary Library { get; }
    public IReadOnlyList<LoadAttempt> Attempts { get; }

    public CudaLibraryNotFoundException(CudaLibrary library, IReadOnlyList<LoadAttempt> attempts)
        : base(RexNetErrorCode.DeviceUnavailable, BuildMessage(library, attempts))
    {
        Library = library;
        Attempts = attempts;
    }

    /// <summary>What to install so that the library is found, in one sentence.</summary>
    public static string Remedy(CudaLibrary library) => library switch
    {
        CudaLibrary.Driver => "install the NVIDIA driver (it provides libcuda.so.1 / nvcuda.dll) on a machine with an NVIDIA GPU",
        CudaLibrary.Nvrtc => "install NVRTC (CUDA toolkit 13 or 12, pip nvidia-cuda-nvrtc for CUDA 13 or nvidia-cuda-nvrtc-cu12 for 12, or Debian non-free libnvrtc11.2) or point REXNET_CUDA_LIBS at it",
        CudaLibrary.Cublas => "install cuBLAS (CUDA toolkit 13 or 12, pip nvidia-cublas for CUDA 13 or nvidia-cublas-cu12 for 12, or Debian non-free libcublas11) or point REXNET_CUDA_LIBS at it",
        _ => throw new ArgumentOutOfRangeException(nameof(library)),
    };

    private static string BuildMessage(CudaLibrary library, IReadOnlyList<LoadAttempt> attempts) =>
        $"could not load {NativeLibraryLoader.DisplayName(library)}: {Remedy(library)}; tried {attempts.Count} place(s): "
        + string.Join("; ", attempts);
}
