namespace RexNet.Native.Driver;

/// <summary>What `rexnet doctor` and the kernel compiler need to know about one GPU.</summary>
internal sealed record CudaDeviceInfo(
    int Ordinal,
    string Name,
    int ComputeMajor,
    int ComputeMinor,
    long TotalMemoryBytes,
    int MultiprocessorCount,
    int ClockRateKHz, // 0 when the driver does not report it
    int MemoryClockRateKHz, // likewise
    int MemoryBusWidthBits,
    int L2CacheBytes,
    int MaxSharedMemoryPerBlockOptin,
    string PciBusId)
{
    /// <summary>Compute capability as NVRTC spells it: 86 for 8.6.</summary>
    public int Arch => ComputeMajor * 10 + ComputeMinor;
}
