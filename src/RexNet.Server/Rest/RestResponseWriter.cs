using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RexNet.Server.Inference;

namespace RexNet.Server.Rest;

/// <summary>
/// Writes REST answers: JSON documents, {"error": "..."} with a status, and inference responses in JSON or, when
/// an output is binary, as a JSON header (its length in Inference-Header-Content-Length) followed by raw data.
/// </summary>
internal static class RestResponseWriter
{
    private const string Json = "application/json";
    private const string Binary = "application/octet-stream";

    /// <summary>Answers are JSON documents, never embedded in HTML: quotes and apostrophes in messages stay readable.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteJsonAsync(HttpResponse response, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        response.StatusCode = status;
        response.ContentType = Json;
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    public static Task WriteErrorAsync(HttpResponse response, int status, string message) =>
        WriteJsonAsync(response, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        });

    public static async Task WriteInferAsync(HttpResponse response, InferResult result)
    {
        var plan = result.Plan;
        var model = result.Model;
        string[]? classes = plan.Classification > 0 ? plan.Classify(result.Logits, result.Count, model) : null;
        var raw = plan.Binary ? RawTensors.Output(result.Logits, classes) : ReadOnlyMemory<byte>.Empty;
        var header = new ArrayBufferWriter<byte>(plan.Binary ? 256 : 16 * 1024);
        using (var w = new Utf8JsonWriter(header, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("model_name", model.Name);
            w.WriteString("model_version", ServedModel.Version);
            if (result.Id.Length > 0)
            {
                w.WriteString("id", result.Id);
            }
            w.WriteStartArray("outputs");
            w.WriteStartObject();
            w.WriteString("name", ServedModel.OutputTensor);
            w.WriteString("datatype", plan.Datatype);
            w.WriteStartArray("shape");
            foreach (long dim in plan.Shape(result.Count, model))
            {
                w.WriteNumberValue(dim);
            }
            w.WriteEndArray();
            if (plan.Binary)
            {
                w.WriteStartObject("parameters");
                w.WriteNumber("binary_data_size", raw.Length);
                w.WriteEndObject();
            }
            else
            {
                w.WriteStartArray("data");
                if (classes is not null)
                {
                    foreach (string c in classes)
                    {
                        w.WriteStringValue(c);
                    }
                }
                else
                {
                    WriteFloats(w, result.Logits);
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        response.StatusCode = StatusCodes.Status200OK;
        if (!plan.Binary)
        {
            response.ContentType = Json;
            response.ContentLength = header.WrittenCount;
            await response.Body.WriteAsync(header.WrittenMemory).ConfigureAwait(false);
            return;
        }
        response.ContentType = Binary;
        response.Headers[RestRequestReader.HeaderLengthHeader] = header.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.ContentLength = header.WrittenCount + raw.Length;
        await response.Body.WriteAsync(header.WrittenMemory).ConfigureAwait(false);
        await response.Body.WriteAsync(raw).ConfigureAwait(false);
    }

    /// <summary>JSON has no NaN or infinities; like System.Text.Json's named literals, they travel as strings.</summary>
    private static void WriteFloats(Utf8JsonWriter w, ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                w.WriteNumberValue(v);
            }
            else
            {
                w.WriteStringValue(float.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
            }
        }
    }
}
