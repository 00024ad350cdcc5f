using System.Buffers;
using Microsoft.AspNetCore.Http;
using RexNet.Server.Inference;

namespace RexNet.Server.Rest;

/// <summary>
/// A request body read whole into a pooled buffer, within the size limit: a declared Content-Length over the
/// limit is refused before reading, a chunked body as soon as it passes the limit. Dispose returns the buffer.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public static async Task<RequestBody> ReadAsync(HttpRequest request, long limit, CancellationToken cancellation)
    {
        if (request.Headers.ContentEncoding is { Count: > 0 } encoding && encoding.ToString() is var e && e != "identity")
        {
            throw InferenceException.BadRequest($"Content-Encoding '{e}' is not supported; send the body uncompressed");
        }
        if (request.ContentLength is { } declared && declared > limit)
        {
            throw TooLarge($" of {declared} bytes", limit);
        }
        int capacity = (int)(request.ContentLength ?? Math.Min(limit, 64 * 1024));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        // One byte more than the limit tells a body that is too large from one that is exactly full.
                        if (await request.Body.ReadAsync(new byte[1], cancellation).ConfigureAwait(false) > 0)
                        {
                            throw TooLarge("", limit);
                        }
                        break;
                    }
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellation).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > limit)
                {
                    throw TooLarge("", limit);
                }
            }
        }
        catch (BadHttpRequestException bad) when (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw TooLarge("", limit);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (request.ContentLength is { } expected && length != expected)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw InferenceException.BadRequest($"the body ended after {length} of its {expected} declared bytes");
        }
        return new RequestBody(buffer, length);
    }

    private static InferenceException TooLarge(string size, long limit) =>
        InferenceException.BadRequest($"the request body{size} exceeds the limit of {limit} bytes");

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
