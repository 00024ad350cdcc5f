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
    public void Se_excite_shared_memory_holds_the_widest_se_in_the_zoo()
    {
        int limit = KernelSources.Constant("se_excite.cu", "SE_EXCITE_MAX_HIDDEN");
        int widest = ModelZoo.All.SelectMany(e => ModelSpec.FromEntry(e).Blocks).Max(b => b.SeChannels);
        Assert.InRange(widest, 1, limit);
    }

    [Fact]
    public void Se_excite_traps_instead_of_overrunning_shared_memory()
    {
        int rd = KernelSources.Constant("se_excite.cu", "SE_EXCITE_MAX_HIDDEN") + 1;
        var inputs = Ops.SeExciteOpTest.Inputs("too wide", 1, 8, rd);
        using var gate = EmuBuffer.Output("gate", 8);
        var e = Assert.Throws<KernelEmulationException>(() => Ops.SeExciteOpTest.Launch(1, 8, rd, inputs, gate, new EmulatorLauncher(Schedule.Forward)));
        Assert.Contains("__trap()", e.Message);
    }
}
