using System.Net;
using System.Text.Json;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Rest;

/// <summary>Health, metadata and routing over REST, in-process.</summary>
public sealed class RestEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Servers.Http;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/rexnet_100/ready")]
    [InlineData("/v2/models/rexnet_100/versions/1/ready")]
    public async Task Health_endpoints_answer_200(string path)
    {
        using var response = await Http.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Server_metadata_names_the_extensions()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/v2", Token));
        var root = document.RootElement;
        Assert.Equal("rexnet", root.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.Equal(["binary_tensor_data", "classification"], root.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("/v2/models/rexnet_100")]
    [InlineData("/v2/models/rexnet_100/versions/1")]
    public async Task Model_metadata_describes_the_tensors(string path)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync(path, Token));
        var root = document.RootElement;
        Assert.Equal("rexnet_100", root.GetProperty("name").GetString());
        Assert.Equal(["1"], root.GetProperty("versions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("rexnet", root.GetProperty("platform").GetString());
        var inputs = root.GetProperty("inputs").EnumerateArray().ToArray();
        Assert.Equal(2, inputs.Length);
        Assert.Equal("input", inputs[0].GetProperty("name").GetString());
        Assert.Equal("FP32", inputs[0].GetProperty("datatype").GetString());
        Assert.Equal([-1L, 3, 32, 32], inputs[0].GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("image", inputs[1].GetProperty("name").GetString());
        Assert.Equal("BYTES", inputs[1].GetProperty("datatype").GetString());
        Assert.Equal([-1L], inputs[1].GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var output = root.GetProperty("outputs")[0];
        Assert.Equal("logits", output.GetProperty("name").GetString());
        Assert.Equal([-1L, 1000], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("4", root.GetProperty("properties").GetProperty("max_batch_size").GetString());
    }

    [Theory]
    [InlineData("/v2/models/resnet50", "unknown model 'resnet50'")]
    [InlineData("/v2/models/resnet50/ready", "unknown model 'resnet50'")]
    [InlineData("/v2/models/rexnet_100/versions/2", "unknown version '2'")]
    [InlineData("/v2/models/rexnet_100/versions/2/ready", "unknown version '2'")]
    [InlineData("/v3/anything", "no such route: GET /v3/anything")]
    public async Task Unknown_models_versions_and_routes_are_404_with_an_error(string path, string message)
    {
        using var response = await Http.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(message, await Requests.ErrorAsync(response));
    }

    [Fact]
    public async Task Infer_on_an_unknown_model_is_404()
    {
        using var response = await Http.PostAsync("/v2/models/resnet50/infer", Requests.Json("{}"), Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_page_at_the_root_names_the_model()
    {
        using var response = await Http.GetAsync("/", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string html = await response.Content.ReadAsStringAsync(Token);
        Assert.Contains("data-model=\"rexnet_100\"", html);
        Assert.Contains("/infer", html);
    }

    [Fact]
    public async Task Metrics_use_tritons_names_and_labels()
    {
        string text = await Http.GetStringAsync("/metrics", Token);
        foreach (string name in (string[])["nv_inference_request_success", "nv_inference_request_failure", "nv_inference_count",
                     "nv_inference_exec_count", "nv_inference_request_duration_us", "nv_inference_queue_duration_us",
                     "nv_inference_compute_infer_duration_us", "nv_inference_pending_request_count"])
        {
            Assert.Contains($"{name}{{model=\"rexnet_100\",version=\"1\"", text);
        }
        Assert.Contains("reason=\"REJECTED\"", text);
    }
}
