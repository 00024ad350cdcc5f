namespace RexNet.Cuda;

/// <summary>Whether one native library loaded, from where, and which version it reports.</summary>
internal sealed record LibraryReport(string Name, bool Loaded, string? Path, string? Version, string? Error, IReadOnlyList<string> Tried);

/// <summary>Whether the embedded kernels compile for a GPU's architecture, with ptxas' worst numbers.</summary>
internal sealed record KernelCheckReport(string Target, int Sources, int Compiled, int MaxRegisters, int SpillingKernels, IReadOnlyList<string> Errors);

/// <summary>One GPU as the driver describes it.</summary>
internal sealed record GpuReport(
    int Ordinal,
    string Name,
    string ComputeCapability,
    long MemoryBytes,
    int Multiprocessors,
    int ClockMHz,
    int MemoryClockMHz,
    int MemoryBusWidthBits,
    string PciBusId,
    KernelCheckReport? Kernels);

/// <summary>Everything `rexnet doctor` found; <see cref="Usable"/> is false with a <see cref="Problem"/> when CUDA cannot be used.</summary>
internal sealed record CudaDoctorReport(
    LibraryReport Driver,
    string? DriverVersion,
    string? DriverError,
    LibraryReport Nvrtc,
    IReadOnlyList<int>? NvrtcArchs,
    LibraryReport Cublas,
    IReadOnlyList<GpuReport> Gpus,
    IReadOnlyList<string> EmbeddedKernels,
    bool Usable,
    string? Problem,
    IReadOnlyList<string> Needed);
