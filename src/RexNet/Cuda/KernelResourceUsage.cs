namespace RexNet.Cuda;

/// <summary>What ptxas reported for one kernel entry point on one architecture.</summary>
internal sealed record KernelResourceUsage(
    string Kernel,
    string Arch,
    int Registers,
    int SharedMemoryBytes,
    int StackFrameBytes,
    int SpillStoreBytes,
    int SpillLoadBytes)
{
    public bool Spills => SpillStoreBytes > 0 || SpillLoadBytes > 0;

    public override string ToString() =>
        $"{Kernel} [{Arch}]: {Registers} registers, {SharedMemoryBytes} B smem, {StackFrameBytes} B stack, spills {SpillStoreBytes} B stored / {SpillLoadBytes} B loaded";
}
