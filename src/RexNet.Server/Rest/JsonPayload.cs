using System.Buffers;
using System.Text.Json;
using RexNet.Server.Inference;

namespace RexNet.Server.Rest;

/// <summary>
/// A JSON "data" array: flat or nested row-major, numbers for FP32 and base64 strings for BYTES. Only valid
/// while the request's JsonDocument is alive, which spans decoding.
/// </summary>
internal sealed class JsonPayload(JsonElement data) : ITensorPayload
{
    /// <summary>Nesting beyond the deepest shape we accept (rank 4) plus slack is refused.</summary>
    private const int MaxNesting = 8;

    public void CheckFp32Count(string input, long elements)
    {
        // Counting nested arrays costs a walk; ReadFp32 checks the count exactly as it copies.
    }

    public Fp32Buffer ReadFp32(string input, int elements, ArrayPool<float> pool) =>
        Fp32Buffer.Rent(pool, elements, (data, input), static (destination, state) =>
        {
            int written = 0;
            Walk(state.data, 0, ref written, destination, state.input);
            if (written != destination.Length)
            {
                throw InferenceException.BadRequest($"input '{state.input}' has {written} data elements; its shape needs {destination.Length}");
            }
        });

    private static void Walk(JsonElement element, int depth, ref int written, Span<float> destination, string input)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"input '{input}': \"data\" must be an array of numbers, got {Kind(element)}");
        }
        if (depth > MaxNesting)
        {
            throw InferenceException.BadRequest($"input '{input}': \"data\" nests arrays deeper than {MaxNesting}");
        }
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Walk(item, depth + 1, ref written, destination, input);
                continue;
            }
            if (item.ValueKind != JsonValueKind.Number)
            {
                throw InferenceException.BadRequest($"input '{input}' data element {written} is {Kind(item)}, not a number");
            }
            if (written == destination.Length)
            {
                throw InferenceException.BadRequest($"input '{input}' has more data elements than its shape's {destination.Length}");
            }
            if (!item.TryGetSingle(out float value) || !float.IsFinite(value))
            {
                throw InferenceException.BadRequest($"input '{input}' data element {written} ({item.GetRawText()}) is not a finite FP32 value");
            }
            destination[written++] = value;
        }
    }

    public IReadOnlyList<ReadOnlyMemory<byte>> ReadBytes(string input, int count)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"input '{input}': \"data\" must be an array of base64 strings, got {Kind(data)}");
        }
        var elements = new List<ReadOnlyMemory<byte>>(count);
        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw InferenceException.BadRequest($"input '{input}' data element {elements.Count} is {Kind(item)}, not a base64 string");
            }
            if (elements.Count == count)
            {
                throw InferenceException.BadRequest($"input '{input}' has more data elements than its shape's {count}");
            }
            if (!item.TryGetBytesFromBase64(out byte[]? bytes))
            {
                throw InferenceException.BadRequest($"input '{input}' data element {elements.Count} is not valid base64");
            }
            elements.Add(bytes);
        }
        if (elements.Count != count)
        {
            throw InferenceException.BadRequest($"input '{input}' has {elements.Count} data elements; its shape declares {count}");
        }
        return elements;
    }

    public static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
