using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using RexNet.Model;
using RexNet.Server.Tests.Support;
using RexNet.Weights;

namespace RexNet.Server.Tests.Hosting;

/// <summary>`rexnet serve` as a real process: SIGTERM answers what is queued and exits 0.</summary>
public sealed partial class SigtermTests
{
    [GeneratedRegex(@"REST \(HTTP/1\.1\) on http://127\.0\.0\.1:(\d+), gRPC \(h2c\) on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();

    [Fact]
    public async Task Sigterm_drains_the_queue_and_exits_zero()
    {
        var token = TestContext.Current.CancellationToken;
        string dir = Directory.CreateTempSubdirectory("rexnet-serve-").FullName;
        string weights = Path.Combine(dir, "rexnet_100.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_100"), seed: 0, weights);
        var log = new StringBuilder();
        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int port = 0;
        // A ten-second batching delay: the three requests below can only be answered early by the drain.
        using var process = ChildProcess.Start(ChildProcess.DotnetHost,
        [
            ChildProcess.RexnetDll, "serve", "--weights", weights, "--device", "cpu", "--height", "32", "--width", "32",
            "--http-port", "0", "--grpc-port", "0", "--max-batch", "8", "--max-delay-us", "10000000", "--threads", "1",
        ], line =>
        {
            lock (log)
            {
                log.AppendLine(line);
            }
            if (Listening().Match(line) is { Success: true } m)
            {
                port = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            if (line.Contains(" ready on ", StringComparison.Ordinal))
            {
                ready.TrySetResult(port);
            }
        });
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
            limit.CancelAfter(TimeSpan.FromMinutes(2));
            int httpPort = await ready.Task.WaitAsync(limit.Token);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            var images = Enumerable.Range(0, 3).Select(i => TestModels.Images(1, seed: 70 + i)).ToArray();
            var queued = images.Select(image => http.PostAsync("/v2/models/rexnet_100/infer",
                Requests.Json(Requests.Fp32Json(image, 1)), limit.Token)).ToArray();
            while (MetricsText.Value(await http.GetStringAsync("/metrics", limit.Token), "nv_inference_pending_request_count") < 3)
            {
                await Task.Delay(20, limit.Token);
            }

            ChildProcess.Terminate(process);
            var responses = await Task.WhenAll(queued);
            await process.WaitForExitAsync(limit.Token);
            string text;
            lock (log)
            {
                text = log.ToString();
            }
            Assert.True(process.ExitCode == 0, text);
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            Assert.Contains("stopping: answering 3 queued request(s)", text);
        }
        finally
        {
            ChildProcess.KillIfRunning(process);
            Directory.Delete(dir, recursive: true);
        }
    }
}
