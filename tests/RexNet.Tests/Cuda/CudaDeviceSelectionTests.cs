using RexNet.Cuda;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Cli;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cuda;

/// <summary>
/// Device selection. In this process CUDA is usable (a GPU, or the mock driver in CI): Auto picks it, and
/// `rexnet run --device cuda` runs the whole backend. A child process that never sees the mock shows what
/// a machine without CUDA does: Auto falls back to the CPU and says why; an explicit CUDA request fails
/// with one line naming what is missing.
/// </summary>
[Trait(GpuTests.Category, GpuTests.Gpu)]
[Collection(CliCollection.Name)]
public sealed class CudaDeviceSelectionTests(CliModelFiles files)
{
    private static EngineOptions Options(DeviceKind device) => new()
    {
        FoldedWeights = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 1),
        Device = device, MaxBatch = 1, Height = 64, Width = 64,
    };

    [Fact]
    public void Auto_picks_cuda_when_it_is_usable_and_says_why_otherwise()
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
    public void Run_with_device_cuda_matches_the_cpu_engine()
    {
        CudaAvailability.RequireGpu();
        using var dir = TestPaths.TempDir();
        string gpu = dir.File("gpu.npy"), cpu = dir.File("cpu.npy");
        foreach (var (device, output) in new[] { ("cuda", gpu), ("cpu", cpu) })
        {
            var r = CliRunner.Run("run", "--model", "rexnet_100", "--weights", files.Rexnet100, "--input", files.Input, "--output", output, "--device", device);
            Assert.True(r.ExitCode == 0, r.Stderr);
        }
        Compare.Close(NpyFile.ReadFloat32(gpu).Data, NpyFile.ReadFloat32(cpu).Data, 1e-4, "rexnet run --device cuda vs cpu");
    }

    [Fact]
    public void Without_a_driver_auto_falls_back_to_the_cpu_naming_the_driver_library()
    {
        if (!CudaTestDevice.MachineHasNoDriver)
        {
            Assert.Skip("this machine has a CUDA driver");
        }
        var r = CliProcess.WithoutCuda("bench", "--device", "auto", "--batch", "1", "--size", "32", "--runs", "1", "--warmup", "0");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("on Cpu (CPU: no NVIDIA driver (libcuda.so.1 not found))", r.Stdout);
    }

    [Fact]
    public void Without_a_driver_run_with_device_cuda_exits_non_zero_with_one_stderr_line()
    {
        if (!CudaTestDevice.MachineHasNoDriver)
        {
            Assert.Skip("this machine has a CUDA driver");
        }
        using var dir = TestPaths.TempDir();
        string output = dir.File("y.npy");
        var r = CliProcess.WithoutCuda("run", "--model", "rexnet_100", "--weights", files.Rexnet100, "--input", files.Input, "--output", output, "--device", "cuda");
        Assert.NotEqual(0, r.ExitCode);
        string line = Assert.Single(r.StderrLines);
        Assert.Equal("rexnet run: CUDA was requested but cannot be used: no NVIDIA driver (libcuda.so.1 not found)", line);
        Assert.False(File.Exists(output));
    }
}
