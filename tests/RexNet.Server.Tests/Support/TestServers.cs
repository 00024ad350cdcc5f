using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Hosting;

namespace RexNet.Server.Tests.Support;

/// <summary>
/// A server under test with clients for both transports: in-process (TestHost, no sockets) or on real loopback
/// sockets (Kestrel on port 0). Disposing stops it the way SIGTERM does.
/// </summary>
internal sealed class TestServers : IAsyncDisposable
{
    private TestServers(ServerApp app, HttpClient http, GrpcChannel channel)
    {
        App = app;
        Http = http;
        Channel = channel;
        Grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }

    public ServerApp App { get; }
    public HttpClient Http { get; }
    public GrpcChannel Channel { get; }
    public GRPCInferenceService.GRPCInferenceServiceClient Grpc { get; }

    public string ModelName => App.Host.Name!;

    public static async Task<TestServers> InProcessAsync(ServeOptions? options = null, TimeProvider? time = null, bool load = true)
    {
        var app = ServerApp.Build(options ?? TestModels.Options(), b => b.WebHost.UseTestServer(), time);
        await app.StartAsync();
        if (load)
        {
            await app.LoadAsync();
        }
        var server = app.App.GetTestServer();
        var channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        return new TestServers(app, server.CreateClient(), channel);
    }

    public static async Task<TestServers> LoopbackAsync(ServeOptions? options = null)
    {
        var app = ServerApp.Build(options ?? TestModels.Options());
        await app.StartAsync();
        await app.LoadAsync();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.HttpPort}") };
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{app.GrpcPort}");
        return new TestServers(app, http, channel);
    }

    public string InferPath => $"/v2/models/{ModelName}/infer";

    /// <summary>The value of a metric for this server's model (0 when absent), read through GET /metrics.</summary>
    public async Task<double> MetricAsync(string name, string? reason = null)
    {
        string text = await Http.GetStringAsync("/metrics");
        return MetricsText.Value(text, name, reason);
    }

    /// <summary>Waits, without a clock, until the batcher holds <paramref name="count"/> requests (bounded by the test's cancellation).</summary>
    public async Task WaitForPendingAsync(int count)
    {
        var batcher = App.Host.Current!.Batcher;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(Bounded.Limit);
        while (batcher.Pending < count)
        {
            // A polling interval, not a timing assumption: the loop ends on the condition or after the limit.
            await Task.Delay(5, limit.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        Http.Dispose();
        await App.DisposeAsync();
    }
}
