using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using RexNet.Server.Grpc.Protocol;

namespace RexNet.Server.Grpc;

/// <summary>
/// A ModelInfer request whose raw_input_contents stay in one pooled copy of the message instead of a new
/// <see cref="ByteString"/> each: Google.Protobuf copies every bytes field while parsing, and one 224x224 FP32
/// image is a 602 KB array on the large-object heap per request, which set off gen2 collections. The message is
/// walked at the wire level once; field 7 (raw_input_contents) is recorded in place, every other top-level field
/// is handed to the generated parser. Disposing returns the buffer: the request's raw contents must not be read
/// after that.
/// </summary>
internal sealed class PooledInferRequest : IDisposable
{
    /// <summary>raw_input_contents' field number in ModelInferRequest.</summary>
    private const int RawInputContentsField = ModelInferRequest.RawInputContentsFieldNumber;

    private readonly (int Start, int Length)[] _raw;
    private byte[]? _buffer;

    private PooledInferRequest(ModelInferRequest message, byte[] buffer, (int Start, int Length)[] raw)
    {
        Message = message;
        _buffer = buffer;
        _raw = raw;
    }

    /// <summary>Every field but raw_input_contents.</summary>
    public ModelInferRequest Message { get; }

    public int RawInputCount => _raw.Length;

    public ReadOnlyMemory<byte> RawInput(int index)
    {
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        return _buffer.AsMemory(_raw[index].Start, _raw[index].Length);
    }

    /// <summary>Parses a serialized ModelInferRequest; a malformed one is INVALID_ARGUMENT naming the defect.</summary>
    public static PooledInferRequest Parse(ReadOnlySequence<byte> payload)
    {
        if (payload.Length > Array.MaxLength)
        {
            throw Malformed($"it is {payload.Length} bytes long");
        }
        int length = (int)payload.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            payload.CopyTo(buffer);
            var (raw, others) = Split(buffer.AsSpan(0, length));
            return new PooledInferRequest(ParseOthers(buffer, length, others), buffer, raw);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>The message as a client would send it: every field, raw_input_contents last.</summary>
    public byte[] ToByteArray()
    {
        var message = Message.Clone();
        for (int i = 0; i < RawInputCount; i++)
        {
            message.RawInputContents.Add(ByteString.CopyFrom(RawInput(i).Span));
        }
        return message.ToByteArray();
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Walks the top-level fields: the contents of each raw_input_contents field, and the byte ranges of all
    /// other fields (adjacent ones merged), in order.</summary>
    private static ((int, int)[] Raw, List<(int Start, int End)> Others) Split(ReadOnlySpan<byte> message)
    {
        var raw = new List<(int, int)>();
        var others = new List<(int Start, int End)>();
        int position = 0;
        while (position < message.Length)
        {
            int start = position;
            ulong tag = ReadVarint(message, ref position);
            ulong field = tag >> 3;
            if (field == 0 || field > int.MaxValue)
            {
                throw Malformed($"field number {field} at byte {start}");
            }
            switch (tag & 7)
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    position = Skip(message, position, 8);
                    break;
                case 5:
                    position = Skip(message, position, 4);
                    break;
                case 2:
                    ulong size = ReadVarint(message, ref position);
                    if (size > (ulong)(message.Length - position))
                    {
                        throw Malformed($"field {field} at byte {start} declares {size} bytes; {message.Length - position} are left");
                    }
                    if (field == RawInputContentsField)
                    {
                        raw.Add((position, (int)size));
                        position += (int)size;
                        continue;
                    }
                    position += (int)size;
                    break;
                default:
                    throw Malformed($"field {field} at byte {start} has wire type {tag & 7}, which proto3 does not use");
            }
            if (others.Count > 0 && others[^1].End == start)
            {
                others[^1] = (others[^1].Start, position);
            }
            else
            {
                others.Add((start, position));
            }
        }
        return (raw.ToArray(), others);
    }

    /// <summary>The generated parser over every field but raw_input_contents (small: names, shapes, parameters).</summary>
    private static ModelInferRequest ParseOthers(byte[] buffer, int length, List<(int Start, int End)> others)
    {
        try
        {
            if (others.Count == 1 && others[0] == (0, length))
            {
                return ModelInferRequest.Parser.ParseFrom(buffer.AsSpan(0, length));
            }
            int total = others.Sum(r => r.End - r.Start);
            byte[] rest = ArrayPool<byte>.Shared.Rent(Math.Max(1, total));
            try
            {
                int offset = 0;
                foreach (var (start, end) in others)
                {
                    buffer.AsSpan(start, end - start).CopyTo(rest.AsSpan(offset));
                    offset += end - start;
                }
                return ModelInferRequest.Parser.ParseFrom(rest.AsSpan(0, total));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rest);
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Malformed(e.Message);
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= message.Length)
            {
                throw Malformed($"it ends inside a varint at byte {position}");
            }
            byte b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw Malformed($"a varint ending at byte {position} is longer than 10 bytes");
    }

    private static int Skip(ReadOnlySpan<byte> message, int position, int bytes) =>
        message.Length - position >= bytes ? position + bytes : throw Malformed($"it ends inside a fixed-width field at byte {position}");

    private static RpcException Malformed(string why) =>
        new(new Status(StatusCode.InvalidArgument, $"the ModelInfer request is not a valid protobuf message: {why}"));
}
