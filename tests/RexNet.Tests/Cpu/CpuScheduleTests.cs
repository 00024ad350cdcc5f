using RexNet.Cpu;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Tests.Cpu;

/// <summary>How the CPU backend groups plan steps and places their tensors: data derived from the plan, checked as data.</summary>
public class CpuScheduleTests
{
    [Theory]
    [InlineData("rexnet_100", 1, 224, 224)]
    [InlineData("rexnetr_150", 3, 64, 48)]
    public void FusedStepsCoverEveryPlanStepOnceInOrder(string model, int batch, int h, int w)
    {
        var plan = Plan.Build(RandomInit.CreateFolded(ModelSpec.FromZoo(model), 1), batch, h, w);
        var schedule = CpuSchedule.Fuse(plan);
        Assert.Equal(plan.Steps, schedule.SelectMany(f => f.Steps));
        // One stem; per block one expand+depthwise step that, without SE, includes the projection, and with SE an
        // excitation and a projection; then the head.
        var blocks = plan.Model.Spec.Blocks;
        Assert.Equal(1 + blocks.Count + 2 * blocks.Count(b => b.HasSe) + 2, schedule.Count);
        Assert.All(schedule.OfType<ExpandDepthwiseStep>(), s =>
        {
            Assert.Equal(s.Squeeze is not null, s.Depthwise.Activation == Activation.None);
            Assert.Equal(s.Squeeze is null, s.Project is not null);
        });
    }

    [Fact]
    public void ArenaPlacesOnlyTheTensorsFusedStepsWriteAndNeverOverlapsLiveOnes()
    {
        var plan = Plan.Build(RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), 1), 2, 96, 96);
        var schedule = CpuSchedule.Fuse(plan);
        var arena = new CpuArena(plan, schedule, VectorIsa.Vector512);
        // The expanded tensors and the SE scale's output live only inside fused steps.
        foreach (var s in schedule.OfType<ExpandDepthwiseStep>().Where(s => s.Expand is not null))
        {
            Assert.False(arena.Tensors.ContainsKey(s.Expand!.Output), $"{s.Expand.Name} was written out");
        }
        Assert.All(schedule.OfType<ProjectStep>(), s => Assert.False(arena.Tensors.ContainsKey(s.Scale.Output)));
        Assert.All(schedule.OfType<ExpandDepthwiseStep>().Where(s => s.Project is not null), s => Assert.False(arena.Tensors.ContainsKey(s.Depthwise.Output)));

        var written = new Dictionary<int, int>();
        var lastRead = new Dictionary<int, int>();
        for (int i = 0; i < schedule.Count; i++)
        {
            foreach (int t in arena.Tensors.Keys.Where(t => schedule[i].Steps.Any(p => p.Output == t)))
            {
                written[t] = i;
            }
            foreach (int t in CpuArena.InputsOf(schedule[i]))
            {
                lastRead[t] = i;
            }
        }
        written[plan.Input.Id] = -1;
        foreach (var (a, ta) in arena.Tensors)
        foreach (var (b, tb) in arena.Tensors.Where(p => p.Key != a && p.Value.Slot == ta.Slot && written[p.Key] > written[a]))
        {
            Assert.True(lastRead.GetValueOrDefault(a, written[a]) < written[b],
                $"{plan.Tensors[a].Name} and {plan.Tensors[b].Name} share slot {ta.Slot} while both live");
        }
        // Channels-last with whole vectors: every pitch is a multiple of 16 floats at Vector512.
        Assert.All(arena.Tensors.Values.Where(t => t.Shape.H > 1 || t.Shape.W > 1), t => Assert.Equal(0, t.Pitch % 16));
    }

    [Theory]
    [InlineData(1, 11, 4, 56, 56, 1, 27, 2)]
    [InlineData(8, 15, 4, 56, 28, 2, 38, 2)]
    [InlineData(1, 70, 4, 7, 7, 1, 185, 2)]
    [InlineData(1, 2, 4, 112, 112, 1, 0, 2)]
    [InlineData(1, 11, 3, 56, 56, 1, 27, 16)]
    public void ExpandDepthwiseCutsAreBalancedAndWholeGroups(int batch, int vectors, int panel, int inH, int outH, int stride, int k, int workers)
    {
        var (group, bands) = TaskSplit.ExpandDepthwise(batch, vectors, panel, inH, inH, outH, outH, stride, k, workers);
        Assert.True(panel % group == 0, $"group of {group} vectors does not divide panels of {panel}");
        Assert.InRange(bands, 1, outH);
        int tasks = batch * bands * ((vectors + group - 1) / group);
        Assert.True(tasks >= Math.Min(workers, batch * vectors * outH), $"{tasks} tasks for {workers} workers");
    }
}
