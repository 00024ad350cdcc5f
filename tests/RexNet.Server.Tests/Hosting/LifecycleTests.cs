using System.Net;
using Grpc.Health.V1;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Hosting;

/// <summary>Live before ready, a head without labels, option checks.</summary>
public sealed class LifecycleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_but_not_ready_until_the_engines_exist()
    {
        await using var servers = await TestServers.InProcessAsync(load: false);
        using (var live = await servers.Http.GetAsync("/v2/health/live", Token))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        using (var ready = await servers.Http.GetAsync("/v2/health/ready", Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("still loading", await Requests.ErrorAsync(ready));
        }
        using (var infer = await servers.Http.PostAsync("/v2/models/rexnet_100/infer", Requests.Json("{}"), Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, infer.StatusCode);
        }
        Assert.False((await servers.Grpc.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: Token)).Ready);
        var health = new Health.HealthClient(servers.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing,
            (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Token)).Status);

        await servers.App.LoadAsync();
        using var after = await servers.Http.GetAsync("/v2/health/ready", Token);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.True((await servers.Grpc.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: Token)).Ready);
    }

    [Fact]
    public async Task A_head_without_labels_classifies_as_value_and_index_under_its_own_name()
    {
        await using var servers = await TestServers.InProcessAsync(TestModels.Options(TestModels.TenClasses) with { ModelName = "flowers" });
        using var metadata = System.Text.Json.JsonDocument.Parse(await servers.Http.GetStringAsync("/v2/models/flowers", Token));
        Assert.Equal(10, metadata.RootElement.GetProperty("outputs")[0].GetProperty("shape")[1].GetInt32());
        var images = TestModels.Images(1, seed: 30);
        string body = Requests.Fp32Json(images, 1, outputs: Requests.Output(classification: 20));
        using var response = await servers.Http.PostAsync("/v2/models/flowers/infer", Requests.Json(body), Token);
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        var strings = Requests.JsonStrings(document);
        Assert.Equal(10, strings.Length);
        Assert.All(strings, s => Assert.Equal(2, s.Split(':').Length));
        var expected = TestModels.ExpectedLogits(images, TestModels.TenClasses);
        Assert.Equal(Array.IndexOf(expected, expected.Max()).ToString(System.Globalization.CultureInfo.InvariantCulture), strings[0].Split(':')[1]);
    }

    [Theory]
    [InlineData("max-batch", "--max-batch must be in [1, 1024], got 0")]
    [InlineData("ports", "--http-port and --grpc-port are both 9000")]
    [InlineData("host", "--host must be an IP address")]
    [InlineData("name", "--model-name 'a/b' must be")]
    public void Bad_options_are_refused_before_anything_starts(string which, string message)
    {
        var options = TestModels.Options();
        options = which switch
        {
            "max-batch" => options with { MaxBatch = 0 },
            "ports" => options with { HttpPort = 9000, GrpcPort = 9000 },
            "host" => options with { Host = "example.com" },
            _ => options with { ModelName = "a/b" },
        };
        var error = Assert.Throws<RexNetException>(options.Validate);
        Assert.Equal(RexNetErrorCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message);
    }
}
