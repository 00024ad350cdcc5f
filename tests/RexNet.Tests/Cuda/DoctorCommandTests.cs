using System.Text.Json;
using RexNet.Cli;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

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

    [Fact]
    public void NoDriverMeansTheMessageSaysSoAndNamesWhatIsNeeded()
    {
        if (CudaAvailability.GpuPresent)
        {
            Assert.Skip("a GPU is present");
        }
        var (_, stdout, stderr) = Run("doctor");
        if (!RexNet.Native.Loading.NativeLibraryLoader.TryLoad(RexNet.Native.Loading.CudaLibrary.Driver, out _, out _))
        {
            Assert.Contains("no NVIDIA driver: libcuda.so.1 not found", stderr);
            Assert.Contains("an NVIDIA GPU with the NVIDIA driver installed", stderr);
            Assert.Contains("driver   not found", stdout);
        }
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
