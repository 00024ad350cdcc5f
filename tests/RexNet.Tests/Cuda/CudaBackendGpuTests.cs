using System.Text.Json;
using RexNet.Cuda;
using RexNet.IO;
using RexNet.Model;
using RexNet.Native.Driver;
using RexNet.Native.Errors;
using RexNet.Tests.Kernels;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cuda;

/// <summary>
/// The CUDA engine on a GPU, real or the mock driver (CI): parity with timm, agreement with the CPU engine,
/// graph replay, memory and lifetime. On the mock every kernel runs in the host emulation, so the sizes
/// that need not be real (all but the timm cases) shrink there: the checks stay the same.
/// </summary>
[Trait(GpuTests.Category, GpuTests.Gpu)]
[Collection(SerialCollection.Name)]
public sealed class CudaBackendGpuTests
{
    /// <summary>Replays checked one by one: the 10 000 on a GPU, enough to cycle every graph on the mock.</summary>
    public static int Replays => CudaTestDevice.IsMock ? 40 : 10_000;

    /// <summary>Input size where the test does not depend on it.</summary>
    private static int Size => CudaTestDevice.IsMock ? 64 : 224;

    private const double TimmTolerance = 1e-5;

    /// <summary>GPU and CPU sum in different orders (cuBLAS tiles vs SIMD panels); random weights go 20+ layers deep.</summary>
    private const double CpuTolerance = 1e-4;

    private static FoldedModel Random(string model, int seed = 7) => RandomInit.CreateFolded(ModelSpec.FromZoo(model), seed);

    private static RexNetEngine Engine(FoldedModel model, DeviceKind device, int maxBatch, int height, int width) =>
        RexNetEngine.Create(new EngineOptions { FoldedWeights = model, Device = device, MaxBatch = maxBatch, Height = height, Width = width });

    private static float[] Logits(RexNetEngine engine, float[] input)
    {
        var logits = new float[input.Length / engine.ImageElements * engine.NumClasses];
        engine.Run(input, logits);
        return logits;
    }

    public static TheoryData<string> ParityCases => ["rexnet_100_b2_224", "rexnetr_100_b1_192x160"];

    [Theory]
    [MemberData(nameof(ParityCases))]
    public void Logits_and_every_stage_match_timm(string caseName)
    {
        CudaAvailability.RequireGpu();
        string dir = TestPaths.RequireSharedFolder(Path.Combine(TestPaths.Parity, caseName));
        using var caseJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        var (shape, input) = NpyFile.ReadFloat32(Path.Combine(dir, "input.npy"));
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = caseJson.RootElement.GetProperty("model").GetString()!, Weights = Path.Combine(dir, "weights.safetensors"),
            Device = DeviceKind.Cuda, MaxBatch = shape[0], Height = shape[2], Width = shape[3],
        });
        Assert.Equal(DeviceKind.Cuda, engine.Device);
        var (_, expected) = NpyFile.ReadFloat32(Path.Combine(dir, "logits.npy"));
        Compare.Close(Logits(engine, input), expected, TimmTolerance, $"{caseName} logits on CUDA");

        using var reference = SafeTensorsFile.Open(Path.Combine(dir, "activations.safetensors"));
        var seen = new List<string>();
        string? firstDivergent = null;
        engine.RunWithStages(input, (stage, s, values) =>
        {
            seen.Add(stage);
            var r = Compare.Measure(values, reference.ReadFloat32(stage), TimmTolerance);
            if (firstDivergent is null && r.FirstBadIndex >= 0)
            {
                firstDivergent = $"{stage} {s}: {r}";
            }
        });
        Assert.True(firstDivergent is null, $"{caseName}: first divergent stage on CUDA is {firstDivergent}");
        Assert.Equal(reference.Entries.Select(e => e.Name).Order(), seen.Order());
    }

    public static TheoryData<string> ZooModels => new(ModelZoo.All.Select(e => e.Name));

    [Theory]
    [MemberData(nameof(ZooModels))]
    public void Every_zoo_model_matches_the_cpu_engine_at_batch_1_4_and_8_and_on_a_non_square_input(string model)
    {
        CudaAvailability.RequireGpu();
        var weights = Random(model);
        // rexnet_300-class widths on the CPU are slow at 224: a smaller square keeps the test short.
        int size = CudaTestDevice.IsMock ? 32 : ModelSpec.FromZoo(model).PenultimateChannels > 2000 ? 160 : 224;
        var shapes = CudaTestDevice.IsMock
            ? new[] { (size, size, new[] { 1, 2 }), (48, 32, new[] { 1 }) }
            : new[] { (size, size, new[] { 1, 4, 8 }), (224, 160, new[] { 3 }) };
        foreach (var (h, w, batches) in shapes)
        {
            using var gpu = Engine(weights, DeviceKind.Cuda, batches.Max(), h, w);
            using var cpu = Engine(weights, DeviceKind.Cpu, batches.Max(), h, w);
            foreach (int batch in batches)
            {
                float[] input = KernelTestData.Uniform($"{model} {h}x{w} b{batch}", batch * gpu.ImageElements, -2, 2);
                Compare.Close(Logits(gpu, input), Logits(cpu, input), CpuTolerance, $"{model} {h}x{w} batch {batch} logits");
                var gf = new float[batch * gpu.FeatureCount];
                var cf = new float[batch * cpu.FeatureCount];
                gpu.RunFeatures(input, gf);
                cpu.RunFeatures(input, cf);
                Compare.Close(gf, cf, CpuTolerance, $"{model} {h}x{w} batch {batch} features");
            }
        }
    }

    [Fact]
    public void Cublas_gemms_give_what_our_gemm_kernel_gives_and_both_run_the_recorded_op_counts()
    {
        CudaAvailability.RequireGpu();
        var model = Random("rexnet_100");
        var options = new EngineOptions { FoldedWeights = model, Device = DeviceKind.Cuda, MaxBatch = 2, Height = Size, Width = Size };
        using var kernels = new CudaBackend(model, options);
        using var cublas = new CudaBackend(model, options with { Gemm = CudaGemm.Cublas });
        float[] input = KernelTestData.Uniform("gemm paths", 2 * 3 * Size * Size, -2, 2);
        var a = new float[2 * 1000];
        var b = new float[2 * 1000];
        kernels.Run(input, 2, a, default);
        cublas.Run(input, 2, b, default);
        Compare.Close(a, b, CpuTolerance, "our GEMM kernel vs cuBLAS");
        Assert.InRange(kernels.DeviceOpCount(1), 1, CudaPlanRecorderTests.MaxDeviceOps);
        foreach (var (backend, gemm) in new[] { (kernels, CudaGemm.Kernels), (cublas, CudaGemm.Cublas) })
        {
            Assert.Equal(PlanDescription.Describe(model, 2, Size, Size, DeviceKind.Cuda, gemm).Ops.Count, backend.DeviceOpCount(2));
        }
        Assert.True(cublas.DeviceMemoryBytes - cublas.ArenaBytes - cublas.WeightBytes == CudaBackend.CublasWorkspaceBytes);
        Assert.Equal(kernels.ArenaBytes + kernels.WeightBytes, kernels.DeviceMemoryBytes);
    }

    [Fact]
    public void Graph_replay_gives_the_same_result_as_launching_step_by_step()
    {
        CudaAvailability.RequireGpu();
        var model = Random("rexnet_100");
        int maxBatch = CudaTestDevice.IsMock ? 3 : 4;
        var options = new EngineOptions { FoldedWeights = model, Device = DeviceKind.Cuda, MaxBatch = maxBatch, Height = Size, Width = Size };
        using var graphs = new CudaBackend(model, options);
        using var steps = new CudaBackend(model, options, useGraphs: false, KernelCompiler.CreateDefault());
        Assert.True(graphs.UsesGraphs);
        Assert.False(steps.UsesGraphs);
        for (int batch = 1; batch <= maxBatch; batch++)
        {
            float[] input = KernelTestData.Uniform($"graph b{batch}", batch * 3 * Size * Size, -2, 2);
            var a = new float[batch * 1000];
            var b = new float[batch * 1000];
            graphs.Run(input, batch, a, default);
            steps.Run(input, batch, b, default);
            Compare.Close(a, b, 1e-6, $"batch {batch}: graph vs step by step");
        }
    }

    [Fact]
    public void Replays_with_changing_inputs_keep_no_stale_state_and_allocate_nothing()
    {
        CudaAvailability.RequireGpu();
        var model = Random("rexnet_100");
        using var engine = Engine(model, DeviceKind.Cuda, 2, CudaTestDevice.IsMock ? 32 : 128, CudaTestDevice.IsMock ? 32 : 128);
        var inputs = new[] { 1, 2, 3 }.Select(i => KernelTestData.Uniform($"replay {i}", 2 * engine.ImageElements, -2, 2)).ToArray();
        var expected = inputs.Select(x => Logits(engine, x)).ToArray();
        var single = Logits(engine, inputs[2][..engine.ImageElements]);
        Assert.NotEqual(expected[0], expected[1]);
        var logits = new float[2 * engine.NumClasses];
        var one = new float[engine.NumClasses];

        using var probe = CudaContext.Create(0);
        long freeBefore = probe.MemoryInfo().FreeBytes;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        int wrong = -1;
        for (int i = 0; i < Replays && wrong < 0; i++)
        {
            // Alternate batch sizes too, so a graph of one size never leaves state another size reads.
            if (i % 7 == 6)
            {
                engine.Run(inputs[2].AsSpan(0, engine.ImageElements), one);
                wrong = one.AsSpan().SequenceEqual(single) ? -1 : i;
                continue;
            }
            engine.Run(inputs[i % 2], logits);
            wrong = logits.AsSpan().SequenceEqual(expected[i % 2]) ? -1 : i;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long freeAfter = probe.MemoryInfo().FreeBytes;
        Assert.True(wrong < 0, $"replay {wrong} differs from the first run of the same input");
        Assert.Equal(0, allocated);
        Assert.Equal(freeBefore, freeAfter);
    }

    [Fact]
    public void Creating_allocates_everything_and_disposing_releases_it()
    {
        CudaAvailability.RequireGpu();
        var model = Random("rexnet_100");
        using var probe = CudaContext.Create(0);
        int maxBatch = CudaTestDevice.IsMock ? 2 : 8;
        // A first engine loads cuBLAS's and our modules into the context; those stay loaded by design.
        Engine(model, DeviceKind.Cuda, maxBatch, Size, Size).Dispose();
        long before = probe.MemoryInfo().FreeBytes;
        long peak;
        using (var engine = Engine(model, DeviceKind.Cuda, maxBatch, Size, Size))
        {
            var backend = (CudaBackend)engine.Backend;
            peak = backend.DeviceMemoryBytes;
            Assert.Equal(CudaPlan.Create(model, maxBatch, Size, Size, CudaGemm.Kernels).Arena.Bytes, backend.ArenaBytes);
            long during = probe.MemoryInfo().FreeBytes;
            Assert.True(before - during >= peak, $"engine holds {before - during} bytes of device memory; its buffers alone are {peak}");
        }
        long after = probe.MemoryInfo().FreeBytes;
        Assert.True(Math.Abs(before - after) <= 2L << 20, $"{before - after} bytes not returned after dispose (engine peak {peak})");
    }

    [Fact]
    public void Two_engines_on_one_gpu_run_side_by_side()
    {
        CudaAvailability.RequireGpu();
        int runs = CudaTestDevice.IsMock ? 8 : 200;
        using var a = Engine(Random("rexnet_100", 1), DeviceKind.Cuda, 2, CudaTestDevice.IsMock ? 48 : 160, CudaTestDevice.IsMock ? 48 : 160);
        using var b = Engine(Random("rexnet_130", 2), DeviceKind.Cuda, 2, CudaTestDevice.IsMock ? 64 : 192, CudaTestDevice.IsMock ? 48 : 160);
        float[] xa = KernelTestData.Uniform("side a", 2 * a.ImageElements, -2, 2);
        float[] xb = KernelTestData.Uniform("side b", 2 * b.ImageElements, -2, 2);
        var ea = Logits(a, xa);
        var eb = Logits(b, xb);
        var fails = 0;
        Parallel.Invoke(
            () => { for (int i = 0; i < runs; i++) if (!Logits(a, xa).AsSpan().SequenceEqual(ea)) Interlocked.Increment(ref fails); },
            () => { for (int i = 0; i < runs; i++) if (!Logits(b, xb).AsSpan().SequenceEqual(eb)) Interlocked.Increment(ref fails); });
        Assert.Equal(0, fails);
    }

    [Fact]
    public void A_broken_context_makes_every_later_run_fail_fast_with_the_first_error()
    {
        CudaAvailability.RequireGpu();
        var model = Random("rexnet_100");
        using var backend = new CudaBackend(model, new EngineOptions { FoldedWeights = model, MaxBatch = 1, Height = 64, Width = 64 });
        var input = new float[3 * 64 * 64];
        var logits = new float[1000];
        backend.Run(input, 1, logits, default);
        Assert.Null(backend.BrokenReason);
        backend.Health.MarkBroken(new CudaException(CudaApi.Driver, "cuStreamSynchronize", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"));
        var e = Assert.Throws<CudaContextBrokenException>(() => backend.Run(input, 1, logits, default));
        Assert.Contains("CUDA_ERROR_ILLEGAL_ADDRESS", e.Message);
        Assert.Contains("CUDA_ERROR_ILLEGAL_ADDRESS", backend.BrokenReason);
    }
}
