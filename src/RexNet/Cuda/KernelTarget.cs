namespace RexNet.Cuda;

/// <summary>
/// What NVRTC is asked to produce for a GPU: a CUBIN for its exact architecture when NVRTC knows it,
/// otherwise PTX for the newest virtual architecture NVRTC knows that does not exceed the GPU's,
/// which the driver JIT-compiles forward at load time.
/// </summary>
internal sealed record KernelTarget(int DeviceArch, int CompileArch, bool IsCubin)
{
    /// <summary>The -arch value: sm_86 for a CUBIN, compute_86 for PTX.</summary>
    public string ArchOption => IsCubin ? $"-arch=sm_{CompileArch}" : $"-arch=compute_{CompileArch}";

    public string Description => IsCubin ? $"CUBIN sm_{CompileArch}" : $"PTX compute_{CompileArch} (driver JIT to sm_{DeviceArch})";

    /// <param name="deviceArch">Compute capability as major*10+minor (86 for 8.6).</param>
    /// <param name="supportedArchs">nvrtcGetSupportedArchs, or null when this NVRTC cannot say (then a CUBIN is tried).</param>
    public static KernelTarget Choose(int deviceArch, IReadOnlyList<int>? supportedArchs)
    {
        if (supportedArchs is null || supportedArchs.Contains(deviceArch))
        {
            return new KernelTarget(deviceArch, deviceArch, IsCubin: true);
        }
        var older = supportedArchs.Where(a => a <= deviceArch).ToArray();
        if (older.Length == 0)
        {
            throw new RexNetException(RexNetErrorCode.DeviceUnavailable,
                $"NVRTC supports sm_{string.Join(", sm_", supportedArchs)} only; nothing it emits runs on an sm_{deviceArch} GPU");
        }
        return new KernelTarget(deviceArch, older.Max(), IsCubin: false);
    }

    /// <summary>The fallback when NVRTC rejected the CUBIN architecture: PTX for the same architecture.</summary>
    public KernelTarget AsPtx() => this with { IsCubin = false };
}
