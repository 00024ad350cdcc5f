using System.Buffers;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Inference;

namespace RexNet.Server.Grpc;

/// <summary>Typed gRPC contents: fp32_contents for FP32, bytes_contents for BYTES; any other field is a mismatch.</summary>
internal sealed class GrpcPayload(InferTensorContents? contents) : ITensorPayload
{
    public void CheckFp32Count(string input, long elements)
    {
        int count = Fp32(input).Count;
        if (count != elements)
        {
            throw InferenceException.BadRequest($"input '{input}' has {count} fp32_contents; its shape needs {elements}");
        }
    }

    public Fp32Buffer ReadFp32(string input, int elements, ArrayPool<float> pool)
    {
        CheckFp32Count(input, elements);
        return Fp32Buffer.Rent(pool, elements, (values: Fp32(input), input), static (destination, state) =>
        {
            for (int i = 0; i < destination.Length; i++)
            {
                float v = state.values[i];
                if (!float.IsFinite(v))
                {
                    throw InferenceException.BadRequest($"input '{state.input}' element {i} is not a finite FP32 value");
                }
                destination[i] = v;
            }
        });
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> ReadBytes(string input, int count)
    {
        if (contents is null || contents.BytesContents.Count == 0 && count > 0)
        {
            throw InferenceException.BadRequest($"input '{input}' has no bytes_contents and the request has no raw_input_contents");
        }
        if (contents.BytesContents.Count != count)
        {
            throw InferenceException.BadRequest($"input '{input}' has {contents.BytesContents.Count} bytes_contents; its shape declares {count}");
        }
        return contents.BytesContents.Select(b => b.Memory).ToArray();
    }

    private Google.Protobuf.Collections.RepeatedField<float> Fp32(string input)
    {
        if (contents is null || contents.Fp32Contents.Count == 0 && HasOtherContents(contents))
        {
            throw InferenceException.BadRequest($"input '{input}' has no fp32_contents and the request has no raw_input_contents");
        }
        return contents.Fp32Contents;
    }

    private static bool HasOtherContents(InferTensorContents c) =>
        c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count + c.UintContents.Count + c.Uint64Contents.Count
        + c.Fp64Contents.Count + c.BytesContents.Count > 0;
}
