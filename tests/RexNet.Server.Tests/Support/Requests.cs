using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RexNet.Server.Tests.Support;

/// <summary>Request bodies as a client writes them: JSON, and the binary_tensor_data form.</summary>
internal static class Requests
{
    public static string Fp32Json(float[] images, int count, string? id = null, JsonArray? outputs = null, int size = TestModels.Size)
    {
        var root = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input", ["datatype"] = "FP32", ["shape"] = new JsonArray(count, 3, size, size),
                ["data"] = new JsonArray(images.Select(v => (JsonNode)v).ToArray()),
            }),
        };
        if (id is not null)
        {
            root["id"] = id;
        }
        if (outputs is not null)
        {
            root["outputs"] = outputs;
        }
        return root.ToJsonString();
    }

    public static JsonArray Output(bool? binary = null, int? classification = null, string name = "logits")
    {
        var parameters = new JsonObject();
        if (binary is { } b)
        {
            parameters["binary_data"] = b;
        }
        if (classification is { } k)
        {
            parameters["classification"] = k;
        }
        return new JsonArray(new JsonObject { ["name"] = name, ["parameters"] = parameters });
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A JSON header followed by raw bytes, with Inference-Header-Content-Length.</summary>
    public static ByteArrayContent Binary(string header, params byte[][] blobs)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var body = json.Concat(blobs.SelectMany(b => b)).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return content;
    }

    public static string BinaryHeader(string name, string datatype, long[] shape, long bytes, JsonArray? outputs = null, bool? binaryOutput = null)
    {
        var root = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = name, ["datatype"] = datatype, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
                ["parameters"] = new JsonObject { ["binary_data_size"] = bytes },
            }),
        };
        if (outputs is not null)
        {
            root["outputs"] = outputs;
        }
        if (binaryOutput is { } b)
        {
            root["parameters"] = new JsonObject { ["binary_data_output"] = b };
        }
        return root.ToJsonString();
    }

    public static byte[] Raw(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>BYTES elements with their 4-byte little-endian length prefixes.</summary>
    public static byte[] RawBytes(params byte[][] elements)
    {
        var result = new List<byte>();
        foreach (var e in elements)
        {
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)e.Length);
            result.AddRange(prefix);
            result.AddRange(e);
        }
        return [.. result];
    }

    /// <summary>The FP32 data of the first output of a JSON inference response.</summary>
    public static float[] JsonLogits(JsonDocument response) =>
        response.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();

    /// <summary>The BYTES data (classification strings) of the first output of a JSON inference response.</summary>
    public static string[] JsonStrings(JsonDocument response) =>
        response.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>Splits a binary response into its JSON header and the raw bytes after it.</summary>
    public static async Task<(JsonDocument Header, byte[] Raw)> ReadBinaryAsync(HttpResponseMessage response)
    {
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        int length = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        return (JsonDocument.Parse(body.AsMemory(0, length)), body[length..]);
    }

    public static float[] Floats(byte[] raw) => MemoryMarshal.Cast<byte, float>(raw).ToArray();

    public static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("error").GetString()!;
    }
}
