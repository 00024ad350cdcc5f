using RexNet.Cpu;
using RexNet.Cuda;
using RexNet.Model;
using RexNet.Native.Driver;
using RexNet.Native.Errors;
using RexNet.Weights;

namespace RexNet.Tests.Engine;

/// <summary>
/// Device = Auto falls back to the CPU only when CUDA cannot be used here, and says why; a GPU that fails
/// while starting, and anything that is not a RexNetException, propagate. Driven through the engine's
/// backend seam with stand-ins that fail as machines do, so no GPU is needed.
/// </summary>
public class AutoFallbackTests
{
    private static readonly FoldedModel Model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 2);

    private static EngineOptions Options(DeviceKind device, int index = 0) => new()
    {
        FoldedWeights = Model, Device = device, DeviceIndex = index, MaxBatch = 1, Height = 32, Width = 32, Threads = 1,
    };

    /// <summary>CUDA looks usable (driver, one device), but making the backend fails with <paramref name="failure"/>.</summary>
    private static CudaBackendFactory Failing(Exception failure) => new(() => null, () => 1, (_, _) => throw failure);

    private static CudaException DriverError(CuResult status) => DriverErrors.ToException(status, "cuCtxCreate");

    public static TheoryData<string, Func<Exception>> Unavailable => new()
    {
        { "no device", () => DriverError(CuResult.CUDA_ERROR_NO_DEVICE) },
        { "no binary for the GPU", () => DriverError(CuResult.CUDA_ERROR_NO_BINARY_FOR_GPU) },
        { "a library without an entry point", () => new EntryPointNotFoundException("cublasLtCreate") },
        { "a library that is not there", () => new DllNotFoundException("libcublas.so.12") },
        { "the backend's own verdict", () => new CudaUnavailableException("compute capability 3.5 is too old") },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void UnavailableFallsBackToTheCpuWithTheReason(string why, Func<Exception> failure)
    {
        var e = failure();
        using var engine = RexNetEngine.Create(Options(DeviceKind.Auto), Failing(e));
        Assert.Equal(DeviceKind.Cpu, engine.Device);
        Assert.StartsWith("CPU: the CUDA backend cannot start: ", engine.DeviceReason);
        Assert.Contains(e.Message.Split('\n')[0], engine.DeviceReason);
        Assert.DoesNotContain('\n', engine.DeviceReason);

        var explicitly = Assert.Throws<CudaUnavailableException>(() => RexNetEngine.Create(Options(DeviceKind.Cuda), Failing(e)));
        Assert.True(explicitly.Code == RexNetErrorCode.DeviceUnavailable, why);
    }

    public static TheoryData<string, Func<Exception>, RexNetErrorCode?> Failures => new()
    {
        { "an illegal address while starting", () => DriverError(CuResult.CUDA_ERROR_ILLEGAL_ADDRESS), RexNetErrorCode.DeviceFailure },
        { "a full GPU", () => DriverError(CuResult.CUDA_ERROR_OUT_OF_MEMORY), RexNetErrorCode.DeviceFailure },
        { "a bug", () => new InvalidOperationException("an invariant broke"), null },
        { "another bug", () => new NullReferenceException(), null },
        { "a usage error inside", () => new RexNetException(RexNetErrorCode.InvalidArgument, "bad"), RexNetErrorCode.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void OtherFailuresPropagateInsteadOfFallingBack(string why, Func<Exception> failure, RexNetErrorCode? code)
    {
        var expected = failure();
        var thrown = Assert.ThrowsAny<Exception>(() => RexNetEngine.Create(Options(DeviceKind.Auto), Failing(expected)));
        Assert.True(ReferenceEquals(expected, thrown), $"{why}: got {thrown.GetType().Name}: {thrown.Message}");
        Assert.Equal(code, (thrown as RexNetException)?.Code);
    }

    [Fact]
    public void AProblemFoundBeforehandFallsBackWithoutTryingTheBackend()
    {
        bool tried = false;
        var noDriver = new CudaBackendFactory(() => "no NVIDIA driver (libcuda.so.1 not found)", () => 0, (_, _) =>
        {
            tried = true;
            throw new InvalidOperationException("must not be called");
        });
        using var engine = RexNetEngine.Create(Options(DeviceKind.Auto), noDriver);
        Assert.Equal("CPU: no NVIDIA driver (libcuda.so.1 not found)", engine.DeviceReason);
        Assert.False(tried);
        Assert.Equal("CUDA was requested but cannot be used: no NVIDIA driver (libcuda.so.1 not found)",
            Assert.Throws<CudaUnavailableException>(() => RexNetEngine.Create(Options(DeviceKind.Cuda), noDriver)).Message);
    }

    [Fact]
    public void TheDeviceIndexReachesTheBackendAndIsCheckedAgainstTheDeviceCount()
    {
        int seen = -1;
        var twoGpus = new CudaBackendFactory(() => null, () => 2, (model, options) =>
        {
            seen = options.DeviceIndex;
            return (new CpuBackend(model, options), "Stand-in GPU");
        });
        using (var engine = RexNetEngine.Create(Options(DeviceKind.Cuda, index: 1), twoGpus))
        {
            Assert.Equal(1, seen);
            Assert.Equal("CUDA requested (cuda:1)", engine.DeviceReason);
        }
        using (var engine = RexNetEngine.Create(Options(DeviceKind.Auto, index: 1), twoGpus))
        {
            Assert.Equal("CUDA: Stand-in GPU found (cuda:1)", engine.DeviceReason);
        }
        foreach (var device in new[] { DeviceKind.Cuda, DeviceKind.Auto })
        {
            var e = Assert.Throws<RexNetException>(() => RexNetEngine.Create(Options(device, index: 2), twoGpus));
            Assert.Equal(RexNetErrorCode.NotFound, e.Code);
            Assert.Equal("CUDA device 2 does not exist: the driver reports 2 devices (cuda:0 to cuda:1)", e.Message);
        }
    }
}
