using RexNet.Native.Cublas;

namespace RexNet.Cuda;

/// <summary>One kernel argument: a device pointer or a 32-bit int, in the order the kernel declares them.</summary>
internal readonly record struct LaunchArg(DeviceRef? Pointer, int Value)
{
    public static LaunchArg Ptr(DeviceRef where) => new(where, 0);
    public static LaunchArg Int(int value) => new(null, value);
    public override string ToString() => Pointer is { } p ? p.ToString() : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One unit of device work recorded from a plan step; a step becomes one or more ops.</summary>
internal abstract record DeviceOp(string Step);

/// <summary>A kernel launch: entry point, 1-D grid and block, arguments.</summary>
internal sealed record KernelLaunch(string Step, string Kernel, uint Grid, uint Block, LaunchArg[] Args) : DeviceOp(Step)
{
    public override string ToString() => $"{Step}: {Kernel}<<<{Grid}, {Block}>>>({string.Join(", ", Args)})";
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
