using System.Buffers;
using System.Runtime.InteropServices;
using RexNet.Imaging;

namespace RexNet.Server.Inference;

/// <summary>
/// Turns a request's one input into the engine's NCHW floats. Names, datatypes and shapes are checked against
/// the model, and the shape's size against the limits, before any buffer is allocated; encoded images go
/// through the model's eval transform. Raw FP32 is read in place; anything converted goes into an array rented from
/// the pool, which the returned batch gives back when disposed (and which goes back at once when decoding fails).
/// </summary>
internal static class InputDecoder
{
    public const string Fp32 = "FP32";
    public const string Bytes = "BYTES";
    private const int MaxRank = 8;

    public static ImageBatch Decode(IReadOnlyList<InputTensor> inputs, ServedModel model, int maxImages, ArrayPool<float> pool)
    {
        if (inputs.Count == 0)
        {
            throw InferenceException.BadRequest($"the request has no inputs; {Expected(model)}");
        }
        if (inputs.Count > 1)
        {
            string names = string.Join(", ", inputs.Select(i => $"'{i.Name}'"));
            throw InferenceException.BadRequest($"the request has {inputs.Count} inputs ({names}); give exactly one: {Expected(model)}");
        }
        var input = inputs[0];
        return input.Name switch
        {
            ServedModel.InputTensor => DecodeTensor(input, model, maxImages, pool),
            ServedModel.ImageTensor => DecodeImages(input, model, maxImages, pool),
            _ => throw InferenceException.BadRequest($"unknown input '{input.Name}'; {Expected(model)}"),
        };
    }

    private static ImageBatch DecodeTensor(InputTensor input, ServedModel model, int maxImages, ArrayPool<float> pool)
    {
        RequireDatatype(input, Fp32);
        long elements = CheckedElements(input, model, maxImages);
        var shape = input.Shape;
        if (shape.Count != 4 || shape[1] != 3 || shape[2] != model.Height || shape[3] != model.Width)
        {
            throw InferenceException.BadRequest(
                $"input '{input.Name}' has shape {Format(shape)}; model '{model.Name}' takes [n, 3, {model.Height}, {model.Width}]");
        }
        int count = CheckBatch(input, shape[0], maxImages);
        input.Payload.CheckFp32Count(input.Name, elements);
        // CheckedElements keeps the count within an array's length.
        return new ImageBatch(input.Payload.ReadFp32(input.Name, (int)elements, pool), count);
    }

    private static ImageBatch DecodeImages(InputTensor input, ServedModel model, int maxImages, ArrayPool<float> pool)
    {
        RequireDatatype(input, Bytes);
        CheckedElements(input, model, maxImages);
        if (input.Shape.Count != 1)
        {
            throw InferenceException.BadRequest($"input '{input.Name}' has shape {Format(input.Shape)}; it must be [n], one encoded image per element");
        }
        int count = CheckBatch(input, input.Shape[0], maxImages);
        var encoded = input.Payload.ReadBytes(input.Name, count);
        var pixels = Fp32Buffer.Rent(pool, count * model.ImageElements, (name: input.Name, encoded, model), static (pixels, state) =>
        {
            int per = state.model.ImageElements;
            for (int i = 0; i < state.encoded.Count; i++)
            {
                float[] tensor;
                try
                {
                    using var stream = OpenEncoded(state.encoded[i]);
                    tensor = ImagePreprocessor.Preprocess(stream, $"input '{state.name}' element {i}", state.model.Preprocess);
                }
                catch (RexNetException e)
                {
                    throw new InferenceException(InferenceStatus.BadRequest, e.Message, e);
                }
                tensor.CopyTo(pixels.Slice(i * per, per));
            }
        });
        return new ImageBatch(pixels, count);
    }

    /// <summary>A stream over an encoded image where it lies (the request body, a message, a decoded base64 array): the
    /// loader reads it into its own buffer, so copying it first would be a second copy.</summary>
    private static MemoryStream OpenEncoded(ReadOnlyMemory<byte> encoded) =>
        MemoryMarshal.TryGetArray(encoded, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(encoded.ToArray(), writable: false);

    /// <summary>Rank, non-negative dimensions, and an element count that neither overflows nor passes the limit.</summary>
    private static long CheckedElements(InputTensor input, ServedModel model, int maxImages)
    {
        var shape = input.Shape;
        if (shape.Count == 0 || shape.Count > MaxRank)
        {
            throw InferenceException.BadRequest($"input '{input.Name}' has rank {shape.Count}; shapes have 1 to {MaxRank} dimensions");
        }
        long limit = (long)maxImages * model.ImageElements;
        long elements = 1;
        foreach (long dim in shape)
        {
            if (dim < 0)
            {
                throw InferenceException.BadRequest($"input '{input.Name}' has shape {Format(shape)}: dimensions must be non-negative");
            }
            // Dividing first keeps the running product below the limit, so it can never overflow.
            if (dim != 0 && elements > limit / dim)
            {
                throw InferenceException.BadRequest(
                    $"input '{input.Name}' shape {Format(shape)} has more than {limit} elements, the limit of {maxImages} images per request");
            }
            elements *= dim;
        }
        // --max-request-images allows shapes past what one array holds (65536 images of 224x224); such a request
        // is the client's error, not a wrapped count.
        if (elements > Array.MaxLength)
        {
            throw InferenceException.BadRequest(
                $"input '{input.Name}' shape {Format(shape)} has {elements} elements, more than one request can carry ({Array.MaxLength})");
        }
        return elements;
    }

    private static int CheckBatch(InputTensor input, long batch, int maxImages)
    {
        if (batch < 1)
        {
            throw InferenceException.BadRequest($"input '{input.Name}' has shape {Format(input.Shape)}: the batch dimension must be at least 1");
        }
        if (batch > maxImages)
        {
            throw InferenceException.BadRequest($"input '{input.Name}' has {batch} images; at most {maxImages} are accepted per request");
        }
        return (int)batch;
    }

    private static void RequireDatatype(InputTensor input, string datatype)
    {
        if (input.Datatype != datatype)
        {
            throw InferenceException.BadRequest($"input '{input.Name}' has datatype '{input.Datatype}'; it must be {datatype}");
        }
    }

    private static string Expected(ServedModel model) =>
        $"model '{model.Name}' takes '{ServedModel.InputTensor}' (FP32 [-1, 3, {model.Height}, {model.Width}]) or '{ServedModel.ImageTensor}' (BYTES [-1], encoded images)";

    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";
}
