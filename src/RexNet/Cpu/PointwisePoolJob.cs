using System.Runtime.CompilerServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>Per task, one image's group of output channels of the final 1x1 conv, then their means over the pixels.</summary>
internal sealed class PointwisePoolJob<TS, TV>(PointwisePoolStep s, CpuArena arena, Plan plan, PackedWeights weights)
    : CpuJob(s.Name, plan.Tensors[s.Output].Shape.N * ((weights.Vectors + weights.PanelVectors - 1) / weights.PanelVectors))
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly int _pixels = plan.Tensors[s.Conv.Output].Shape.Spatial;
    private readonly int _groups = (weights.Vectors + weights.PanelVectors - 1) / weights.PanelVectors;
    private readonly AlignedFloats _x = arena.Slot(s.Conv.Input), _y = arena.Slot(s.Conv.Output), _pool = arena.Slot(s.Output);
    private readonly int _inPitch = arena.Pitch(s.Conv.Input), _pitch = arena.Pitch(s.Conv.Output);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int vf = TS.Width;
        int n = task / _groups, v0 = task % _groups * weights.PanelVectors, v1 = Math.Min(weights.Vectors, v0 + weights.PanelVectors);
        var y = _y.Slice(n * _pixels * _pitch + v0 * vf, (_pixels - 1) * _pitch + (v1 - v0) * vf);
        Gemm<TS, TV>.Run(_x.Slice(n * _pixels * _inPitch, _pixels * _inPitch), _inPitch, default, _pixels, weights, v0, v1, y, _pitch,
            s.Conv.Activation);
        TV scale = TS.Broadcast(1f / _pixels);
        for (int v = 0; v < v1 - v0; v++)
        {
            TV sum = TS.Zero;
            for (int p = 0; p < _pixels; p++)
            {
                sum = TS.Add(sum, TS.Load(ref y[p * _pitch + v * vf]));
            }
            TS.Store(TS.Multiply(sum, scale), ref _pool.Span[n * _pitch + (v0 + v) * vf]);
        }
    }
}
