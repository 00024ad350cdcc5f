using System.Diagnostics;
using System.Text.Json;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>
/// bench/gpu-check.sh dry-run on the mock driver, both phases, so the script the GPU machine runs is itself
/// tested before a GPU sees it: the built binaries instead of the pack, tiny sizes and counts, one GPU test
/// class; PyTorch is absent here, so its steps must be recorded as skipped, not failed.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class GpuCheckScriptTests
{
    private static readonly string Script = Path.Combine(TestPaths.RepoRoot, "bench", "gpu-check.sh");

    private static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static void RunPhase(string phase, string outDir, string work)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(outDir);
        start.Environment["GPU_CHECK_PHASE"] = phase;
        start.Environment["GPU_CHECK_DRY_RUN"] = "1";
        start.Environment["GPU_CHECK_BIN"] = AppContext.BaseDirectory;
        start.Environment["GPU_CHECK_WORK"] = work;
        start.Environment["GPU_CHECK_TEST_ARGS"] = "-class RexNet.Tests.Cuda.CublasGpuTests";
        start.Environment["PYTHON"] = Python;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(10)), "gpu-check.sh ran past 10 minutes");
        Assert.True(process.ExitCode == 0, $"gpu-check.sh phase {phase} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
    }

    [Fact]
    public void Both_phases_run_on_the_mock_and_record_every_step()
    {
        if (!CudaTestDevice.IsMock)
        {
            Assert.Skip("the dry run is CI's check of the script; on a GPU machine the script itself runs");
        }
        using var dir = TestPaths.TempDir();
        string outDir = dir.File("out"), work = dir.File("work");
        RunPhase("1", outDir, work);
        RunPhase("2", outDir, work);

        foreach (string file in new[] { "summary.md", "summary.json", "gpu-check.log", "results.tar.gz", "latency.md", "latency.json" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} missing from the output folder");
        }
        Assert.True(Directory.GetFiles(outDir).Length <= 7, "the device tool returns at most 8 files");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var steps = summary.RootElement.GetProperty("steps").EnumerateArray()
            .Select(s => (Name: s.GetProperty("name").GetString()!, Status: s.GetProperty("status").GetString()!, Note: s.GetProperty("note").GetString()!))
            .ToArray();
        string Status(string name) => steps.Last(s => s.Name == name).Status;
        // Phase 2 added to phase 1's record on the same machine.
        Assert.Equal(2, steps.Count(s => s.Name == "unpack"));
        foreach (string passing in new[] { "unpack", "env", "tests", "bench", "combine" })
        {
            Assert.True(Status(passing) == "pass", $"{passing}: {string.Join("; ", steps.Where(s => s.Name == passing).Select(s => s.Status + " " + s.Note))}");
        }
        bool torch = steps.Any(s => s.Name == "torch" && s.Status != "skipped");
        foreach (string torchStep in new[] { "cases", "parity", "torch", "compile" })
        {
            Assert.Contains(steps, s => s.Name == torchStep);
            if (!torch)
            {
                Assert.Equal("skipped", Status(torchStep));
            }
        }
        Assert.Contains("RexNet mock GPU", steps.Single(s => s.Name == "env").Note);
        var tests = summary.RootElement.GetProperty("tests");
        Assert.True(tests.GetProperty("passed").GetInt32() > 0);
        Assert.Equal(0, tests.GetProperty("failed").GetInt32());
        string latency = File.ReadAllText(Path.Combine(outDir, "latency.md"));
        Assert.Contains("| rexnet_100 | 1 |", latency);
        Assert.Contains("| 51 |", latency);
    }
}
