namespace RexNet.Cuda;

/// <summary>
/// Packs buffers of given float counts into one allocation: each starts on a
/// <see cref="AlignmentFloats"/> boundary (256 bytes, what cuMemAlloc guarantees for a whole allocation
/// and what cuBLAS and coalesced loads like). Pure arithmetic, tested without a GPU.
/// </summary>
internal static class DeviceLayout
{
    public const int AlignmentBytes = 256;
    public const int AlignmentFloats = AlignmentBytes / sizeof(float);

    /// <summary>Offsets in floats of each buffer and the total floats the allocation needs.</summary>
    public static (long[] Offsets, long TotalFloats) Pack(IReadOnlyList<long> sizes)
    {
        var offsets = new long[sizes.Count];
        long next = 0;
        for (int i = 0; i < sizes.Count; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(sizes[i]);
            offsets[i] = next;
            next = AlignUp(next + sizes[i]);
        }
        return (offsets, next);
    }

    public static long AlignUp(long floats) => (floats + AlignmentFloats - 1) / AlignmentFloats * AlignmentFloats;
}
