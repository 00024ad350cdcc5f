using RexNet.Cuda;
using RexNet.Model;
using RexNet.Tests.Cli;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cuda;

/// <summary>
/// Device selection where there is no GPU (CI): Auto falls back to the CPU and says why; an explicit CUDA
/// request fails with one line naming what is missing. On a GPU machine these assert the CUDA side instead.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CudaDeviceSelectionTests(CliModelFiles files)
{
    private static EngineOptions Options(DeviceKind device) => new()
    {
        FoldedWeights = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 1),
        Device = device, MaxBatch = 1, Height = 64, Width = 64,
    };

    [Fact]
    public void Auto_picks_the_cpu_and_says_why_when_cuda_is_unusable()
    {
        using var engine = RexNetEngine.Create(Options(DeviceKind.Auto));
        string? problem = CudaSupport.FindProblem();
        if (problem is null)
        {
            Assert.Equal(DeviceKind.Cuda, engine.Device);
            Assert.StartsWith("CUDA: ", engine.DeviceReason);
            return;
        }
        Assert.Equal(DeviceKind.Cpu, engine.Device);
        Assert.Equal("CPU: " + problem, engine.DeviceReason);
        Assert.DoesNotContain('\n', engine.DeviceReason);
    }

    [Fact]
    public void Without_a_driver_the_reason_names_the_driver_library()
    {
        if (CudaAvailability.GpuPresent)
        {
            Assert.Skip("a GPU is present");
        }
        string problem = CudaSupport.FindProblem()!;
        Assert.True(problem.Contains("driver", StringComparison.OrdinalIgnoreCase) || problem.Contains("device"), problem);
    }

    [Fact]
    public void Explicit_cuda_never_falls_back_and_throws_one_clear_line()
    {
        if (CudaSupport.FindProblem() is not { } problem)
        {
            Assert.Skip("CUDA is usable here");
            return;
        }
        var e = Assert.Throws<CudaUnavailableException>(() => RexNetEngine.Create(Options(DeviceKind.Cuda)));
        Assert.Equal("CUDA was requested but cannot be used: " + problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Run_with_device_cuda_exits_non_zero_with_one_stderr_line()
    {
        if (CudaSupport.FindProblem() is null)
        {
            Assert.Skip("CUDA is usable here");
        }
        using var dir = TestPaths.TempDir();
        string output = dir.File("y.npy");
        var r = CliRunner.Run("run", "--model", "rexnet_100", "--weights", files.Rexnet100, "--input", files.Input, "--output", output, "--device", "cuda");
        Assert.NotEqual(0, r.ExitCode);
        string line = Assert.Single(r.StderrLines);
        Assert.StartsWith("rexnet run: CUDA was requested but cannot be used: ", line);
        Assert.False(File.Exists(output));
    }
}
