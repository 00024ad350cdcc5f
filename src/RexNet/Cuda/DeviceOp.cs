using RexNet.Native.Cublas;
using RexNet.Native.Driver;

namespace RexNet.Cuda;

/// <summary>One kernel argument, in the order the kernel declares its parameters.</summary>
internal readonly record struct LaunchArg(LaunchArgKind Kind, DeviceRef Pointer, int Value)
{
    public static LaunchArg Ptr(DeviceRef where) => new(LaunchArgKind.Pointer, where, 0);

    /// <summary>A null pointer, for an optional input the launch does not use (no SE gate, no residual).</summary>
    public static LaunchArg Null => new(LaunchArgKind.Null, default, 0);

    public static LaunchArg Int(int value) => new(LaunchArgKind.Int, default, value);

    public override string ToString() => Kind switch
    {
        LaunchArgKind.Pointer => Pointer.ToString(),
        LaunchArgKind.Null => "null",
        _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

internal enum LaunchArgKind { Pointer, Null, Int }

/// <summary>One unit of device work recorded from a device step; a step becomes one or two ops.</summary>
internal abstract record DeviceOp(string Step)
{
    /// <summary>Bytes the op must at least move through device memory: its inputs, weights and outputs once each.</summary>
    public long Bytes { get; init; }
}

/// <summary>A kernel launch: entry point, grid and block, arguments.</summary>
internal sealed record KernelLaunch(string Step, string Kernel, Dim3 Grid, Dim3 Block, LaunchArg[] Args) : DeviceOp(Step)
{
    public override string ToString() =>
        $"{Step}: {Kernel}<<<({Grid.X}, {Grid.Y}, {Grid.Z}), ({Block.X}, {Block.Y}, {Block.Z})>>>({string.Join(", ", Args)})";
}

/// <summary>
/// A cuBLAS SGEMM in cuBLAS's column-major terms: C = op(A)·op(B) (alpha 1, beta 0), repeated
/// <see cref="BatchCount"/> times with the given strides (floats). BatchCount 1 is a plain cublasSgemm.
/// </summary>
internal sealed record GemmCall(string Step, CublasOperation TransA, CublasOperation TransB, int M, int N, int K,
    DeviceRef A, int Lda, long StrideA, DeviceRef B, int Ldb, long StrideB, DeviceRef C, int Ldc, long StrideC, int BatchCount) : DeviceOp(Step)
{
    public override string ToString() =>
        $"{Step}: sgemm({TransA}, {TransB}, m={M}, n={N}, k={K}, A={A} lda={Lda} sA={StrideA}, B={B} ldb={Ldb} sB={StrideB}, C={C} ldc={Ldc} sC={StrideC}, batch={BatchCount})";
}
