using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using RexNet.Server.Grpc;
using RexNet.Server.Grpc.Protocol;

namespace RexNet.Server.Tests.Grpc;

/// <summary>
/// The pooled ModelInfer parser reads what Google.Protobuf's generated parser reads: the same message for every
/// field but raw_input_contents, and the same raw contents in order, wherever they sit in the message; and it
/// refuses, as INVALID_ARGUMENT, exactly the inputs the generated parser refuses.
/// </summary>
public sealed class PooledInferRequestTests
{
    private static readonly byte[] RawA = [1, 2, 3, 4, 5, 6, 7, 8];
    private static readonly byte[] RawB = [9, 10, 11, 12];

    /// <summary>Raw contents before, between and after the other fields, and an unknown field the parser must keep.</summary>
    private static byte[] Payload()
    {
        var head = new ModelInferRequest { ModelName = "rexnet_100", ModelVersion = "1", Id = "req-7" };
        head.Parameters["priority"] = new InferParameter { Int64Param = 3 };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 1, 3, 2, 1 } };
        var tail = new ModelInferRequest { Inputs = { input } };
        var output = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "logits" };
        output.Parameters["classification"] = new InferParameter { Int64Param = 5 };
        tail.Outputs.Add(output);
        byte[] unknownField = [0xC8, 0x06, 0x2A]; // field 105, varint 42
        return [.. Raw(RawA), .. head.ToByteArray(), .. Raw(RawB), .. tail.ToByteArray(), .. unknownField];
    }

    private static byte[] Raw(byte[] contents) => new ModelInferRequest { RawInputContents = { ByteString.CopyFrom(contents) } }.ToByteArray();

    private static PooledInferRequest Parse(byte[] payload) => PooledInferRequest.Parse(new ReadOnlySequence<byte>(payload));

    private static void AssertSame(ModelInferRequest expected, PooledInferRequest actual)
    {
        var raw = expected.RawInputContents.Select(b => b.ToByteArray()).ToArray();
        var others = expected.Clone();
        others.RawInputContents.Clear();
        Assert.Equal(others, actual.Message);
        Assert.Empty(actual.Message.RawInputContents);
        Assert.Equal(raw.Length, actual.RawInputCount);
        for (int i = 0; i < raw.Length; i++)
        {
            Assert.Equal(raw[i], actual.RawInput(i).ToArray());
        }
    }

    [Fact]
    public void Reads_what_the_generated_parser_reads()
    {
        byte[] payload = Payload();
        var expected = ModelInferRequest.Parser.ParseFrom(payload);
        using var pooled = Parse(payload);
        AssertSame(expected, pooled);
        Assert.Equal([RawA, RawB], Enumerable.Range(0, pooled.RawInputCount).Select(i => pooled.RawInput(i).ToArray()));
        Assert.Equal(expected, ModelInferRequest.Parser.ParseFrom(pooled.ToByteArray()));
    }

    [Fact]
    public void A_payload_from_a_sequence_of_many_segments_reads_the_same()
    {
        byte[] payload = Payload();
        var segments = payload.Chunk(3).ToArray();
        var first = new Segment(segments[0]);
        var last = first;
        foreach (var chunk in segments.Skip(1))
        {
            last = last.Append(chunk);
        }
        using var pooled = PooledInferRequest.Parse(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
        AssertSame(ModelInferRequest.Parser.ParseFrom(payload), pooled);
    }

    [Fact]
    public void Every_prefix_is_read_or_refused_as_the_generated_parser_does()
    {
        byte[] payload = Payload();
        for (int length = 0; length < payload.Length; length++)
        {
            byte[] prefix = payload[..length];
            ModelInferRequest? expected = null;
            try
            {
                expected = ModelInferRequest.Parser.ParseFrom(prefix);
            }
            catch (InvalidProtocolBufferException)
            {
            }
            if (expected is null)
            {
                var refused = Assert.Throws<RpcException>(() => Parse(prefix));
                Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
                Assert.Contains("not a valid protobuf message", refused.Status.Detail);
            }
            else
            {
                using var pooled = Parse(prefix);
                AssertSame(expected, pooled);
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01 }, "field number 0")]
    [InlineData(new byte[] { 0x0B }, "wire type 3")]
    [InlineData(new byte[] { 0x3A, 0x05, 0x01 }, "declares 5 bytes; 1 are left")]
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "longer than 10 bytes")]
    [InlineData(new byte[] { 0x09, 0x01, 0x02 }, "inside a fixed-width field")]
    public void Malformed_messages_are_invalid_argument_naming_the_defect(byte[] payload, string defect)
    {
        var refused = Assert.Throws<RpcException>(() => Parse(payload));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(defect, refused.Status.Detail);
    }

    [Fact]
    public void Raw_contents_are_gone_once_disposed()
    {
        var pooled = Parse(Payload());
        pooled.Dispose();
        pooled.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pooled.RawInput(0));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
