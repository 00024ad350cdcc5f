using System.Runtime.CompilerServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>Per task, one image's pixel range: the SE scale + ReLU6 in place, then the 1x1 conv and its residual.</summary>
internal sealed class ProjectJob<TS, TV>(ProjectStep s, CpuArena arena, Plan plan, PackedWeights weights, int range)
    : CpuJob(s.Name, plan.Tensors[s.Output].Shape.N * ((plan.Tensors[s.Output].Shape.Spatial + range - 1) / range))
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly int _pixels = plan.Tensors[s.Output].Shape.Spatial;
    private readonly int _ranges = (plan.Tensors[s.Output].Shape.Spatial + range - 1) / range;
    private readonly AlignedFloats _x = arena.Slot(s.Input), _y = arena.Slot(s.Output);
    private readonly AlignedFloats _gate = arena.Slot(s.Scale.Gate);
    private readonly AlignedFloats? _residual = s.Project.Residual < 0 ? null : arena.Slot(s.Project.Residual);
    private readonly int _inPitch = arena.Pitch(s.Input), _pitch = arena.Pitch(s.Output);
    private readonly int _residualPitch = s.Project.Residual < 0 ? 0 : arena.Pitch(s.Project.Residual);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int n = task / _ranges, p0 = task % _ranges * range, count = Math.Min(range, _pixels - p0);
        var x = _x.Slice((n * _pixels + p0) * _inPitch, count * _inPitch);
        ScaleRelu6(x, count, _gate.Slice(n * _inPitch, _inPitch));
        var residual = _residual is null ? default : _residual.Slice((n * _pixels + p0) * _residualPitch, count * _residualPitch);
        int residualVectors = _residual is null ? 0 : _residualPitch / TS.Width;
        Gemm<TS, TV>.Run(x, _inPitch, default, count, weights, 0, weights.Vectors, _y.Slice((n * _pixels + p0) * _pitch, count * _pitch),
            _pitch, s.Project.Activation, residual, _residualPitch, residualVectors);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScaleRelu6(Span<float> x, int count, ReadOnlySpan<float> gate)
    {
        int vf = TS.Width;
        for (int c = 0; c < _inPitch; c += vf)
        {
            TV g = TS.Load(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(gate[c..]));
            for (int p = 0; p < count; p++)
            {
                ref float cell = ref x[p * _inPitch + c];
                TS.Store(SimdMath.Relu6<TS, TV>(TS.Multiply(TS.Load(ref cell), g)), ref cell);
            }
        }
    }
}
