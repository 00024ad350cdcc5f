namespace RexNet.Tests.Kernels.Emulation;

/// <summary>A CUDA grid or block extent.</summary>
internal readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1)
{
    /// <summary>A 1-D grid with enough blocks of <paramref name="block"/> threads to cover <paramref name="count"/> items.</summary>
    public static Dim3 BlocksFor(long count, int block) => new(checked((uint)((count + block - 1) / block)));

    public override string ToString() => $"({X}, {Y}, {Z})";
}

/// <summary>The order the emulator runs threads between barriers (and blocks): see cuda_host_shim.h.</summary>
public enum Schedule
{
    Forward,
    Reverse,
}
