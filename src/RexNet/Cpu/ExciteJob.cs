using System.Runtime.CompilerServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// The SE excitation for the whole batch: the squeeze's row sums to a mean per image, then fc1, ReLU, fc2,
/// sigmoid. The layers are memory-bound (7.4 MB of weights in rexnet_300's last block against a few
/// multiply-adds per weight), so each weight is read once per batch, not once per image; and the gate is
/// split into channel ranges, one per worker (at most four, since each range reads all of fc1), so that
/// no worker sits this step out.
/// </summary>
internal sealed class ExciteJob<TS, TV>(ExciteStep s, CpuArena arena, Plan plan, SeExcitation se, int rows, int pixels, int parts)
    : CpuJob(s.Name, parts) where TS : struct, ISimd<TV> where TV : struct
{
    private readonly AlignedFloats _sums = arena.Slot(s.Excite.Input), _gate = arena.Slot(s.Output);
    private readonly int _pitch = arena.Pitch(s.Output), _batch = plan.Tensors[s.Output].Shape.N;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int vectors = _pitch / TS.Width, per = (vectors + TaskCount - 1) / TaskCount;
        int c0 = Math.Min(vectors, task * per) * TS.Width, c1 = Math.Min(vectors, (task + 1) * per) * TS.Width;
        if (c0 >= c1)
        {
            return;
        }
        Span<float> means = Scratch[worker].Slice(0, _batch * _pitch);
        means.Clear();
        for (int n = 0; n < _batch; n++)
        {
            Span<float> mean = means.Slice(n * _pitch, _pitch);
            ReadOnlySpan<float> sums = _sums.Slice(n * rows * _pitch, rows * _pitch);
            for (int r = 0; r < rows; r++)
            {
                VectorLoops<TS, TV>.Add(sums.Slice(r * _pitch, _pitch), mean);
            }
            VectorLoops<TS, TV>.Scale(mean, 1f / pixels);
        }
        se.Run<TS, TV>(means, _batch, _gate.Span, Scratch[worker].Slice(_batch * _pitch, _batch * s.Excite.Weights.Reduced), c0, c1);
    }
}
