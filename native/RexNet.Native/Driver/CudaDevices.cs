using System.Text;

namespace RexNet.Native.Driver;

/// <summary>Driver initialisation and device enumeration; needs no context.</summary>
internal static unsafe class CudaDevices
{
    private static readonly Lazy<CuResult> InitResult = new(() => CuDriver.cuInit(0));

    /// <summary>Loads the driver library and calls cuInit once; throws with the reason when either fails.</summary>
    public static void Initialize() => DriverErrors.Check(InitResult.Value, "cuInit");

    /// <summary>The driver's CUDA version as an integer (12040 is 12.4).</summary>
    public static int DriverVersion()
    {
        DriverErrors.Check(CuDriver.cuDriverGetVersion(out int version), "cuDriverGetVersion");
        return version;
    }

    public static int Count()
    {
        Initialize();
        DriverErrors.Check(CuDriver.cuDeviceGetCount(out int count), "cuDeviceGetCount");
        return count;
    }

    public static CudaDeviceInfo Describe(int ordinal)
    {
        Initialize();
        DriverErrors.Check(CuDriver.cuDeviceGet(out int device, ordinal), "cuDeviceGet");
        byte* name = stackalloc byte[256];
        DriverErrors.Check(CuDriver.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
        DriverErrors.Check(CuDriver.cuDeviceTotalMem_v2(out nuint total, device), "cuDeviceTotalMem_v2");
        int Attr(CuDeviceAttribute a)
        {
            DriverErrors.Check(CuDriver.cuDeviceGetAttribute(out int v, a, device), $"cuDeviceGetAttribute({a})");
            return v;
        }
        // Clock rates are informational and deprecated in recent CUDA: 0 when the driver no longer answers.
        int OptionalAttr(CuDeviceAttribute a) =>
            CuDriver.cuDeviceGetAttribute(out int v, a, device) == CuResult.CUDA_SUCCESS ? v : 0;
        return new CudaDeviceInfo(
            ordinal,
            Encoding.UTF8.GetString(new ReadOnlySpan<byte>(name, 256)).TrimEnd('\0'),
            Attr(CuDeviceAttribute.ComputeCapabilityMajor),
            Attr(CuDeviceAttribute.ComputeCapabilityMinor),
            (long)total,
            Attr(CuDeviceAttribute.MultiprocessorCount),
            OptionalAttr(CuDeviceAttribute.ClockRateKHz),
            OptionalAttr(CuDeviceAttribute.MemoryClockRateKHz),
            Attr(CuDeviceAttribute.GlobalMemoryBusWidth),
            Attr(CuDeviceAttribute.L2CacheSize),
            Attr(CuDeviceAttribute.MaxSharedMemoryPerBlockOptin),
            $"{Attr(CuDeviceAttribute.PciDomainId):x4}:{Attr(CuDeviceAttribute.PciBusId):x2}:{Attr(CuDeviceAttribute.PciDeviceId):x2}");
    }
}
