using System.Globalization;
using System.Text.Json;
using RexNet.Server.Inference;

namespace RexNet.Server.Rest;

/// <summary>
/// Parses a REST inference body: JSON, or with the binary_tensor_data extension a JSON header of
/// Inference-Header-Content-Length bytes followed by each binary input's bytes in input order. The returned
/// document must stay alive (and be disposed) around decoding, since JSON payloads point into it.
/// </summary>
internal static class RestRequestReader
{
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    public static (InferRequest Request, JsonDocument Document) Parse(ReadOnlyMemory<byte> body, string? headerLength,
        string modelName, string? modelVersion)
    {
        int jsonLength = body.Length;
        if (headerLength is not null)
        {
            if (!int.TryParse(headerLength, NumberStyles.None, CultureInfo.InvariantCulture, out jsonLength) || jsonLength > body.Length)
            {
                throw InferenceException.BadRequest(
                    $"{HeaderLengthHeader} is '{headerLength}'; it must be a byte count within the {body.Length}-byte body");
            }
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body[..jsonLength], Options);
        }
        catch (JsonException e)
        {
            throw InferenceException.BadRequest($"malformed JSON in the request body: {e.Message}");
        }
        try
        {
            var binary = body[jsonLength..];
            var request = Read(document.RootElement, binary, headerLength is not null, modelName, modelVersion);
            return (request, document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    private static InferRequest Read(JsonElement root, ReadOnlyMemory<byte> binary, bool binaryAllowed, string modelName, string? modelVersion)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw InferenceException.BadRequest($"the request body must be a JSON object, got {JsonPayload.Kind(root)}");
        }
        string id = OptionalString(root, "id", "the request's") ?? "";
        bool binaryOutput = false;
        if (OptionalObject(root, "parameters", "the request's") is { } parameters)
        {
            binaryOutput = OptionalBool(parameters, "binary_data_output", "the request's parameters") ?? false;
        }
        if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest("the request needs an \"inputs\" array");
        }
        var inputs = new List<InputTensor>();
        int offset = 0;
        foreach (var element in inputsElement.EnumerateArray())
        {
            inputs.Add(ReadInput(element, inputs.Count, binary, binaryAllowed, ref offset));
        }
        if (offset != binary.Length)
        {
            throw InferenceException.BadRequest(
                $"the body has {binary.Length - offset} bytes after the JSON header that no input's binary_data_size accounts for");
        }
        var outputs = new List<RequestedOutput>();
        if (root.TryGetProperty("outputs", out var outputsElement))
        {
            if (outputsElement.ValueKind != JsonValueKind.Array)
            {
                throw InferenceException.BadRequest($"\"outputs\" must be an array, got {JsonPayload.Kind(outputsElement)}");
            }
            foreach (var element in outputsElement.EnumerateArray())
            {
                outputs.Add(ReadOutput(element, outputs.Count));
            }
        }
        return new InferRequest(modelName, modelVersion, id, inputs, outputs, binaryOutput);
    }

    private static InputTensor ReadInput(JsonElement element, int index, ReadOnlyMemory<byte> binary, bool binaryAllowed, ref int offset)
    {
        string where = $"inputs[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw InferenceException.BadRequest($"{where} must be an object, got {JsonPayload.Kind(element)}");
        }
        string name = OptionalString(element, "name", where) ?? throw InferenceException.BadRequest($"{where} has no \"name\"");
        where = $"input '{name}'";
        string datatype = OptionalString(element, "datatype", where) ?? throw InferenceException.BadRequest($"{where} has no \"datatype\"");
        var shape = ReadShape(element, where);
        long? binarySize = null;
        if (OptionalObject(element, "parameters", where) is { } parameters && parameters.TryGetProperty("binary_data_size", out var size))
        {
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out long s) || s < 0)
            {
                throw InferenceException.BadRequest($"{where}: binary_data_size must be a non-negative integer, got {size.GetRawText()}");
            }
            binarySize = s;
        }
        bool hasData = element.TryGetProperty("data", out var data);
        if (binarySize is { } bytes)
        {
            if (!binaryAllowed)
            {
                throw InferenceException.BadRequest($"{where} has binary_data_size but the request has no {HeaderLengthHeader} header");
            }
            if (hasData)
            {
                throw InferenceException.BadRequest($"{where} has both \"data\" and binary_data_size; give one");
            }
            if (bytes > binary.Length - offset)
            {
                throw InferenceException.BadRequest(
                    $"{where}: binary_data_size {bytes} runs past the end of the body ({binary.Length - offset} binary bytes left)");
            }
            var slice = binary.Slice(offset, (int)bytes);
            offset += (int)bytes;
            return new InputTensor(name, datatype, shape, new RawPayload(slice));
        }
        if (!hasData)
        {
            throw InferenceException.BadRequest($"{where} has no \"data\" (nor binary_data_size)");
        }
        return new InputTensor(name, datatype, shape, new JsonPayload(data));
    }

    private static long[] ReadShape(JsonElement element, string where)
    {
        if (!element.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw InferenceException.BadRequest($"{where} needs a \"shape\" array of integers");
        }
        var dims = new long[shape.GetArrayLength()];
        int i = 0;
        foreach (var dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out dims[i]))
            {
                throw InferenceException.BadRequest($"{where}: shape element {i} ({dim.GetRawText()}) is not a 64-bit integer");
            }
            i++;
        }
        return dims;
    }

    private static RequestedOutput ReadOutput(JsonElement element, int index)
    {
        string where = $"outputs[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw InferenceException.BadRequest($"{where} must be an object, got {JsonPayload.Kind(element)}");
        }
        string name = OptionalString(element, "name", where) ?? throw InferenceException.BadRequest($"{where} has no \"name\"");
        where = $"output '{name}'";
        bool? binary = null;
        int? classification = null;
        if (OptionalObject(element, "parameters", where) is { } parameters)
        {
            binary = OptionalBool(parameters, "binary_data", where);
            if (parameters.TryGetProperty("classification", out var k))
            {
                if (k.ValueKind != JsonValueKind.Number || !k.TryGetInt32(out int count))
                {
                    throw InferenceException.BadRequest($"{where}: classification must be an integer, got {k.GetRawText()}");
                }
                classification = count;
            }
        }
        return new RequestedOutput(name, binary, classification);
    }

    private static string? OptionalString(JsonElement element, string property, string where)
    {
        if (!element.TryGetProperty(property, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw InferenceException.BadRequest($"{where} \"{property}\" must be a string, got {JsonPayload.Kind(value)}");
    }

    private static bool? OptionalBool(JsonElement element, string property, string where)
    {
        if (!element.TryGetProperty(property, out var value))
        {
            return null;
        }
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw InferenceException.BadRequest($"{where} \"{property}\" must be true or false, got {JsonPayload.Kind(value)}");
    }

    private static JsonElement? OptionalObject(JsonElement element, string property, string where)
    {
        if (!element.TryGetProperty(property, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Object
            ? value
            : throw InferenceException.BadRequest($"{where} \"{property}\" must be an object, got {JsonPayload.Kind(value)}");
    }
}
