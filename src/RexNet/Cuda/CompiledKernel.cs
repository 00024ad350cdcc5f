namespace RexNet.Cuda;

/// <summary>The output of compiling one kernels/*.cu for one GPU architecture.</summary>
/// <param name="SourceName">The kernels/*.cu file it was compiled from.</param>
/// <param name="Target">The architecture and form (CUBIN or PTX) it was compiled for.</param>
/// <param name="Image">A CUBIN, or NUL-terminated PTX; either goes to cuModuleLoadData as is.</param>
/// <param name="Log">NVRTC's log: warnings and, for CUBIN, ptxas' resource report.</param>
/// <param name="FromCache">True when read back from the on-disk cache instead of compiled.</param>
internal sealed record CompiledKernel(string SourceName, KernelTarget Target, byte[] Image, string Log, bool FromCache)
{
    /// <summary>Registers, shared memory and spills per entry point (empty for PTX: ptxas did not run).</summary>
    public IReadOnlyList<KernelResourceUsage> ResourceUsage { get; } = PtxasReport.Parse(Log);
}
