using RexNet.Native.Cublas;
using RexNet.Native.Driver;
using RexNet.Native.Nvrtc;

namespace RexNet.Cuda;

/// <summary>What a benchmark report says about the GPU and the CUDA libraries it ran with.</summary>
internal sealed record CudaRuntimeInfo(
    string Gpu, string ComputeCapability, string DriverCudaVersion, string Nvrtc, string Cublas, CudaGemm Gemm,
    int SmClockMHz, int MemoryClockMHz, int Multiprocessors, long MemoryBytes, string PciBusId, long EngineDeviceBytes, int DeviceOps)
{
    public static CudaRuntimeInfo Of(CudaBackend backend)
    {
        var d = backend.DeviceInfo;
        return new CudaRuntimeInfo(d.Name, $"{d.ComputeMajor}.{d.ComputeMinor}", CudaDoctor.FormatCudaVersion(CudaDevices.DriverVersion()),
            NvrtcLibrary.Version().ToString(), CublasLibrary.Version().ToString(), backend.Gemm, d.ClockRateKHz / 1000, d.MemoryClockRateKHz / 1000,
            d.MultiprocessorCount, d.TotalMemoryBytes, d.PciBusId, backend.DeviceMemoryBytes, backend.DeviceOpCount(1));
    }

    public IReadOnlyDictionary<string, string> ToProperties()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            ["gpu"] = Gpu, ["compute_capability"] = ComputeCapability, ["driver_cuda_version"] = DriverCudaVersion,
            ["nvrtc_version"] = Nvrtc, ["cublas_version"] = Cublas, ["gemm"] = Gemm.ToString().ToLowerInvariant(), ["sm_clock_mhz"] = SmClockMHz.ToString(inv),
            ["memory_clock_mhz"] = MemoryClockMHz.ToString(inv), ["multiprocessors"] = Multiprocessors.ToString(inv),
            ["memory_bytes"] = MemoryBytes.ToString(inv), ["pci_bus_id"] = PciBusId, ["engine_device_bytes"] = EngineDeviceBytes.ToString(inv),
            ["device_ops"] = DeviceOps.ToString(inv),
            ["summary"] = ToString(),
        };
    }

    public override string ToString() =>
        $"{Gpu} (sm {ComputeCapability}, {Multiprocessors} SMs, {SmClockMHz} MHz, memory {MemoryClockMHz} MHz, {MemoryBytes >> 20} MiB, PCI {PciBusId}); " +
        $"driver CUDA {DriverCudaVersion}, NVRTC {Nvrtc}, cuBLAS {Cublas}; GEMMs: {Gemm.ToString().ToLowerInvariant()}; " +
        $"{DeviceOps} device ops per inference; engine holds {EngineDeviceBytes / (1024.0 * 1024.0):0.0} MiB on the device";
}
