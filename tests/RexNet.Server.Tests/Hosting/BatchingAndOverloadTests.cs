using System.Net;
using Grpc.Core;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Hosting;

/// <summary>Dynamic batching, the overload answer and draining through the whole server, on a clock that stands still.</summary>
public sealed class BatchingAndOverloadTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostAsync(TestServers servers, float[] images, int count) =>
        servers.Http.PostAsync(servers.InferPath, Requests.Json(Requests.Fp32Json(images, count)), Token);

    [Fact]
    public async Task Concurrent_single_image_requests_share_engine_runs()
    {
        var time = new FakeTimeProvider();
        await using var servers = await TestServers.InProcessAsync(TestModels.Options() with { MaxBatch = 8, MaxDelayMicroseconds = 2000 }, time);
        var images = Enumerable.Range(0, 8).Select(i => TestModels.Images(1, seed: 100 + i)).ToArray();
        // The clock never reaches the first request's deadline: the batch leaves when it holds 8 images.
        var responses = await Task.WhenAll(images.Select(image => PostAsync(servers, image, 1))).WithinLimit();
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.OK, responses[i].StatusCode);
            using var document = System.Text.Json.JsonDocument.Parse(await responses[i].Content.ReadAsStringAsync(Token));
            Assert.Equal(TestModels.ExpectedLogits(images[i]), Requests.JsonLogits(document));
            responses[i].Dispose();
        }
        Assert.Equal(1, await servers.MetricAsync("nv_inference_exec_count"));
        Assert.Equal(8, await servers.MetricAsync("nv_inference_count"));
        Assert.Equal(8, await servers.MetricAsync("nv_inference_request_success"));
        Assert.Equal(0, await servers.MetricAsync("nv_inference_pending_request_count"));
    }

    [Fact]
    public async Task Without_batching_every_request_is_its_own_run()
    {
        await using var servers = await TestServers.InProcessAsync(TestModels.Options() with { MaxBatch = 1, MaxDelayMicroseconds = 0 });
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => PostAsync(servers, TestModels.Images(1, seed: i), 1))).WithinLimit();
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(4, await servers.MetricAsync("nv_inference_exec_count"));
    }

    [Fact]
    public async Task A_full_queue_answers_429_and_resource_exhausted_at_once()
    {
        var time = new FakeTimeProvider();
        await using var servers = await TestServers.InProcessAsync(TestModels.Options() with { MaxBatch = 8, MaxQueue = 2 }, time);
        var queued = new[] { PostAsync(servers, TestModels.Images(1, 1), 1), PostAsync(servers, TestModels.Images(1, 2), 1) };
        await servers.WaitForPendingAsync(2);

        using var refused = await PostAsync(servers, TestModels.Images(1, 3), 1);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("queue is full", await Requests.ErrorAsync(refused));
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());

        var request = new ModelInferRequest
        {
            ModelName = "rexnet_100",
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 1, 3, 32, 32 } } },
            RawInputContents = { ByteString.CopyFrom(Requests.Raw(TestModels.Images(1, 4))) },
        };
        var exhausted = await Assert.ThrowsAsync<RpcException>(() => servers.Grpc.ModelInferAsync(request, cancellationToken: Token).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, exhausted.StatusCode);
        Assert.Equal(2, await servers.MetricAsync("nv_inference_request_failure", "REJECTED"));
        Assert.Equal(2, await servers.MetricAsync("nv_inference_pending_request_count"));

        time.Advance(TimeSpan.FromMilliseconds(2));
        foreach (var response in await Task.WhenAll(queued).WithinLimit())
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
        Assert.Equal(1, await servers.MetricAsync("nv_inference_exec_count"));
    }

    [Fact]
    public async Task Stopping_answers_what_is_queued_without_waiting_for_the_delay()
    {
        var time = new FakeTimeProvider();
        var servers = await TestServers.InProcessAsync(TestModels.Options() with { MaxBatch = 8, MaxDelayMicroseconds = 10_000_000 }, time);
        var images = Enumerable.Range(0, 3).Select(i => TestModels.Images(1, seed: 50 + i)).ToArray();
        var queued = images.Select(image => PostAsync(servers, image, 1)).ToArray();
        await servers.WaitForPendingAsync(3);
        var stopping = servers.App.StopAsync();
        var responses = await Task.WhenAll(queued).WithinLimit();
        await stopping.WithinLimit();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, responses[i].StatusCode);
            using var document = System.Text.Json.JsonDocument.Parse(await responses[i].Content.ReadAsStringAsync(Token));
            Assert.Equal(TestModels.ExpectedLogits(images[i]), Requests.JsonLogits(document));
        }
        Assert.False(servers.App.Host.IsReady);
        await servers.DisposeAsync();
    }
}
