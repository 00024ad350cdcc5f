using RexNet.Cuda;
using RexNet.Tests.Kernels.Emulation;

namespace RexNet.Tests.Cuda;

/// <summary>
/// Executes a recorded op list on the CPU: kernels through the host emulator (the same .cu files the GPU
/// runs), GEMMs through <see cref="ColumnMajorSgemm"/>. The arena starts as "never written" NaNs, so an op
/// that reads a slot nothing wrote poisons the output; only the fused kernels' counters start at zero, as
/// the engine's initial fill leaves them.
/// </summary>
internal sealed class HostDeviceOpRunner : IDisposable
{
    private readonly EmuBuffer _arena;
    private readonly EmuBuffer _weights;
    private readonly DeviceArena _layout;

    internal HostDeviceOpRunner(DeviceArena arena, DeviceWeightLayout weights)
    {
        _layout = arena;
        _arena = EmuBuffer.Output("arena", checked((int)arena.TotalFloats));
        _arena.Span.Slice((int)arena.Counters.Offset, (int)arena.CounterCount).Clear();
        _weights = EmuBuffer.From("weights", weights.Pack());
    }

    internal Span<float> At(DeviceRef where, int count) =>
        (where.Region == DeviceRegion.Arena ? _arena : _weights).Span.Slice(checked((int)where.Offset), count);

    /// <summary>The fused kernels' counters: all zero again after every op.</summary>
    public ReadOnlySpan<float> Counters => _arena.Span.Slice((int)_layout.Counters.Offset, (int)_layout.CounterCount);

    internal void Execute(DeviceOp op, Schedule schedule = Schedule.Forward)
    {
        switch (op)
        {
            case GemmCall g:
                ColumnMajorSgemm.Run(g, r => r == DeviceRegion.Arena ? _arena.Span : _weights.Span);
                break;
            case KernelLaunch k:
                using (var args = new KernelArgs())
                {
                    foreach (var a in k.Args)
                    {
                        _ = a.Kind switch
                        {
                            LaunchArgKind.Pointer => args.Buffer(a.Pointer.Region == DeviceRegion.Arena ? _arena : _weights, a.Pointer.Offset),
                            LaunchArgKind.Null => args.Null(),
                            _ => args.Int(a.Value),
                        };
                    }
                    KernelEmulator.Launch(k.Kernel, new Dim3(k.Grid.X, k.Grid.Y, k.Grid.Z), new Dim3(k.Block.X, k.Block.Y, k.Block.Z), args, schedule);
                }
                break;
            default:
                throw new NotSupportedException(op.GetType().Name);
        }
    }

    public void Dispose()
    {
        _arena.Dispose();
        _weights.Dispose();
    }
}
