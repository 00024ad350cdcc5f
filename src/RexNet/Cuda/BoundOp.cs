using RexNet.Native.Driver;

namespace RexNet.Cuda;

/// <summary>
/// A recorded op with its pointers resolved against the engine's allocations: a kernel with its argument
/// slots ready for cuLaunchKernel, or a GEMM with its three matrix addresses. Built once at engine creation.
/// </summary>
internal sealed class BoundOp
{
    public required DeviceOp Op { get; init; }
    public CudaFunction? Function { get; init; }
    public ulong[] Args { get; init; } = [];
    public ulong A { get; init; }
    public ulong B { get; init; }
    public ulong C { get; init; }

    public static BoundOp Bind(DeviceOp op, DeviceKernels kernels, Func<DeviceRef, ulong> address) => op switch
    {
        KernelLaunch k => new BoundOp
        {
            Op = op,
            Function = kernels[k.Kernel],
            Args = k.Args.Select(a => a.Kind switch
            {
                LaunchArgKind.Pointer => address(a.Pointer),
                LaunchArgKind.Null => 0UL,
                _ => (uint)a.Value,
            }).ToArray(),
        },
        GemmCall g => new BoundOp { Op = op, A = address(g.A), B = address(g.B), C = address(g.C) },
        _ => throw new NotSupportedException(op.GetType().Name),
    };
}
