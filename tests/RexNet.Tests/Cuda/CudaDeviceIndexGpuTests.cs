using RexNet.Model;
using RexNet.Native.Driver;
using RexNet.Tests.Cpu;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cuda;

/// <summary>On a GPU machine: the device index reaches the driver, an index past the last GPU is refused by
/// name, and a pool of CUDA engines gives each caller what one engine computes. Skipped without a GPU.</summary>
[Trait(GpuTests.Category, GpuTests.Gpu)]
public class CudaDeviceIndexGpuTests
{
    private static readonly FoldedModel Model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 4);

    private static EngineOptions Options(int index) => new()
    {
        FoldedWeights = Model, Device = DeviceKind.Cuda, DeviceIndex = index, MaxBatch = 2, Height = 64, Width = 64,
    };

    [Fact]
    public void EachGpuIsReachedByItsIndexAndOnePastTheLastIsRefused()
    {
        CudaAvailability.RequireGpu();
        int count = CudaDevices.Count();
        for (int i = 0; i < count; i++)
        {
            using var engine = RexNetEngine.Create(Options(i));
            Assert.Equal($"CUDA requested (cuda:{i})", engine.DeviceReason);
            Assert.Equal(CudaDevices.Describe(i).PciBusId, engine.Diagnostics.DeviceProperties["pci_bus_id"]);
        }
        var e = Assert.Throws<RexNetException>(() => RexNetEngine.Create(Options(count)));
        Assert.Equal(RexNetErrorCode.NotFound, e.Code);
        Assert.StartsWith($"CUDA device {count} does not exist: the driver reports ", e.Message);
    }

    [Fact]
    public async Task APoolOfCudaEnginesAnswersLikeOne()
    {
        CudaAvailability.RequireGpu();
        using var single = RexNetEngine.Create(Options(0));
        var input = NaiveOps.Random(2 * single.ImageElements, 12, 2f);
        var expected = new float[2 * single.NumClasses];
        single.Run(input, expected);

        using var pool = RexNetEnginePool.Create(Options(0), engines: 3);
        Assert.Equal(DeviceKind.Cuda, pool.Device);
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            var logits = new float[expected.Length];
            await pool.RunAsync(input, logits, TestContext.Current.CancellationToken);
            return logits;
        }, TestContext.Current.CancellationToken)));
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
