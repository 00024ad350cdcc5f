using System.Buffers;

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

    /// <summary>Exactly <paramref name="elements"/> FP32 elements: in place when the transport delivered raw bytes,
    /// otherwise converted into an array rented from <paramref name="pool"/>.</summary>
    Fp32Buffer ReadFp32(string input, int elements, ArrayPool<float> pool);

    /// <summary>Returns exactly <paramref name="count"/> BYTES elements.</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> ReadBytes(string input, int count);
}
