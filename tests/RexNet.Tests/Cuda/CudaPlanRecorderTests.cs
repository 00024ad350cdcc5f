using RexNet.Cpu;
using RexNet.Cuda;
using RexNet.Model;
using RexNet.Native.Cublas;
using RexNet.Tests.Kernels;
using RexNet.Tests.Kernels.Emulation;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cuda;

/// <summary>
/// The CUDA backend's interpretation of the plan, proven without a GPU: the fused device program, layouts,
/// the row-major to column-major GEMM mapping (executed by a cuBLAS double), the recorded launch list and
/// its op count, and the whole network run through the kernel emulator against the CPU engine.
/// </summary>
public sealed class CudaPlanRecorderTests
{
    private static FoldedModel Model(int seed = 3) => RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed);

    [Fact]
    public void Layout_aligns_every_buffer_to_256_bytes_without_overlap()
    {
        var (offsets, total) = DeviceLayout.Pack([1, 64, 65, 0, 7]);
        Assert.Equal([0L, 64, 128, 256, 256], offsets);
        Assert.Equal(320, total);
        Assert.All(offsets, o => Assert.Equal(0, o * sizeof(float) % DeviceLayout.AlignmentBytes));
    }

    [Fact]
    public void Transposed_weights_are_stored_column_by_column_with_zero_padding()
    {
        float[] w = [1, 2, 3, 4, 5, 6]; // [2, 3]
        var blob = WeightBlob.Transposed(w, 2, 3, 4);
        var stored = new float[blob.Floats];
        blob.WriteTo(stored);
        Assert.Equal([1f, 4, 0, 0, 2, 5, 0, 0, 3, 6, 0, 0], stored);
        Assert.Equal(RexNetErrorCode.Internal, Assert.Throws<RexNetException>(() => WeightBlob.Transposed(w, 4, 2, 3)).Code);
    }

    [Theory]
    [InlineData(CudaGemm.Kernels)]
    [InlineData(CudaGemm.Cublas)]
    public void Se_blocks_fuse_into_the_depthwise_step_and_with_our_gemm_the_gate_into_the_projection(CudaGemm gemm)
    {
        var plan = Plan.Build(Model(), 1, 64, 64);
        var program = DeviceProgram.Build(plan, gemm);
        int seBlocks = plan.Model.Spec.Blocks.Count(b => b.HasSe);
        var fused = program.Steps.OfType<DeviceDepthwise>().Where(s => s.Se is not null).ToArray();
        Assert.Equal(seBlocks, fused.Length);
        Assert.Single(program.Steps.OfType<DevicePool>());
        Assert.Equal(gemm == CudaGemm.Kernels ? 0 : seBlocks, program.Steps.OfType<DeviceScaleRelu6>().Count());
        foreach (var dw in fused)
        {
            var next = program.Steps[program.Steps.ToList().IndexOf(dw) + 1];
            if (gemm == CudaGemm.Kernels)
            {
                var projection = Assert.IsType<DevicePointwise>(next);
                Assert.Equal((dw.Depthwise.Output, dw.Gate), (projection.Input, projection.Gate));
            }
            else
            {
                Assert.IsType<DeviceScaleRelu6>(next);
            }
        }
    }

    [Theory]
    [InlineData(CudaGemm.Kernels)]
    [InlineData(CudaGemm.Cublas)]
    public void Arena_gives_live_tensors_separate_slots_and_serves_every_smaller_batch(CudaGemm gemm)
    {
        var cuda = CudaPlan.Create(Model(), 4, 64, 48, gemm);
        var arena = cuda.Arena;
        var max = cuda.Programs[^1];
        for (int s = 0; s + 1 < arena.SlotOffsets.Count; s++)
        {
            Assert.True(arena.SlotOffsets[s] + arena.SlotSizes[s] <= arena.SlotOffsets[s + 1], $"slot {s} overruns the next");
        }
        Assert.True(arena.Scratch.Offset >= arena.SlotOffsets[^1] + arena.SlotSizes[^1]);
        Assert.True(arena.Counters.Offset >= arena.Scratch.Offset + arena.ScratchFloats);
        Assert.True(arena.CounterCount > 0);

        // Between a tensor's write and its last read, no other tensor may be written to its slot.
        var steps = max.Steps;
        int LastRead(int t) => Enumerable.Range(0, steps.Count).Where(i => steps[i].Reads.Contains(t)).DefaultIfEmpty(int.MaxValue).Max();
        for (int i = 0; i < steps.Count; i++)
        {
            foreach (int t in steps[i].Writes)
            {
                for (int j = i; j < Math.Min(steps.Count, LastRead(t) + 1); j++)
                {
                    foreach (int u in steps[j].Writes.Where(u => u != t))
                    {
                        Assert.False(arena.RefOf(u) == arena.RefOf(t), $"{steps[j].Name} overwrites {max.Plan.Tensors[t].Name} before {max.Plan.Tensors[t].Name} is last read");
                    }
                }
            }
        }
        Assert.Equal(4, cuda.Ops.Count);
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

    /// <summary>The budget: at most 52 kernel launches and library calls per rexnet_100 inference at batch 1.</summary>
    public const int MaxDeviceOps = 52;

    [Fact]
    public void Rexnet_100_at_batch_1_takes_at_most_52_device_ops_with_our_gemm()
    {
        var cuda = CudaPlan.Create(Model(), 1, 224, 224, CudaGemm.Kernels);
        var ops = cuda.Ops[0].SelectMany(o => o).ToArray();
        Assert.InRange(ops.Length, 1, MaxDeviceOps);
        Assert.All(ops, op => Assert.IsType<KernelLaunch>(op));
        var spec = cuda.Programs[0].Plan.Model.Spec;
        // Stem, expansion, depthwise (+SE), projection per block, final 1x1, pool, classifier: one launch each.
        Assert.Equal(1 + spec.Blocks.Count(b => b.HasExpand) + 2 * spec.Blocks.Count + 3, ops.Length);
    }

    [Theory]
    [InlineData(CudaGemm.Kernels)]
    [InlineData(CudaGemm.Cublas)]
    public void Recorded_launches_use_known_kernels_valid_dimensions_and_pointers_inside_the_allocations(CudaGemm gemm)
    {
        var cuda = CudaPlan.Create(Model(), 2, 64, 64, gemm);
        var known = KernelCatalog.Kernels.Select(k => k.Kernel).ToHashSet();
        var flat = cuda.Ops[1].SelectMany(o => o).ToArray();
        var launches = flat.OfType<KernelLaunch>().ToArray();
        Assert.All(launches, k => Assert.Contains(k.Kernel, known));
        Assert.All(launches, k => Assert.True(k.Grid.X is >= 1 and <= int.MaxValue && k.Grid.Y is >= 1 and <= 65535 && k.Grid.Z is >= 1 and <= 65535, k.ToString()));
        Assert.All(launches, k => Assert.True(k.Block.X * k.Block.Y * k.Block.Z is >= 32 and <= 1024, k.ToString()));
        Assert.All(flat, op => Assert.True(op.Bytes > 0, op.ToString()));
        var pointwiseSteps = cuda.Programs[1].Steps.OfType<DevicePointwise>().Count();
        Assert.Equal(gemm == CudaGemm.Cublas ? pointwiseSteps : 0, flat.OfType<GemmCall>().Count());
        foreach (var p in launches.SelectMany(k => k.Args).Where(a => a.Kind == LaunchArgKind.Pointer).Select(a => a.Pointer))
        {
            Assert.InRange(p.Offset, 0, (p.Region == DeviceRegion.Arena ? cuda.Arena.TotalFloats : cuda.Weights.TotalFloats) - 1);
        }
        Assert.Equal(KernelCatalog.GlobalAvgPool, ((KernelLaunch)cuda.Ops[1][^2].Single()).Kernel);
    }

    /// <summary>
    /// Batch 1 inside an arena laid out for batch 3 is how the backend runs smaller batches; a 3-class head
    /// is a fine-tuned one. Ops alternate between the two thread orders, and every op must leave the fused
    /// kernels' counters at zero.
    /// </summary>
    [Theory]
    [InlineData(CudaGemm.Kernels, 2, 2, 64, 64, 1000)]
    [InlineData(CudaGemm.Kernels, 1, 3, 64, 48, 3)]
    [InlineData(CudaGemm.Cublas, 2, 2, 48, 64, 1000)]
    [InlineData(CudaGemm.Cublas, 1, 2, 64, 64, 3)]
    public void Whole_network_through_the_kernel_emulator_matches_the_cpu_engine(CudaGemm gemm, int batch, int maxBatch, int height, int width, int classes)
    {
        var model = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100", classes), seed: 5);
        var cuda = CudaPlan.Create(model, maxBatch, height, width, gemm);
        var plan = cuda.ProgramFor(batch).Plan;
        float[] input = KernelTestData.Uniform("e2e input", plan.Input.Shape.Count, -2, 2);

        using var host = new HostDeviceOpRunner(cuda.Arena, cuda.Weights);
        input.CopyTo(host.At(cuda.Arena.RefOf(plan.Input.Id), input.Length));
        int index = 0;
        foreach (var op in cuda.Ops[batch - 1].SelectMany(o => o))
        {
            host.Execute(op, index++ % 2 == 0 ? Schedule.Forward : Schedule.Reverse);
            Assert.True(host.Counters.IndexOfAnyExcept(0f) < 0, $"{op.Step}: counters not back at zero");
        }
        var logits = host.At(cuda.Arena.RefOf(plan.Logits.Id), plan.Logits.Shape.Count).ToArray();
        var features = host.At(cuda.Arena.RefOf(plan.Features.Id), plan.Features.Shape.Count).ToArray();

        using var cpu = RexNetEngine.Create(new EngineOptions { FoldedWeights = model, Device = DeviceKind.Cpu, MaxBatch = batch, Height = height, Width = width });
        var expectedLogits = new float[batch * cpu.NumClasses];
        var expectedFeatures = new float[batch * cpu.FeatureCount];
        cpu.Run(input, expectedLogits);
        cpu.RunFeatures(input, expectedFeatures);
        Compare.Close(features, expectedFeatures, 1e-4, "pooled features");
        Compare.Close(logits, expectedLogits, 1e-4, "logits");
    }
}
