using System.Text.Json;
using RexNet.Cuda;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>`rexnet bench --device cuda`: one error line without a GPU; GPU and caller percentiles with one.</summary>
[Trait(GpuTests.Category, GpuTests.Gpu)]
[Collection(SerialCollection.Name)]
public sealed class CudaBenchCommandTests
{
    [Fact]
    public void Bench_on_cuda_without_a_driver_fails_with_one_line()
    {
        if (!CudaTestDevice.MachineHasNoDriver)
        {
            Assert.Skip("this machine has a CUDA driver");
        }
        var r = CliProcess.WithoutCuda("bench", "--device", "cuda", "--batch", "1", "--size", "64", "--runs", "1", "--warmup", "0");
        Assert.NotEqual(0, r.ExitCode);
        Assert.StartsWith("rexnet bench: CUDA was requested but cannot be used: ", Assert.Single(r.StderrLines));
    }

    [Fact]
    public void Bench_on_cuda_reports_gpu_and_caller_percentiles_and_the_device()
    {
        CudaAvailability.RequireGpu();
        using var dir = TestPaths.TempDir();
        string json = dir.File("bench.json");
        var r = CliRunner.Run("bench", "--device", "cuda", "--batch", "1,2", "--size", "64", "--runs", "5", "--warmup", "1", "--output", json);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("cuBLAS", r.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("cuda", root.GetProperty("device").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("device_info").GetProperty("gpu").GetString()));
        foreach (var result in root.GetProperty("results").EnumerateArray())
        {
            double gpu = result.GetProperty("gpu_ms").GetProperty("p50").GetDouble();
            double caller = result.GetProperty("p50_ms").GetDouble();
            Assert.True(gpu > 0 && caller > 0, $"gpu {gpu} ms, caller {caller} ms");
            Assert.Equal(5, result.GetProperty("gpu_ms").GetProperty("runs").GetInt32());
        }
    }
}
