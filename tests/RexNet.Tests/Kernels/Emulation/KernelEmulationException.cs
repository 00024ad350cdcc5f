namespace RexNet.Tests.Kernels.Emulation;

/// <summary>A launch the host emulation refused or aborted (bad configuration, barrier misuse, stray write, ...).</summary>
internal sealed class KernelEmulationException(string message) : Exception(message);
