using RexNet.Model;
using RexNet.Tests.Kernels.Emulation;

namespace RexNet.Tests.Kernels;

/// <summary>
/// Every kernels/*.cu entry point, run on the CPU through the host emulation, against its CpuOps twin,
/// under both thread schedules (see cuda_host_shim.h for why two).
/// </summary>
public sealed class KernelOpTests
{
    public static TheoryData<string, string, Schedule> Cases()
    {
        var data = new TheoryData<string, string, Schedule>();
        foreach (var op in KernelOpRegistry.All)
        {
            foreach (string name in op.CaseNames)
            {
                data.Add(op.Name, name, Schedule.Forward);
                data.Add(op.Name, name, Schedule.Reverse);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Emulated_kernel_matches_its_cpu_twin(string op, string shape, Schedule schedule) =>
        KernelOpRegistry.Get(op).Check(shape, new EmulatorLauncher(schedule));

    [Fact]
    public void Every_kernel_entry_point_has_an_op_test()
    {
        var tested = KernelOpRegistry.All.SelectMany(op => op.EntryPoints).ToHashSet();
        var untested = KernelSources.AllEntryPoints().Where(e => !tested.Contains(e)).ToArray();
        Assert.True(untested.Length == 0, "kernel entry points without an op test: " + string.Join(", ", untested));
        Assert.Subset(KernelSources.AllEntryPoints().ToHashSet(), tested);
    }

    [Fact]
    public void Depthwise_se_shared_memory_holds_the_widest_se_in_the_zoo()
    {
        int limit = KernelSources.Constant("depthwise3x3.cu", "DEPTHWISE_SE_MAX_HIDDEN");
        int widest = ModelZoo.All.SelectMany(e => ModelSpec.FromEntry(e).Blocks).Max(b => b.SeChannels);
        Assert.InRange(widest, 1, limit);
    }

    [Fact]
    public void Depthwise_se_traps_instead_of_overrunning_shared_memory()
    {
        int rd = KernelSources.Constant("depthwise3x3.cu", "DEPTHWISE_SE_MAX_HIDDEN") + 1;
        var shape = new Ops.Depthwise3x3Shape("too wide", 1, 8, 4, 4, 1, Activation.None, rd);
        var tiling = RexNet.Cuda.DepthwiseTiling.For(8, 16);
        var se = Ops.Depthwise3x3OpTest.SeInputs("too wide", 8, rd);
        using var x = EmuBuffer.From("x", new float[8 * 16]);
        using var w = EmuBuffer.From("w", new float[8 * 9]);
        using var b = EmuBuffer.From("b", new float[8]);
        using var y = EmuBuffer.Output("y", 8 * 16);
        EmuBuffer[] buffers =
        [
            EmuBuffer.From("w1t", se.W1), EmuBuffer.From("b1", se.B1), EmuBuffer.From("w2t", se.W2), EmuBuffer.From("b2", se.B2),
            EmuBuffer.Output("gate", 8), EmuBuffer.Output("partials", tiling.BlocksPerImage * rd), EmuBuffer.From("counters", new float[1]),
        ];
        try
        {
            var e = Assert.Throws<KernelEmulationException>(() => Ops.Depthwise3x3OpTest.Launch(shape, tiling, new EmulatorLauncher(Schedule.Forward), x, w, b, y, buffers));
            Assert.Contains("__trap()", e.Message);
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
        }
    }
}
