using System.Runtime.CompilerServices;
using RexNet.Model;

namespace RexNet.Cpu;

internal sealed class StemJob<TS, TV>(StemStep s, CpuArena arena, Plan plan, PackedWeights weights, int bands)
    : CpuJob(s.Name, plan.Tensors[s.Output].Shape.N * bands) where TS : struct, ISimd<TV> where TV : struct
{
    private readonly TensorShape _in = plan.Tensors[s.Conv.Input].Shape, _out = plan.Tensors[s.Output].Shape;
    private readonly int[] _offsets = StemConv.TapOffsets(plan.Tensors[s.Conv.Input].Shape.C, plan.Tensors[s.Conv.Input].Shape.W, s.Conv.Stride);
    private readonly AlignedFloats _x = arena.Slot(s.Conv.Input), _y = arena.Slot(s.Output);
    private readonly int _pitch = arena.Pitch(s.Output);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int n = task / bands, rows = (_out.H + bands - 1) / bands;
        int oy0 = task % bands * rows, oy1 = Math.Min(_out.H, oy0 + rows);
        if (oy0 >= oy1)
        {
            return;
        }
        int image = _in.C * _in.H * _in.W, output = _out.H * _out.W * _pitch;
        StemConv.Rows<TS, TV>(_x.Slice(n * image, image), _in.C, _in.H, _in.W, s.Conv.Stride, oy0, oy1, weights, _offsets,
            s.Conv.Activation, _y.Slice(n * output, output), Scratch[worker].Span);
    }
}
