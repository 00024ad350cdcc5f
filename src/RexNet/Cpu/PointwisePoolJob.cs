using System.Runtime.CompilerServices;

namespace RexNet.Cpu;

/// <summary>
/// Per task, a group of output channels of the final 1x1 conv over every image's pixels (so each group's
/// weights are streamed once per batch, not once per image), then their means over each image's pixels.
/// </summary>
internal sealed class PointwisePoolJob<TS, TV>(PointwisePoolStep s, CpuArena arena, Model.Plan plan, PackedWeights weights)
    : CpuJob(s.Name, (weights.Vectors + weights.PanelVectors - 1) / weights.PanelVectors)
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly int _pixels = plan.Tensors[s.Conv.Output].Shape.Spatial, _batch = plan.Tensors[s.Conv.Output].Shape.N;
    private readonly AlignedFloats _x = arena.Slot(s.Conv.Input), _y = arena.Slot(s.Conv.Output), _pool = arena.Slot(s.Output);
    private readonly int _inPitch = arena.Pitch(s.Conv.Input), _pitch = arena.Pitch(s.Conv.Output);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int vf = TS.Width, total = _batch * _pixels;
        int v0 = task * weights.PanelVectors, v1 = Math.Min(weights.Vectors, v0 + weights.PanelVectors);
        var y = _y.Slice(v0 * vf, (total - 1) * _pitch + (v1 - v0) * vf);
        Gemm<TS, TV>.Run(_x.Slice(0, total * _inPitch), _inPitch, default, total, weights, v0, v1, y, _pitch, s.Conv.Activation);
        TV scale = TS.Broadcast(1f / _pixels);
        for (int n = 0; n < _batch; n++)
        {
            for (int v = 0; v < v1 - v0; v++)
            {
                TV sum = TS.Zero;
                for (int p = n * _pixels; p < (n + 1) * _pixels; p++)
                {
                    sum = TS.Add(sum, TS.Load(ref y[p * _pitch + v * vf]));
                }
                TS.Store(TS.Multiply(sum, scale), ref _pool.Span[n * _pitch + (v0 + v) * vf]);
            }
        }
    }
}
