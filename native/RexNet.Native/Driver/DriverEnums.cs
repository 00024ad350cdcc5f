namespace RexNet.Native.Driver;

/// <summary>CUdevice_attribute values the engine and `rexnet doctor` read (cuda.h numbering).</summary>
internal enum CuDeviceAttribute
{
    MaxThreadsPerBlock = 1,
    MaxSharedMemoryPerBlock = 8,
    WarpSize = 10,
    MaxRegistersPerBlock = 12,
    ClockRateKHz = 13,
    MultiprocessorCount = 16,
    KernelExecTimeout = 17,
    Integrated = 18,
    EccEnabled = 32,
    PciBusId = 33,
    PciDeviceId = 34,
    MemoryClockRateKHz = 36,
    GlobalMemoryBusWidth = 37,
    L2CacheSize = 38,
    MaxThreadsPerMultiprocessor = 39,
    PciDomainId = 50,
    ComputeCapabilityMajor = 75,
    ComputeCapabilityMinor = 76,
    MaxSharedMemoryPerMultiprocessor = 81,
    MaxRegistersPerMultiprocessor = 82,
    MaxSharedMemoryPerBlockOptin = 97,
    MaxBlocksPerMultiprocessor = 106,
}

/// <summary>CUfunction_attribute.</summary>
internal enum CuFunctionAttribute
{
    MaxThreadsPerBlock = 0,
    SharedSizeBytes = 1,
    ConstSizeBytes = 2,
    LocalSizeBytes = 3,
    NumRegs = 4,
    PtxVersion = 5,
    BinaryVersion = 6,
    CacheModeCa = 7,
    MaxDynamicSharedSizeBytes = 8,
    PreferredSharedMemoryCarveout = 9,
}

/// <summary>cuStreamCreate flags.</summary>
[Flags]
internal enum CuStreamFlags : uint
{
    Default = 0,
    NonBlocking = 1,
}

/// <summary>cuEventCreate flags.</summary>
[Flags]
internal enum CuEventFlags : uint
{
    Default = 0,
    BlockingSync = 1,
    DisableTiming = 2,
}

/// <summary>cuMemHostAlloc flags.</summary>
[Flags]
internal enum CuMemHostAllocFlags : uint
{
    None = 0,
    Portable = 1,
    DeviceMap = 2,
    WriteCombined = 4,
}

/// <summary>CUstreamCaptureMode.</summary>
internal enum CuStreamCaptureMode
{
    Global = 0,
    ThreadLocal = 1,
    Relaxed = 2,
}

/// <summary>cuGraphInstantiateWithFlags flags.</summary>
[Flags]
internal enum CuGraphInstantiateFlags : ulong
{
    None = 0,
    AutoFreeOnLaunch = 1,
    Upload = 2,
    DeviceLaunch = 4,
    UseNodePriority = 8,
}

/// <summary>CUgraphExecUpdateResult.</summary>
internal enum CuGraphExecUpdateResult
{
    Success = 0,
    Error = 1,
    TopologyChanged = 2,
    NodeTypeChanged = 3,
    FunctionChanged = 4,
    ParametersChanged = 5,
    NotSupported = 6,
    UnsupportedFunctionChange = 7,
    AttributesChanged = 8,
}

/// <summary>CUgraphExecUpdateResultInfo (CUDA 12's cuGraphExecUpdate_v2).</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
internal struct CuGraphExecUpdateResultInfo
{
    public CuGraphExecUpdateResult Result;
    public IntPtr ErrorNode;
    public IntPtr ErrorFromNode;
}

/// <summary>CUjit_option values used when loading PTX, to capture the JIT's error log.</summary>
internal enum CuJitOption
{
    InfoLogBuffer = 3,
    InfoLogBufferSizeBytes = 4,
    ErrorLogBuffer = 5,
    ErrorLogBufferSizeBytes = 6,
    GenerateLineInfo = 13,
}
