using RexNet.Native.Cublas;
using RexNet.Native.Driver;
using RexNet.Native.Nvrtc;

namespace RexNet.Cuda;

/// <summary>What a benchmark report says about the GPU and the CUDA libraries it ran with.</summary>
public sealed record CudaRuntimeInfo(
    string Gpu, string ComputeCapability, string DriverCudaVersion, string Nvrtc, string Cublas,
    int SmClockMHz, int MemoryClockMHz, int Multiprocessors, long MemoryBytes, string PciBusId, long EngineDeviceBytes)
{
    public static CudaRuntimeInfo Of(CudaBackend backend)
    {
        var d = backend.DeviceInfo;
        return new CudaRuntimeInfo(d.Name, $"{d.ComputeMajor}.{d.ComputeMinor}", CudaDoctor.FormatCudaVersion(CudaDevices.DriverVersion()),
            NvrtcLibrary.Version().ToString(), CublasLibrary.Version().ToString(), d.ClockRateKHz / 1000, d.MemoryClockRateKHz / 1000,
            d.MultiprocessorCount, d.TotalMemoryBytes, d.PciBusId, backend.PeakDeviceBytes);
    }

    public override string ToString() =>
        $"{Gpu} (sm {ComputeCapability}, {Multiprocessors} SMs, {SmClockMHz} MHz, memory {MemoryClockMHz} MHz, {MemoryBytes >> 20} MiB, PCI {PciBusId}); " +
        $"driver CUDA {DriverCudaVersion}, NVRTC {Nvrtc}, cuBLAS {Cublas}; engine holds {EngineDeviceBytes / (1024.0 * 1024.0):0.0} MiB on the device";
}
