using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>Where a plan tensor lives on the CPU: a slot of the arena, and the float pitch of one pixel (or one image, for vectors).</summary>
internal readonly record struct CpuTensor(int Slot, int Pitch, TensorShape Shape);

/// <summary>
/// The CPU engine's activation memory for one (max batch, height, width): only the tensors that fused steps
/// write out (<see cref="FusedStep.Output"/> and the side outputs below) get a place, laid out channels-last
/// (<see cref="ChannelsLast"/>) and sharing slots by liveness over the fused steps. The SE squeeze is kept
/// as per-row channel sums [N, H, pitch] so that its value does not depend on how rows are split into tasks.
/// </summary>
internal sealed class CpuArena
{
    public AlignedFloats[] Slots { get; }
    public IReadOnlyDictionary<int, CpuTensor> Tensors { get; }
    public long Bytes { get; }

    public CpuArena(Plan plan, IReadOnlyList<FusedStep> schedule, VectorIsa isa)
    {
        // Per plan tensor, for SlotAssignment: a tensor no fused step writes out gets no slot.
        int count = plan.Tensors.Count;
        var sizes = new int[count];
        var producedAt = new int[count];
        var lastUse = new int[count];
        Array.Fill(producedAt, -1);
        Array.Fill(lastUse, -1);
        var tensors = new Dictionary<int, CpuTensor>();
        void Place(int id, int pitch, long length, int step)
        {
            tensors[id] = new CpuTensor(-1, pitch, plan.Tensors[id].Shape);
            sizes[id] = checked((int)length);
            producedAt[id] = step;
        }
        void Spatial(int id, int step)
        {
            var s = plan.Tensors[id].Shape;
            int pitch = isa.PadChannels(s.C);
            Place(id, pitch, (long)s.N * s.H * s.W * pitch, step);
        }
        void Vector(int id, int step)
        {
            var s = plan.Tensors[id].Shape;
            int pitch = isa.PadChannels(s.C);
            Place(id, pitch, (long)s.N * pitch, step);
        }

        var input = plan.Input.Shape;
        Place(plan.Input.Id, input.C * input.H * input.W, input.Count, -1);
        for (int i = 0; i < schedule.Count; i++)
        {
            switch (schedule[i])
            {
                case ExpandDepthwiseStep s:
                    // With the projection fused in, only the block's output is written out.
                    Spatial(s.Output, i);
                    if (s.Squeeze is { } squeeze)
                    {
                        var dw = plan.Tensors[s.Output].Shape;
                        int pitch = isa.PadChannels(dw.C);
                        Place(squeeze.Output, pitch, (long)dw.N * dw.H * pitch, i);
                    }
                    break;
                case ExciteStep s:
                    Vector(s.Output, i);
                    break;
                case PointwisePoolStep s:
                    Spatial(s.Conv.Output, i);
                    Vector(s.Output, i);
                    break;
                case ClassifierStep s:
                    // Logits stay compact: [N, classes] is what callers get.
                    Place(s.Output, plan.Tensors[s.Output].Shape.C, plan.Tensors[s.Output].Shape.Count, i);
                    break;
                default:
                    Spatial(schedule[i].Output, i);
                    break;
            }
            foreach (int t in InputsOf(schedule[i]))
            {
                lastUse[t] = i;
            }
        }
        // The input and the logits keep slots of their own; every other tensor shares by liveness over the fused steps.
        var (slotOf, slotSizes) = SlotAssignment.Assign(sizes, producedAt, lastUse, [plan.Input.Id, plan.Logits.Id]);
        Slots = slotSizes.Select(size => new AlignedFloats(size)).ToArray();
        Tensors = tensors.ToDictionary(p => p.Key, p => p.Value with { Slot = slotOf[p.Key] });
        Bytes = slotSizes.Sum(size => (long)size) * sizeof(float);
    }

    public AlignedFloats Slot(int tensor) => Slots[Tensors[tensor].Slot];

    public int Pitch(int tensor) => Tensors[tensor].Pitch;

    /// <summary>The tensors a fused step reads (the SE scale's input is also what it writes, in place).</summary>
    public static IEnumerable<int> InputsOf(FusedStep step) => step switch
    {
        StemStep s => [s.Conv.Input],
        ExpandDepthwiseStep { Project.Residual: >= 0 } s => [s.Input, s.Project.Residual],
        ExpandDepthwiseStep s => [s.Input],
        ExciteStep s => [s.Excite.Input],
        ProjectStep s => s.Project.Residual >= 0 ? [s.Scale.Input, s.Scale.Gate, s.Project.Residual] : [s.Scale.Input, s.Scale.Gate],
        PointwisePoolStep s => [s.Conv.Input],
        ClassifierStep s => [s.Linear.Input],
        _ => throw new RexNetException(RexNetErrorCode.Internal, $"no inputs known for {step.GetType().Name}"),
    };
}
