using System.Diagnostics;
using System.Text;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Hosting;

/// <summary>
/// A Python client generated from our .proto with Debian's grpcio and grpc-tools, plus requests, talks to the
/// server over loopback: if our proto or our REST framing drifted from the protocol, this client would notice.
/// </summary>
public sealed class IndependentClientTests
{
    private const string Python = "/usr/bin/python3";

    private static string? MissingPython()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed";
        }
        using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import grpc, grpc_tools.protoc, requests"])
        {
            RedirectStandardError = true, UseShellExecute = false,
        })!;
        string error = probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : $"{Python} lacks grpcio, grpc-tools or requests (Debian python3-grpcio python3-grpc-tools python3-requests): {error.Trim()}";
    }

    [Fact]
    public async Task The_python_client_agrees_with_the_engine()
    {
        if (MissingPython() is { } missing)
        {
            Assert.SkipWhen(!ChildProcess.Required, missing);
            Assert.Fail(missing + " (REXNET_REQUIRE_PARITY=1)");
        }
        await using var servers = await TestServers.LoopbackAsync();
        string dir = Directory.CreateTempSubdirectory("oip-client-").FullName;
        try
        {
            var images = TestModels.Images(2, seed: 60);
            byte[] png = TestImages.Png(45, 52, 6);
            await File.WriteAllBytesAsync(Path.Combine(dir, "images.bin"), Requests.Raw(images), TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(dir, "expected.bin"), Requests.Raw(TestModels.ExpectedLogits(images)), TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(dir, "image.png"), png, TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(dir, "png-expected.bin"),
                Requests.Raw(TestModels.ExpectedLogits(TestImages.Tensor(png))), TestContext.Current.CancellationToken);
            string proto = Path.Combine(TestPaths.RepositoryRoot, "src", "RexNet.Server", "Grpc", "inference.proto");
            var output = new StringBuilder();
            using var process = ChildProcess.Start(Python,
            [
                Path.Combine(AppContext.BaseDirectory, "Python", "oip_client.py"),
                "--http", $"http://127.0.0.1:{servers.App.HttpPort}", "--grpc", $"127.0.0.1:{servers.App.GrpcPort}",
                "--proto", proto, "--model", servers.ModelName, "--size", TestModels.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--images", Path.Combine(dir, "images.bin"), "--expected", Path.Combine(dir, "expected.bin"),
                "--png", Path.Combine(dir, "image.png"), "--png-expected", Path.Combine(dir, "png-expected.bin"),
            ], line => { lock (output) { output.AppendLine(line); } });
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                limit.CancelAfter(TimeSpan.FromMinutes(2));
                await process.WaitForExitAsync(limit.Token);
            }
            finally
            {
                ChildProcess.KillIfRunning(process);
            }
            process.WaitForExit();
            string text;
            lock (output)
            {
                text = output.ToString();
            }
            Assert.True(process.ExitCode == 0, text);
            Assert.Contains("ok: 15 checks", text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
