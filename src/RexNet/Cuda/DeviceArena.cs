using RexNet.Model;

namespace RexNet.Cuda;

/// <summary>
/// The engine's activation allocation: one slot per group of tensors whose lifetimes do not overlap in the
/// device program (slots by <see cref="SlotAssignment"/>, sized for the largest batch), then the scratch the
/// fused kernels share (split-K partial tiles, SE partial sums) and their counters, each 256-byte aligned.
/// Programs for smaller batches use the same slots (every size scales with the batch), which the
/// constructor checks. Scratch is reused by every op: ops run one after another on one stream, and each
/// op's last block returns its counters to zero, as the initial fill of the arena leaves them.
/// </summary>
internal sealed class DeviceArena
{
    private readonly int[] _slotOf;
    private readonly long[] _slotOffsets;

    public IReadOnlyList<int> SlotSizes { get; }
    public DeviceRef Scratch { get; }
    public DeviceRef Counters { get; }
    public long ScratchFloats { get; }
    public long CounterCount { get; }
    public long TotalFloats { get; }
    public long Bytes => TotalFloats * sizeof(float);

    /// <param name="programs">The programs for batch 1 to the largest, the largest last; all of one (height, width).</param>
    public DeviceArena(IReadOnlyList<DeviceProgram> programs)
    {
        var (slotOf, slotSizes) = Assign(programs[^1]);
        foreach (var p in programs)
        {
            if (!Assign(p).SlotOf.SequenceEqual(slotOf))
            {
                throw new RexNetException(RexNetErrorCode.Internal, $"the batch-{p.Plan.Batch} program assigns slots differently from the largest batch's");
            }
        }
        _slotOf = slotOf;
        SlotSizes = slotSizes;
        var steps = programs.SelectMany(p => p.Steps.Select(s => CudaPlanRecorder.ScratchOf(p, s))).ToArray();
        ScratchFloats = steps.Max(s => s.Floats);
        CounterCount = steps.Max(s => s.Counters);
        var (offsets, total) = DeviceLayout.Pack([.. slotSizes.Select(s => (long)s), ScratchFloats, CounterCount]);
        _slotOffsets = offsets[..slotSizes.Length];
        Scratch = new DeviceRef(DeviceRegion.Arena, offsets[^2]);
        Counters = new DeviceRef(DeviceRegion.Arena, offsets[^1]);
        TotalFloats = total;
    }

    public IReadOnlyList<long> SlotOffsets => _slotOffsets;

    /// <summary>Where a tensor lives; throws for one the program never writes (fused away).</summary>
    public DeviceRef RefOf(int tensor) => _slotOf[tensor] >= 0
        ? new DeviceRef(DeviceRegion.Arena, _slotOffsets[_slotOf[tensor]])
        : throw new RexNetException(RexNetErrorCode.Internal, $"tensor {tensor} is not materialised by the device program");

    public bool Holds(int tensor) => _slotOf[tensor] >= 0;

    private static (int[] SlotOf, int[] SlotSizes) Assign(DeviceProgram program)
    {
        var tensors = program.Plan.Tensors;
        var producedAt = new int[tensors.Count];
        var lastUse = new int[tensors.Count];
        Array.Fill(producedAt, -1);
        Array.Fill(lastUse, -1);
        for (int i = 0; i < program.Steps.Count; i++)
        {
            foreach (int t in program.Steps[i].Writes)
            {
                producedAt[t] = i;
            }
            foreach (int t in program.Steps[i].Reads)
            {
                lastUse[t] = i;
            }
        }
        return SlotAssignment.Assign(tensors.Select(t => t.Shape.Count).ToArray(), producedAt, lastUse, [program.Plan.Input.Id, program.Plan.Logits.Id]);
    }
}
