using RexNet.Tests.Kernels.Emulation;

namespace RexNet.Tests.Kernels;

/// <summary>
/// Where an op test's kernel runs: the host emulator (every CI run) or a GPU. Buffers are host
/// <see cref="EmuBuffer"/>s either way; a GPU launcher copies them, guard zones included, to the device and back.
/// </summary>
internal interface IKernelLauncher
{
    void Launch(string kernel, Dim3 grid, Dim3 block, KernelArgs args);
}

/// <summary>Runs kernels through the host emulation under one thread schedule.</summary>
internal sealed class EmulatorLauncher(Schedule schedule) : IKernelLauncher
{
    public void Launch(string kernel, Dim3 grid, Dim3 block, KernelArgs args) => KernelEmulator.Launch(kernel, grid, block, args, schedule);
}
