namespace RexNet.Cuda;

/// <summary>The compiler behind <see cref="KernelCompiler"/>: NVRTC in production, a counting wrapper in tests.</summary>
internal interface IRuntimeCompiler
{
    /// <summary>Part of the cache key: a different compiler version never reuses another's output.</summary>
    Version Version { get; }

    /// <summary>Real architectures it can emit CUBIN for, or null when it cannot say.</summary>
    IReadOnlyList<int>? SupportedArchs { get; }

    /// <summary>Compiles; Success false means the source has errors and Log says which.</summary>
    RuntimeCompileResult Compile(KernelSource source, IReadOnlyList<KernelSource> headers, IReadOnlyList<string> options, bool wantCubin);
}

/// <param name="Success">False when the source has errors.</param>
/// <param name="Image">CUBIN or NUL-terminated PTX; empty when Success is false.</param>
/// <param name="Log">The compiler's log: errors, warnings and the resource report.</param>
internal sealed record RuntimeCompileResult(bool Success, byte[] Image, string Log);
