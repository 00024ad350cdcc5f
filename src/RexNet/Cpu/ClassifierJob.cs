using System.Runtime.CompilerServices;
using RexNet.Model;

namespace RexNet.Cpu;

internal sealed class ClassifierJob<TS, TV>(ClassifierStep s, CpuArena arena, Plan plan, int tasks) : CpuJob(s.Name, tasks)
    where TS : struct, ISimd<TV> where TV : struct
{
    private readonly AlignedFloats _x = arena.Slot(s.Linear.Input), _y = arena.Slot(s.Output);
    private readonly int _pitch = arena.Pitch(s.Linear.Input), _batch = plan.Tensors[s.Output].Shape.N;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Execute(int task, int worker)
    {
        var l = s.Linear;
        int per = (l.OutFeatures + TaskCount - 1) / TaskCount;
        int first = Math.Min(l.OutFeatures, task * per);
        CpuOps.LinearOutputs<TS, TV>(_x.Span, _pitch, _batch, l.InFeatures, l.Weight, l.Bias, l.OutFeatures, _y.Span, first, Math.Min(per, l.OutFeatures - first));
    }
}
