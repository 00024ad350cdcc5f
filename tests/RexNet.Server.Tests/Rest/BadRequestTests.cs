using System.Net;
using System.Text;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Rest;

/// <summary>A server with small limits (4 images, 256 KiB bodies) for the bad-request cases.</summary>
public sealed class LimitedServerFixture : IAsyncLifetime
{
    public const long BodyLimit = 256 * 1024;
    internal TestServers Servers { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Servers = await TestServers.InProcessAsync(TestModels.Options() with
    {
        MaxDelayMicroseconds = 0, MaxBatch = 4, MaxRequestImages = 4, MaxBodyBytes = BodyLimit,
    });

    public async ValueTask DisposeAsync() => await Servers.DisposeAsync();
}

/// <summary>Every kind of bad request is a 400 whose message names the problem, and the server keeps serving.</summary>
public sealed class BadRequestTests(LimitedServerFixture fixture) : IClassFixture<LimitedServerFixture>
{
    private static string Input(string name = "input", string datatype = "FP32", string shape = "[1, 3, 32, 32]", string data = "[0]") =>
        $$"""{"inputs": [{"name": "{{name}}", "datatype": "{{datatype}}", "shape": {{shape}}, "data": {{data}}}]}""";

    private static string Floats(int count) => "[" + string.Join(",", Enumerable.Repeat("0.5", count)) + "]";

    private static HttpContent Json(string body) => Requests.Json(body);

    private static HttpContent BinaryHeader(string header, string headerLength, byte[] tail)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(header).Concat(tail).ToArray());
        content.Headers.Add("Inference-Header-Content-Length", headerLength);
        return content;
    }

    private static HttpContent Binary(string name, string datatype, string shape, long size, byte[] tail) =>
        Requests.Binary($$$"""{"inputs": [{"name": "{{{name}}}", "datatype": "{{{datatype}}}", "shape": {{{shape}}}, "parameters": {"binary_data_size": {{{size}}}}}]}""", tail);

    /// <summary>A stream of unknown length, so the body arrives chunked.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }

    private static readonly Dictionary<string, (Func<HttpContent> Content, string Message)> Cases = new()
    {
        ["malformed JSON"] = (() => Json("{bad"), "malformed JSON"),
        ["not an object"] = (() => Json("[1, 2]"), "must be a JSON object"),
        ["no inputs array"] = (() => Json("{}"), "needs an \"inputs\" array"),
        ["empty inputs"] = (() => Json("""{"inputs": []}"""), "has no inputs"),
        ["unknown input"] = (() => Json(Input(name: "pixels")), "unknown input 'pixels'"),
        ["input without name"] = (() => Json("""{"inputs": [{"datatype": "FP32", "shape": [1], "data": [1]}]}"""), "inputs[0] has no \"name\""),
        ["two inputs"] = (() => Json("""{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1], "data": [1]}, {"name": "image", "datatype": "BYTES", "shape": [1], "data": ["AA=="]}]}"""), "give exactly one"),
        ["wrong datatype"] = (() => Json(Input(datatype: "INT32")), "datatype 'INT32'; it must be FP32"),
        ["wrong shape"] = (() => Json(Input(shape: "[1, 3, 64, 64]")), "takes [n, 3, 32, 32]"),
        ["too few data"] = (() => Json(Input(data: Floats(10))), "has 10 data elements; its shape needs 3072"),
        ["too many data"] = (() => Json(Input(data: Floats(3073))), "more data elements than its shape's 3072"),
        ["string data"] = (() => Json(Input(data: "[\"x\"]")), "data element 0 is a string, not a number"),
        ["non-finite data"] = (() => Json(Input(data: "[1e39]")), "data element 0 (1e39) is not a finite FP32 value"),
        ["shape overflow"] = (() => Json(Input(shape: "[9223372036854775807, 9223372036854775807, 3, 32]")), "has more than 12288 elements"),
        ["shape over the image limit"] = (() => Json(Input(shape: "[100, 3, 32, 32]")), "the limit of 4 images per request"),
        ["negative dimension"] = (() => Json(Input(shape: "[-1, 3, 32, 32]")), "dimensions must be non-negative"),
        ["fractional dimension"] = (() => Json(Input(shape: "[1.5, 3, 32, 32]")), "shape element 0 (1.5) is not a 64-bit integer"),
        ["empty batch"] = (() => Json(Input(shape: "[0, 3, 32, 32]", data: "[]")), "the batch dimension must be at least 1"),
        ["id not a string"] = (() => Json("""{"id": 7, "inputs": []}"""), "\"id\" must be a string"),
        ["binary past the body"] = (() => Binary("input", "FP32", "[1, 3, 32, 32]", 12288, new byte[100]), "binary_data_size 12288 runs past the end of the body (100 binary bytes left)"),
        ["binary bytes left over"] = (() => Binary("input", "FP32", "[1, 3, 32, 32]", 12288, new byte[12300]), "12 bytes after the JSON header"),
        ["raw size does not match the shape"] = (() => Binary("input", "FP32", "[1, 3, 32, 32]", 100, new byte[100]), "has 100 bytes of raw data; its shape needs 3072 FP32 elements (12288 bytes)"),
        ["header length not a number"] = (() => BinaryHeader("{}", "abc", []), "Inference-Header-Content-Length is 'abc'"),
        ["header length past the body"] = (() => BinaryHeader("{}", "999", []), "Inference-Header-Content-Length is '999'; it must be a byte count within the 2-byte body"),
        ["binary size without the header"] = (() => Json("""{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 32, 32], "parameters": {"binary_data_size": 4}}]}"""), "has no Inference-Header-Content-Length header"),
        ["data and binary size"] = (() => Requests.Binary("""{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 32, 32], "data": [1], "parameters": {"binary_data_size": 4}}]}""", new byte[4]), "both \"data\" and binary_data_size"),
        ["no data"] = (() => Json("""{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 32, 32]}]}"""), "has no \"data\""),
        ["image datatype"] = (() => Json(Input(name: "image", datatype: "FP32", shape: "[1]")), "datatype 'FP32'; it must be BYTES"),
        ["image shape"] = (() => Json(Input(name: "image", datatype: "BYTES", shape: "[1, 1]", data: "[\"AA==\"]")), "it must be [n], one encoded image per element"),
        ["bad base64"] = (() => Json(Input(name: "image", datatype: "BYTES", shape: "[1]", data: "[\"%%%\"]")), "data element 0 is not valid base64"),
        ["not an image"] = (() => Json(Input(name: "image", datatype: "BYTES", shape: "[1]", data: "[\"aGVsbG8gd29ybGQ=\"]")), "input 'image' element 0: "),
        ["truncated png"] = (() => Json(Input(name: "image", datatype: "BYTES", shape: "[1]", data: $"[\"{Convert.ToBase64String(TestImages.Png(40, 40, 3)[..60])}\"]")), "input 'image' element 0: "),
        ["length prefix past the data"] = (() => Binary("image", "BYTES", "[1]", 8, [100, 0, 0, 0, 1, 2, 3, 4]), "element 0: length prefix 100 runs past the end of the data (4 bytes left)"),
        ["fewer images than the shape"] = (() => Binary("image", "BYTES", "[2]", 5, [1, 0, 0, 0, 9]), "holds 1 BYTES elements; its shape declares 2"),
        ["unknown output"] = (() => Json(Input(data: Floats(3072))[..^1] + ", \"outputs\": [{\"name\": \"probs\"}]}"), "unknown output 'probs'"),
        ["classification zero"] = (() => Json(Input(data: Floats(3072))[..^1] + ", \"outputs\": [{\"name\": \"logits\", \"parameters\": {\"classification\": 0}}]}"), "classification must be at least 1, got 0"),
        ["classification not an integer"] = (() => Json(Input(data: Floats(3072))[..^1] + ", \"outputs\": [{\"name\": \"logits\", \"parameters\": {\"classification\": \"5\"}}]}"), "classification must be an integer"),
        ["binary_data not a boolean"] = (() => Json(Input(data: Floats(3072))[..^1] + ", \"outputs\": [{\"name\": \"logits\", \"parameters\": {\"binary_data\": 1}}]}"), "\"binary_data\" must be true or false"),
        ["compressed body"] = (() =>
        {
            var content = Json(Input());
            content.Headers.ContentEncoding.Add("gzip");
            return content;
        }, "Content-Encoding 'gzip' is not supported"),
        ["body over the limit"] = (() => new ByteArrayContent(new byte[LimitedServerFixture.BodyLimit + 1]), $"the request body of {LimitedServerFixture.BodyLimit + 1} bytes exceeds the limit of {LimitedServerFixture.BodyLimit} bytes"),
        ["chunked body over the limit"] = (() => new StreamContent(new UnseekableStream(new byte[LimitedServerFixture.BodyLimit + 10])), $"the request body exceeds the limit of {LimitedServerFixture.BodyLimit} bytes"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Is_a_400_naming_the_problem(string name)
    {
        var (content, message) = Cases[name];
        var servers = fixture.Servers;
        using var response = await servers.Http.PostAsync(servers.InferPath, content(), TestContext.Current.CancellationToken);
        string error = await Requests.ErrorAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, error);
        Assert.DoesNotContain('\n', error);
        using var live = await servers.Http.GetAsync("/v2/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
