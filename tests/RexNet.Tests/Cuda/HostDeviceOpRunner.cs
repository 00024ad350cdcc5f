using RexNet.Cuda;
using RexNet.Tests.Kernels.Emulation;

namespace RexNet.Tests.Cuda;

/// <summary>
/// Executes a recorded op list on the CPU: kernels through the host emulator (the same .cu files the GPU
/// runs), GEMMs through <see cref="ColumnMajorSgemm"/>. The arena starts as "never written" NaNs, so an op
/// that reads a slot nothing wrote poisons the output.
/// </summary>
internal sealed class HostDeviceOpRunner : IDisposable
{
    private readonly EmuBuffer _arena;
    private readonly EmuBuffer _weights;

    public HostDeviceOpRunner(ArenaLayout arena, DeviceWeightLayout weights)
    {
        _arena = EmuBuffer.Output("arena", checked((int)arena.TotalFloats));
        _weights = EmuBuffer.From("weights", weights.Pack());
    }

    public Span<float> Arena => _arena.Span;

    public Span<float> At(DeviceRef where, int count) =>
        (where.Region == DeviceRegion.Arena ? _arena : _weights).Span.Slice(checked((int)where.Offset), count);

    public void Execute(DeviceOp op)
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
                        if (a.Pointer is { } p)
                        {
                            args.Buffer(p.Region == DeviceRegion.Arena ? _arena : _weights, p.Offset);
                        }
                        else
                        {
                            args.Int(a.Value);
                        }
                    }
                    KernelEmulator.Launch(k.Kernel, new Dim3(k.Grid), new Dim3(k.Block), args);
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
