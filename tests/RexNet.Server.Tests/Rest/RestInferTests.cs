using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Rest;

/// <summary>Inference over REST, JSON and binary, equal to the engine's own logits.</summary>
public sealed class RestInferTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServers Servers => fixture.Servers;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<JsonDocument> PostJsonAsync(string body)
    {
        using var response = await Servers.Http.PostAsync(Servers.InferPath, Requests.Json(body), Token);
        string text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    public async Task Json_fp32_equals_the_engine(int count)
    {
        var images = TestModels.Images(count, seed: count);
        using var document = await PostJsonAsync(Requests.Fp32Json(images, count, id: "req-7"));
        var root = document.RootElement;
        Assert.Equal("rexnet_100", root.GetProperty("model_name").GetString());
        Assert.Equal("1", root.GetProperty("model_version").GetString());
        Assert.Equal("req-7", root.GetProperty("id").GetString());
        var output = root.GetProperty("outputs")[0];
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([(long)count, 1000], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(TestModels.ExpectedLogits(images), Requests.JsonLogits(document));
    }

    [Fact]
    public async Task Nested_json_data_is_read_row_major()
    {
        var images = TestModels.Images(2, seed: 11);
        var nested = new JsonArray();
        for (int n = 0; n < 2; n++)
        {
            var channels = new JsonArray();
            for (int c = 0; c < 3; c++)
            {
                var rows = new JsonArray();
                for (int y = 0; y < TestModels.Size; y++)
                {
                    rows.Add(new JsonArray(images.Skip(((n * 3 + c) * TestModels.Size + y) * TestModels.Size).Take(TestModels.Size)
                        .Select(v => (JsonNode)v).ToArray()));
                }
                channels.Add(rows);
            }
            nested.Add(channels);
        }
        string body = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input", ["datatype"] = "FP32", ["shape"] = new JsonArray(2, 3, 32, 32), ["data"] = nested,
            }),
        }.ToJsonString();
        using var document = await PostJsonAsync(body);
        Assert.Equal(TestModels.ExpectedLogits(images), Requests.JsonLogits(document));
    }

    [Fact]
    public async Task Binary_input_and_binary_output()
    {
        var images = TestModels.Images(2, seed: 5);
        string header = Requests.BinaryHeader("input", "FP32", [2, 3, 32, 32], images.Length * 4, Requests.Output(binary: true));
        using var response = await Servers.Http.PostAsync(Servers.InferPath, Requests.Binary(header, Requests.Raw(images)), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var (json, raw) = await Requests.ReadBinaryAsync(response);
        using (json)
        {
            var output = json.RootElement.GetProperty("outputs")[0];
            Assert.Equal(2 * 1000 * 4, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
            Assert.False(output.TryGetProperty("data", out _));
        }
        Assert.Equal(TestModels.ExpectedLogits(images), Requests.Floats(raw));
    }

    [Fact]
    public async Task Binary_data_output_on_the_request_makes_every_output_binary()
    {
        var images = TestModels.Images(1, seed: 6);
        string header = Requests.BinaryHeader("input", "FP32", [1, 3, 32, 32], images.Length * 4, binaryOutput: true);
        using var response = await Servers.Http.PostAsync(Servers.InferPath, Requests.Binary(header, Requests.Raw(images)), Token);
        var (json, raw) = await Requests.ReadBinaryAsync(response);
        json.Dispose();
        Assert.Equal(TestModels.ExpectedLogits(images), Requests.Floats(raw));
    }

    [Fact]
    public async Task Binary_input_with_a_json_answer()
    {
        var images = TestModels.Images(1, seed: 8);
        string header = Requests.BinaryHeader("input", "FP32", [1, 3, 32, 32], images.Length * 4);
        using var response = await Servers.Http.PostAsync(Servers.InferPath, Requests.Binary(header, Requests.Raw(images)), Token);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Inference-Header-Content-Length"));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(TestModels.ExpectedLogits(images), Requests.JsonLogits(document));
    }

    [Fact]
    public async Task Classification_returns_value_index_label_best_first()
    {
        var images = TestModels.Images(2, seed: 9);
        var expected = TestModels.ExpectedLogits(images);
        using var document = await PostJsonAsync(Requests.Fp32Json(images, 2, outputs: Requests.Output(classification: 3)));
        var output = document.RootElement.GetProperty("outputs")[0];
        Assert.Equal("BYTES", output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 3], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var strings = output.GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToArray();
        for (int n = 0; n < 2; n++)
        {
            var row = expected.AsSpan(n * 1000, 1000).ToArray();
            var best = Enumerable.Range(0, 1000).OrderByDescending(i => row[i]).ThenBy(i => i).Take(3).ToArray();
            for (int j = 0; j < 3; j++)
            {
                var parts = strings[n * 3 + j].Split(':', 3);
                Assert.Equal(row[best[j]], float.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(best[j], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
                Assert.False(string.IsNullOrWhiteSpace(parts[2]));
            }
        }
        Assert.Equal("tench, Tinca tinca", await LabelOfClassZeroAsync());
    }

    /// <summary>The label the server gives class 0, found by asking for every class.</summary>
    private async Task<string> LabelOfClassZeroAsync()
    {
        var images = TestModels.Images(1, seed: 10);
        using var document = await PostJsonAsync(Requests.Fp32Json(images, 1, outputs: Requests.Output(classification: 5000)));
        var all = Requests.JsonStrings(document);
        Assert.Equal(1000, all.Length);
        return all.Select(s => s.Split(':', 3)).Single(p => p[1] == "0")[2];
    }

    [Fact]
    public async Task Binary_classification_is_length_prefixed_strings()
    {
        var images = TestModels.Images(1, seed: 12);
        string header = Requests.BinaryHeader("input", "FP32", [1, 3, 32, 32], images.Length * 4, Requests.Output(binary: true, classification: 2));
        using var response = await Servers.Http.PostAsync(Servers.InferPath, Requests.Binary(header, Requests.Raw(images)), Token);
        var (json, raw) = await Requests.ReadBinaryAsync(response);
        json.Dispose();
        var strings = new List<string>();
        for (int offset = 0; offset < raw.Length;)
        {
            int length = BitConverter.ToInt32(raw, offset);
            strings.Add(System.Text.Encoding.UTF8.GetString(raw, offset + 4, length));
            offset += 4 + length;
        }
        Assert.Equal(2, strings.Count);
        Assert.All(strings, s => Assert.Equal(3, s.Split(':', 3).Length));
    }

    [Fact]
    public async Task Encoded_images_go_through_the_eval_transform()
    {
        byte[][] pngs = [TestImages.Png(48, 40, 1), TestImages.Png(33, 70, 2)];
        var tensors = pngs.SelectMany(TestImages.Tensor).ToArray();
        string body = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "image", ["datatype"] = "BYTES", ["shape"] = new JsonArray(2),
                ["data"] = new JsonArray(pngs.Select(p => (JsonNode)Convert.ToBase64String(p)).ToArray()),
            }),
        }.ToJsonString();
        using var document = await PostJsonAsync(body);
        Assert.Equal(TestModels.ExpectedLogits(tensors), Requests.JsonLogits(document));

        // The same images as raw BYTES through the binary extension.
        byte[] raw = Requests.RawBytes(pngs);
        string header = Requests.BinaryHeader("image", "BYTES", [2], raw.Length, Requests.Output(binary: true));
        using var response = await Servers.Http.PostAsync(Servers.InferPath, Requests.Binary(header, raw), Token);
        var (json, logits) = await Requests.ReadBinaryAsync(response);
        json.Dispose();
        Assert.Equal(TestModels.ExpectedLogits(tensors), Requests.Floats(logits));
    }

    [Fact]
    public async Task Versioned_route_and_chunked_bodies_work()
    {
        var images = TestModels.Images(1, seed: 13);
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Requests.Fp32Json(images, 1))));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await Servers.Http.PostAsync("/v2/models/rexnet_100/versions/1/infer", content, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Equal(TestModels.ExpectedLogits(images), Requests.JsonLogits(document));
    }
}
