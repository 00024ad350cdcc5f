using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RexNet.Cpu;

/// <summary>
/// Per task, a range of pixels of the whole batch (channels-last, so the images' pixels follow one another):
/// the SE scale + ReLU6 in place, each pixel with its own image's gate, then the 1x1 conv and its residual.
/// Ranges run across images because every range streams all the weights: at batch 8 in rexnet_300's last
/// stage that is 7.5 MB per range.
/// </summary>
internal sealed class ProjectJob<TS, TV>(ProjectStep s, CpuArena arena, Model.Plan plan, PackedWeights weights, int range)
    : CpuJob(s.Name, (plan.Tensors[s.Output].Shape.N * plan.Tensors[s.Output].Shape.Spatial + range - 1) / range)
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly int _pixels = plan.Tensors[s.Output].Shape.Spatial;
    private readonly int _total = plan.Tensors[s.Output].Shape.N * plan.Tensors[s.Output].Shape.Spatial;
    private readonly AlignedFloats _x = arena.Slot(s.Input), _y = arena.Slot(s.Output);
    private readonly AlignedFloats _gate = arena.Slot(s.Scale.Gate);
    private readonly AlignedFloats? _residual = s.Project.Residual < 0 ? null : arena.Slot(s.Project.Residual);
    private readonly int _inPitch = arena.Pitch(s.Input), _pitch = arena.Pitch(s.Output);
    private readonly int _residualPitch = s.Project.Residual < 0 ? 0 : arena.Pitch(s.Project.Residual);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        int p0 = task * range, count = Math.Min(range, _total - p0);
        var x = _x.Slice(p0 * _inPitch, count * _inPitch);
        for (int p = p0; p < p0 + count;)
        {
            int n = p / _pixels, end = Math.Min(p0 + count, (n + 1) * _pixels);
            ScaleRelu6(x.Slice((p - p0) * _inPitch, (end - p) * _inPitch), end - p, _gate.Slice(n * _inPitch, _inPitch));
            p = end;
        }
        var residual = _residual is null ? default : _residual.Slice(p0 * _residualPitch, count * _residualPitch);
        int residualVectors = _residual is null ? 0 : _residualPitch / TS.Width;
        Gemm<TS, TV>.Run(x, _inPitch, default, count, weights, 0, weights.Vectors, _y.Slice(p0 * _pitch, count * _pitch),
            _pitch, s.Project.Activation, residual, _residualPitch, residualVectors);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScaleRelu6(Span<float> x, int count, ReadOnlySpan<float> gate)
    {
        int vf = TS.Width;
        for (int c = 0; c < _inPitch; c += vf)
        {
            TV g = TS.Load(ref MemoryMarshal.GetReference(gate[c..]));
            for (int p = 0; p < count; p++)
            {
                ref float cell = ref x[p * _inPitch + c];
                TS.Store(SimdMath.Relu6<TS, TV>(TS.Multiply(TS.Load(ref cell), g)), ref cell);
            }
        }
    }
}
