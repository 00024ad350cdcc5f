using System.Runtime.CompilerServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>The SE excitation per image: the squeeze's row sums to a mean, then fc1, ReLU, fc2, sigmoid.</summary>
/// <remarks>
/// With fewer images than workers, each image's gate is split into channel ranges, one per worker: fc2 is
/// half the weights, and the excitation is otherwise the one step the other workers sit out. Each part reads
/// all of fc1, so there are at most four.
/// </remarks>
internal sealed class ExciteJob<TS, TV>(ExciteStep s, CpuArena arena, Plan plan, SeExcitation se, int rows, int pixels, int parts)
    : CpuJob(s.Name, plan.Tensors[s.Output].Shape.N * parts) where TS : struct, ISimd<TV> where TV : struct
{
    private readonly AlignedFloats _sums = arena.Slot(s.Excite.Input), _gate = arena.Slot(s.Output);
    private readonly int _pitch = arena.Pitch(s.Output);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int n = task / parts, vectors = _pitch / TS.Width, per = (vectors + parts - 1) / parts;
        int c0 = Math.Min(vectors, task % parts * per) * TS.Width, c1 = Math.Min(vectors, (task % parts + 1) * per) * TS.Width;
        if (c0 >= c1)
        {
            return;
        }
        Span<float> mean = Scratch[worker].Slice(0, _pitch);
        ReadOnlySpan<float> sums = _sums.Slice(n * rows * _pitch, rows * _pitch);
        mean.Clear();
        for (int r = 0; r < rows; r++)
        {
            VectorLoops<TS, TV>.Add(sums.Slice(r * _pitch, _pitch), mean);
        }
        VectorLoops<TS, TV>.Scale(mean, 1f / pixels);
        se.Run<TS, TV>(mean, _gate.Slice(n * _pitch + c0, c1 - c0), Scratch[worker].Slice(_pitch, s.Excite.Weights.Reduced), c0, c1);
    }
}
