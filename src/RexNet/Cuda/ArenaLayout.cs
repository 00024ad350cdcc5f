using RexNet.Model;

namespace RexNet.Cuda;

/// <summary>
/// The activation arena: one allocation holding the max-batch plan's slots, each 256-byte aligned. Plans
/// for smaller batches use the same slots (slot assignment depends on tensor sizes only relative to each
/// other, and every size scales with the batch), which <see cref="RequireCompatible"/> checks.
/// </summary>
internal sealed class ArenaLayout
{
    private readonly long[] _slotOffsets;
    private readonly IReadOnlyList<int> _slotOf;

    public ArenaLayout(Plan maxBatchPlan)
    {
        _slotOf = maxBatchPlan.SlotOf;
        (_slotOffsets, TotalFloats) = DeviceLayout.Pack(maxBatchPlan.SlotSizes.Select(s => (long)s).ToArray());
    }

    public long TotalFloats { get; }
    public long Bytes => TotalFloats * sizeof(float);
    public IReadOnlyList<long> SlotOffsets => _slotOffsets;

    public DeviceRef RefOf(Plan plan, int tensor) => new(DeviceRegion.Arena, _slotOffsets[plan.SlotOf[tensor]]);

    /// <summary>Throws unless <paramref name="plan"/> puts every tensor in the slot the max-batch plan does.</summary>
    public void RequireCompatible(Plan plan)
    {
        if (!plan.SlotOf.SequenceEqual(_slotOf))
        {
            throw new InvalidOperationException($"the batch-{plan.Batch} plan assigns slots differently from the max-batch plan");
        }
    }
}
