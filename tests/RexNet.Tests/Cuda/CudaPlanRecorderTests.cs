using RexNet.Cpu;
using RexNet.Cuda;
using RexNet.Model;
using RexNet.Native.Cublas;
using RexNet.Tests.Kernels;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cuda;

/// <summary>
/// The CUDA backend's plan interpretation, proven without a GPU: layouts, the row-major to column-major
/// GEMM mapping (executed by a cuBLAS double), the recorded launch list, and the whole network run
/// through the kernel emulator against the CPU engine.
/// </summary>
public sealed class CudaPlanRecorderTests
{
    [Fact]
    public void Layout_aligns_every_buffer_to_256_bytes_without_overlap()
    {
        var (offsets, total) = DeviceLayout.Pack([1, 64, 65, 0, 7]);
        Assert.Equal([0L, 64, 128, 256, 256], offsets);
        Assert.Equal(320, total);
        Assert.All(offsets, o => Assert.Equal(0, o * sizeof(float) % DeviceLayout.AlignmentBytes));
    }

    [Fact]
    public void Arena_holds_every_slot_of_the_max_batch_plan_and_serves_smaller_batches()
    {
        var model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 3);
        var max = Plan.Build(model, 4, 64, 48);
        var arena = new ArenaLayout(max);
        Assert.Equal(max.SlotSizes.Count, arena.SlotOffsets.Count);
        for (int s = 0; s < max.SlotSizes.Count; s++)
        {
            long end = s + 1 < max.SlotSizes.Count ? arena.SlotOffsets[s + 1] : arena.TotalFloats;
            Assert.True(arena.SlotOffsets[s] + max.SlotSizes[s] <= end, $"slot {s} overruns the next");
        }
        Assert.True(arena.Bytes >= max.ArenaBytes);
        for (int b = 1; b <= 4; b++)
        {
            arena.RequireCompatible(Plan.Build(model, b, 64, 48));
        }
    }

    [Fact]
    public void Pointwise_gemm_mapping_computes_the_1x1_conv()
    {
        const int n = 3, cin = 13, cout = 7, hw = 35;
        float[] x = KernelTestData.Uniform("pw x", n * cin * hw, -1, 1);
        float[] w = KernelTestData.Uniform("pw w", cout * cin, -1, 1);
        var expected = new float[n * cout * hw];
        CpuOps.Pointwise(x, n, cin, hw, w, new float[cout], cout, Activation.None, default, 0, expected);

        // x then y in the "arena", w in the "weights", at unaligned offsets so stray offset arithmetic shows.
        var arena = new float[5 + x.Length + 3 + expected.Length];
        x.CopyTo(arena, 5);
        var weights = new float[2 + w.Length];
        w.CopyTo(weights, 2);
        long yAt = 5 + x.Length + 3;
        var call = GemmMapping.Pointwise("pw", n, cin, cout, hw, new(DeviceRegion.Arena, 5), new(DeviceRegion.Weights, 2), new(DeviceRegion.Arena, yAt));
        Assert.Equal((CublasOperation.None, CublasOperation.None, hw, cout, cin), (call.TransA, call.TransB, call.M, call.N, call.K));
        Assert.Equal((hw, cin, hw, 0L), (call.Lda, call.Ldb, call.Ldc, call.StrideB));
        ColumnMajorSgemm.Run(call, r => r == DeviceRegion.Arena ? arena : weights);
        Compare.Close(arena.AsSpan((int)yAt, expected.Length), expected, 1e-5, "pointwise via column-major sgemm");
    }

    [Fact]
    public void Linear_gemm_mapping_computes_the_classifier()
    {
        const int batch = 3, inF = 37, outF = 11;
        float[] x = KernelTestData.Uniform("fc x", batch * inF, -1, 1);
        float[] w = KernelTestData.Uniform("fc w", outF * inF, -1, 1);
        var expected = new float[batch * outF];
        CpuOps.Linear(x, batch, inF, w, new float[outF], outF, expected);

        var arena = new float[x.Length + 9 + expected.Length];
        x.CopyTo(arena, 0);
        var call = GemmMapping.Linear("fc", batch, inF, outF, new(DeviceRegion.Weights, 0), new(DeviceRegion.Arena, 0), new(DeviceRegion.Arena, x.Length + 9));
        Assert.Equal((CublasOperation.Transpose, CublasOperation.None, outF, batch, inF), (call.TransA, call.TransB, call.M, call.N, call.K));
        Assert.Equal((inF, inF, outF, 1), (call.Lda, call.Ldb, call.Ldc, call.BatchCount));
        ColumnMajorSgemm.Run(call, r => r == DeviceRegion.Arena ? arena : w);
        Compare.Close(arena.AsSpan(x.Length + 9, expected.Length), expected, 1e-5, "classifier via column-major sgemm");
    }

    [Fact]
    public void Recorded_launches_cover_every_step_with_known_kernels_inside_the_arena()
    {
        var model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 3);
        var plan = Plan.Build(model, 2, 64, 64);
        var arena = new ArenaLayout(plan);
        var weights = new DeviceWeightLayout(model);
        var ops = CudaPlanRecorder.Record(plan, arena, weights);

        Assert.Equal(plan.Steps.Count, ops.Length);
        var stem = Assert.IsType<KernelLaunch>(ops[0].Single());
        Assert.Equal(KernelCatalog.Conv3x3, stem.Kernel);
        Assert.Equal(CudaPlanRecorder.GridFor(2L * model.Spec.StemChannels * 32 * 32, 256), stem.Grid);
        var known = KernelCatalog.Kernels.Select(k => k.Kernel).ToHashSet();
        var flat = ops.SelectMany(o => o).ToArray();
        Assert.All(flat.OfType<KernelLaunch>(), k => Assert.Contains(k.Kernel, known));
        Assert.Equal(plan.Steps.Count(s => s is PointwiseStep or LinearStep), flat.OfType<GemmCall>().Count());
        Assert.Equal(plan.Steps.OfType<PointwiseStep>().Count(s => s.Residual >= 0), flat.OfType<KernelLaunch>().Count(k => k.Kernel == KernelCatalog.PartialResidualAdd));
        foreach (var p in flat.OfType<KernelLaunch>().SelectMany(k => k.Args).Where(a => a.Pointer is not null).Select(a => a.Pointer!.Value))
        {
            Assert.InRange(p.Offset, 0, (p.Region == DeviceRegion.Arena ? arena.TotalFloats : weights.TotalFloats) - 1);
        }
        Assert.Equal(KernelCatalog.GlobalAvgPool, ((KernelLaunch)ops[^2].Single()).Kernel);
    }

    /// <summary>Batch 1 in an arena laid out for batch 3 is how the backend runs smaller batches; a 3-class head is a fine-tuned one.</summary>
    [Theory]
    [InlineData(2, 2, 64, 64, 1000)]
    [InlineData(1, 3, 64, 48, 3)]
    public void Whole_network_through_the_kernel_emulator_and_sgemm_double_matches_the_cpu_engine(int batch, int maxBatch, int height, int width, int classes)
    {
        var model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100", classes), seed: 5);
        var plan = Plan.Build(model, batch, height, width);
        var arena = new ArenaLayout(Plan.Build(model, maxBatch, height, width));
        var weights = new DeviceWeightLayout(model);
        float[] input = KernelTestData.Uniform("e2e input", plan.Input.Shape.Count, -2, 2);

        using var host = new HostDeviceOpRunner(arena, weights);
        input.CopyTo(host.At(arena.RefOf(plan, plan.Input.Id), input.Length));
        foreach (var op in CudaPlanRecorder.Record(plan, arena, weights).SelectMany(o => o))
        {
            host.Execute(op);
        }
        var logits = host.At(arena.RefOf(plan, plan.Logits.Id), plan.Logits.Shape.Count).ToArray();
        var features = host.At(arena.RefOf(plan, plan.Features.Id), plan.Features.Shape.Count).ToArray();

        using var cpu = RexNetEngine.Create(new EngineOptions { FoldedWeights = model, Device = DeviceKind.Cpu, MaxBatch = batch, Height = height, Width = width });
        var expectedLogits = new float[batch * cpu.NumClasses];
        var expectedFeatures = new float[batch * cpu.FeatureCount];
        cpu.Run(input, expectedLogits);
        cpu.RunFeatures(input, expectedFeatures);
        Compare.Close(features, expectedFeatures, 1e-4, "pooled features");
        Compare.Close(logits, expectedLogits, 1e-4, "logits");
    }
}
