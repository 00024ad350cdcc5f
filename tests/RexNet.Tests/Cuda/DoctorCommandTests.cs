using System.Text.Json;
using RexNet.Cli;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

[Trait(GpuTests.Category, GpuTests.Gpu)]
public class DoctorCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var r = CliRunner.Run(args);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    [Fact]
    public void ReportsTheVerdictAndExitsNonZeroWithoutAGpu()
    {
        var (code, stdout, stderr) = Run("doctor");
        if (CudaAvailability.GpuPresent)
        {
            Assert.Equal(ExitCodes.Ok, code);
            Assert.Contains("CUDA is usable", stdout);
            Assert.Contains("gpu 0", stdout);
            return;
        }
        Assert.Equal(ExitCodes.Failure, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rexnet doctor: CUDA is unusable: ", line);
        Assert.Contains("NVIDIA", line);
        Assert.Contains("driver", line);
        Assert.Contains("CUDA is unusable", stdout);
        Assert.DoesNotContain("   at ", stdout + stderr);
    }

    /// <summary>A process that never sees the mock driver: what a user without CUDA gets.</summary>
    [Fact]
    public void NoDriverMeansTheMessageSaysSoAndNamesWhatIsNeeded()
    {
        if (!CudaTestDevice.MachineHasNoDriver)
        {
            Assert.Skip("this machine has a CUDA driver");
        }
        var r = CliProcess.WithoutCuda("doctor");
        Assert.Equal(ExitCodes.Failure, r.ExitCode);
        string line = Assert.Single(r.StderrLines);
        Assert.StartsWith("rexnet doctor: CUDA is unusable: ", line);
        Assert.Contains("no NVIDIA driver: libcuda.so.1 not found", line);
        Assert.Contains("an NVIDIA GPU with the NVIDIA driver installed", line);
        Assert.Contains("driver   not found", r.Stdout);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);

        // The loader's exception, as the JSON carries it: every path tried, and what to install.
        using var json = JsonDocument.Parse(CliProcess.WithoutCuda("doctor", "--json").Stdout);
        var driver = json.RootElement.GetProperty("driver");
        Assert.False(driver.GetProperty("loaded").GetBoolean());
        Assert.Contains("install the NVIDIA driver", driver.GetProperty("error").GetString());
        Assert.Contains(driver.GetProperty("tried").EnumerateArray(), t => t.GetString()!.Contains("libcuda.so.1"));
    }

    [Fact]
    public void The_mock_driver_is_reported_as_a_usable_device()
    {
        if (!CudaTestDevice.IsMock)
        {
            Assert.Skip("the tests run on a real GPU");
        }
        var (code, stdout, _) = Run("doctor");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("RexNet mock GPU 0", stdout);
        Assert.Contains($"driver   {RexNet.Cuda.CudaDoctor.MockDriverVersion} from {CudaTestDevice.MockFolder}/libcuda.so.1", stdout);
        Assert.Contains("CUDA is usable", stdout);
    }

    [Fact]
    public void ReportsNvrtcVersionWhenNvrtcLoadsEvenWithoutAGpu()
    {
        var nvrtc = CudaAvailability.RequireNvrtc();
        var (_, stdout, _) = Run("doctor");
        Assert.Contains($"nvrtc    {nvrtc.Version} from /", stdout);
    }

    [Fact]
    public void JsonOutputIsValidAndCarriesTheVerdict()
    {
        var (code, stdout, stderr) = Run("doctor", "--json");
        using var doc = JsonDocument.Parse(stdout);
        // With --json the human report moves to stderr.
        Assert.Contains("nvrtc    ", stderr);
        bool usable = doc.RootElement.GetProperty("usable").GetBoolean();
        Assert.Equal(usable ? ExitCodes.Ok : ExitCodes.Failure, code);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("gpus").ValueKind);
        Assert.Equal("nvrtc", doc.RootElement.GetProperty("nvrtc").GetProperty("name").GetString());
        if (!usable)
        {
            Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("problem").GetString()));
        }
    }

    [Fact]
    public void RejectsUnknownOptions()
    {
        var (code, _, stderr) = Run("doctor", "--gpu", "1");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("rexnet doctor: unknown option '--gpu'", stderr);
    }
}
