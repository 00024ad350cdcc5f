using System.Net;
using System.Text.Json;
using Google.Protobuf;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Hosting;

/// <summary>Kestrel on real loopback sockets: REST on HTTP/1.1 and gRPC on h2c, each on its own free port.</summary>
public sealed class LoopbackTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rest_and_grpc_on_separate_free_ports()
    {
        await using var servers = await TestServers.LoopbackAsync();
        var app = servers.App;
        Assert.NotEqual(0, app.HttpPort);
        Assert.NotEqual(0, app.GrpcPort);
        Assert.NotEqual(app.HttpPort, app.GrpcPort);

        var images = TestModels.Images(2, seed: 40);
        var expected = TestModels.ExpectedLogits(images);
        using var response = await servers.Http.PostAsync(servers.InferPath, Requests.Json(Requests.Fp32Json(images, 2)), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        using (var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)))
        {
            Assert.Equal(expected, Requests.JsonLogits(document));
        }

        string header = Requests.BinaryHeader("input", "FP32", [2, 3, 32, 32], images.Length * 4, Requests.Output(binary: true));
        using var binary = await servers.Http.PostAsync(servers.InferPath, Requests.Binary(header, Requests.Raw(images)), Token);
        var (json, raw) = await Requests.ReadBinaryAsync(binary);
        json.Dispose();
        Assert.Equal(expected, Requests.Floats(raw));

        var request = new ModelInferRequest
        {
            ModelName = "rexnet_100",
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 2, 3, 32, 32 } } },
            RawInputContents = { ByteString.CopyFrom(Requests.Raw(images)) },
        };
        var reply = await servers.Grpc.ModelInferAsync(request, cancellationToken: Token);
        Assert.Equal(expected, Requests.Floats(reply.RawOutputContents[0].ToByteArray()));
        Assert.True(await servers.MetricAsync("nv_inference_request_success") >= 3);
    }

    [Fact]
    public async Task A_port_in_use_is_one_clear_error()
    {
        await using var first = await TestServers.LoopbackAsync();
        var clash = TestModels.Options() with { HttpPort = first.App.HttpPort };
        await using var second = Server.Hosting.ServerApp.Build(clash);
        var error = await Assert.ThrowsAsync<RexNetException>(() => second.StartAsync(Token));
        Assert.Contains($"cannot listen on 127.0.0.1 ports {first.App.HttpPort} and 0", error.Message);
    }
}
