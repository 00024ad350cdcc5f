namespace RexNet.Model;

/// <summary>
/// Greedy interval colouring of tensors onto reusable buffers ("slots"): tensors in the order they are
/// written each take a free slot (the one closest in size), freed after the tensor's last reader. A slot is
/// reusable by a tensor only when its previous tenant's last reader ran before that tensor is written, so
/// no step reads and writes the same slot. Pinned tensors keep slots of their own for the whole run (the
/// input and the logits, which callers bind directly). Every size scales with the batch, so the assignment
/// is the same for every batch size of one (height, width).
/// </summary>
internal static class SlotAssignment
{
    /// <param name="sizes">Elements of each tensor.</param>
    /// <param name="producedAt">The step that writes each tensor; -1 for one no step writes (it gets no slot, -1).</param>
    /// <param name="lastUse">The last step that reads each tensor; -1 when none does.</param>
    /// <param name="pinned">Tensors with a slot of their own, in slot order.</param>
    public static (int[] SlotOf, int[] SlotSizes) Assign(IReadOnlyList<int> sizes, IReadOnlyList<int> producedAt, IReadOnlyList<int> lastUse,
        IReadOnlyList<int> pinned)
    {
        var slotOf = new int[sizes.Count];
        Array.Fill(slotOf, -1);
        var slotSizes = new List<int>();
        var freeAfter = new List<int>(); // step index after which each slot is free again
        foreach (int t in pinned)
        {
            slotOf[t] = slotSizes.Count;
            slotSizes.Add(sizes[t]);
            freeAfter.Add(int.MaxValue);
        }
        var order = Enumerable.Range(0, sizes.Count).Where(t => producedAt[t] >= 0 && slotOf[t] < 0).OrderBy(t => producedAt[t]).ThenBy(t => t);
        foreach (int t in order)
        {
            int slot = -1;
            for (int s = pinned.Count; s < slotSizes.Count; s++)
            {
                if (freeAfter[s] < producedAt[t] && (slot < 0 || Math.Abs(slotSizes[s] - sizes[t]) < Math.Abs(slotSizes[slot] - sizes[t])))
                {
                    slot = s;
                }
            }
            if (slot < 0)
            {
                slot = slotSizes.Count;
                slotSizes.Add(0);
                freeAfter.Add(0);
            }
            slotSizes[slot] = Math.Max(slotSizes[slot], sizes[t]);
            freeAfter[slot] = Math.Max(lastUse[t], producedAt[t]);
            slotOf[t] = slot;
        }
        return (slotOf, slotSizes.ToArray());
    }
}
