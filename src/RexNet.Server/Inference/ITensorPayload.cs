namespace RexNet.Server.Inference;

/// <summary>
/// An input tensor's elements in whatever form the transport delivered them (JSON array, raw little-endian bytes,
/// typed protobuf contents). Every method checks the element count against what the shape declared and throws a
/// bad-request <see cref="InferenceException"/> naming <paramref name="input"/> when they disagree.
/// </summary>
internal interface ITensorPayload
{
    /// <summary>Checks, before anything is allocated, what can be known of the FP32 element count cheaply.</summary>
    void CheckFp32Count(string input, long elements);

    /// <summary>Writes exactly <c>destination.Length</c> FP32 elements.</summary>
    void ReadFp32(string input, Span<float> destination);

    /// <summary>Returns exactly <paramref name="count"/> BYTES elements.</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> ReadBytes(string input, int count);
}
