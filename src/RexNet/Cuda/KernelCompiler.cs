using RexNet.Native.Errors;
using RexNet.Native.Nvrtc;

namespace RexNet.Cuda;

/// <summary>
/// Compiles kernels/*.cu for a GPU architecture, through the on-disk cache. A cache hit costs one
/// file read and a hash check; a miss costs an NVRTC compile and a cache write.
/// </summary>
internal sealed class KernelCompiler
{
    private readonly IRuntimeCompiler _compiler;
    private readonly KernelCache? _cache;

    /// <param name="compiler">Compiles one source for one target (NVRTC, or a double in tests).</param>
    /// <param name="sources">The kernel sources and headers.</param>
    /// <param name="cache">Null compiles every time.</param>
    public KernelCompiler(IRuntimeCompiler compiler, KernelSources sources, KernelCache? cache)
    {
        _compiler = compiler;
        Sources = sources;
        _cache = cache;
    }

    /// <summary>NVRTC over the embedded kernels, cached in <see cref="KernelCache.DefaultDirectory()"/>.</summary>
    public static KernelCompiler CreateDefault() =>
        new(new NvrtcRuntimeCompiler(), KernelSources.Embedded, new KernelCache(KernelCache.DefaultDirectory()));

    public KernelSources Sources { get; }

    /// <summary>What this compiler produces for a GPU of compute capability <paramref name="deviceArch"/> (86 for 8.6).</summary>
    public KernelTarget TargetFor(int deviceArch) => KernelTarget.Choose(deviceArch, _compiler.SupportedArchs);

    public CompiledKernel Compile(string sourceName, int deviceArch, IReadOnlyList<string>? extraOptions = null) =>
        Compile(Sources.Get(sourceName), TargetFor(deviceArch), extraOptions);

    public CompiledKernel Compile(KernelSource source, KernelTarget target, IReadOnlyList<string>? extraOptions = null)
    {
        try
        {
            return CompileCached(source, target, extraOptions);
        }
        catch (CudaException e) when (_compiler.SupportedArchs is null && target.IsCubin && e.Status == (int)NvrtcResult.NVRTC_ERROR_INVALID_OPTION)
        {
            // An NVRTC too old to list its architectures rejected sm_XX: let the driver JIT PTX instead.
            return CompileCached(source, target.AsPtx(), extraOptions);
        }
    }

    private CompiledKernel CompileCached(KernelSource source, KernelTarget target, IReadOnlyList<string>? extraOptions)
    {
        var options = KernelCompileOptions.For(target, extraOptions);
        string? key = _cache is null ? null : KernelCache.Key(source, Sources.Headers, options, target, _compiler.Version);
        if (key is not null && _cache!.TryRead(key) is { } hit)
        {
            return new CompiledKernel(source.Name, target, hit.Image, hit.Log, FromCache: true);
        }
        var result = _compiler.Compile(source, Sources.Headers, options, target.IsCubin);
        if (!result.Success)
        {
            throw new KernelCompilationException(source.Name, target, result.Log);
        }
        if (key is not null)
        {
            _cache!.TryWrite(key, result.Image, result.Log);
        }
        return new CompiledKernel(source.Name, target, result.Image, result.Log, FromCache: false);
    }
}
