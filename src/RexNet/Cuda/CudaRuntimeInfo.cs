using RexNet.Native.Cublas;
using RexNet.Native.Driver;
using RexNet.Native.Loading;
using RexNet.Native.Nvrtc;

namespace RexNet.Cuda;

/// <summary>What a benchmark report says about the GPU and the CUDA libraries it ran with.</summary>
/// <param name="Cublas">cuBLAS's version, or "not loaded" when the engine's GEMMs are our kernels and no cuBLAS was found.</param>
public sealed record CudaRuntimeInfo(
    string Gpu, string ComputeCapability, string DriverCudaVersion, string Nvrtc, string Cublas, CudaGemm Gemm,
    int SmClockMHz, int MemoryClockMHz, int Multiprocessors, long MemoryBytes, string PciBusId, long EngineDeviceBytes)
{
    public static CudaRuntimeInfo Of(CudaBackend backend)
    {
        var d = backend.DeviceInfo;
        string cublas = NativeLibraryLoader.TryLoad(CudaLibrary.Cublas, out _, out _) ? CublasLibrary.Version().ToString() : "not loaded";
        return new CudaRuntimeInfo(d.Name, $"{d.ComputeMajor}.{d.ComputeMinor}", CudaDoctor.FormatCudaVersion(CudaDevices.DriverVersion()),
            NvrtcLibrary.Version().ToString(), cublas, backend.Gemm, d.ClockRateKHz / 1000, d.MemoryClockRateKHz / 1000,
            d.MultiprocessorCount, d.TotalMemoryBytes, d.PciBusId, backend.PeakDeviceBytes);
    }

    public override string ToString() =>
        $"{Gpu} (sm {ComputeCapability}, {Multiprocessors} SMs, {SmClockMHz} MHz, memory {MemoryClockMHz} MHz, {MemoryBytes >> 20} MiB, PCI {PciBusId}); " +
        $"driver CUDA {DriverCudaVersion}, NVRTC {Nvrtc}, cuBLAS {Cublas}; GEMMs: {Gemm.ToString().ToLowerInvariant()}; " +
        $"engine holds {EngineDeviceBytes / (1024.0 * 1024.0):0.0} MiB on the device";
}
