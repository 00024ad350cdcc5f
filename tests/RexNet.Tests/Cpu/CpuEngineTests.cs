using RexNet.Cpu;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cpu;

public class CpuEngineTests
{
    private static readonly FoldedModel Small = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 3);

    private static RexNetEngine Engine(int maxBatch, int h, int w, int? threads = null) => RexNetEngine.Create(new EngineOptions
    {
        FoldedWeights = Small, Device = DeviceKind.Cpu, MaxBatch = maxBatch, Height = h, Width = w, Threads = threads,
    });

    [Fact]
    public void BatchedRunEqualsImageByImage()
    {
        using var engine = Engine(3, 64, 48);
        var input = NaiveOps.Random(3 * engine.ImageElements, 30, 2f);
        var batched = new float[3 * 1000];
        engine.Run(input, batched);
        for (int b = 0; b < 3; b++)
        {
            var one = new float[1000];
            engine.Run(input.AsSpan(b * engine.ImageElements, engine.ImageElements), one);
            Compare.Close(one, batched.AsSpan(b * 1000, 1000), 1e-6, $"image {b}");
        }
    }

    [Fact]
    public void ThreadCountDoesNotChangeResults()
    {
        using var one = Engine(2, 64, 64, threads: 1);
        using var three = Engine(2, 64, 64, threads: 3);
        var input = NaiveOps.Random(2 * one.ImageElements, 31, 2f);
        var a = new float[2000];
        var b = new float[2000];
        one.Run(input, a);
        three.Run(input, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void FeaturesAreThePooledPenultimateActivations()
    {
        using var engine = Engine(1, 64, 64);
        var input = NaiveOps.Random(engine.ImageElements, 33);
        var features = new float[engine.FeatureCount];
        engine.RunFeatures(input, features);
        float[]? pool = null;
        engine.RunWithStages(input, (stage, _, values) =>
        {
            if (stage == "pool") pool = values.ToArray();
        });
        Assert.Equal(pool, features);
        var logits = new float[1000];
        engine.Run(input, logits);
        var expected = NaiveOps.Linear(features, 1, engine.FeatureCount, Small.ClassifierWeight, Small.ClassifierBias, 1000);
        Compare.Close(logits, expected, 1e-5, "classifier on features");
    }

    [Fact]
    public void BadSpansAreRejectedWithClearMessages()
    {
        using var engine = Engine(2, 64, 64);
        var logits = new float[2000];
        var e1 = Assert.Throws<RexNetException>(() => engine.Run(new float[engine.ImageElements + 1], logits));
        Assert.Contains("whole number", e1.Message);
        var e2 = Assert.Throws<RexNetException>(() => engine.Run(new float[3 * engine.ImageElements], new float[3000]));
        Assert.Contains("MaxBatch", e2.Message);
        var e3 = Assert.Throws<RexNetException>(() => engine.Run(new float[2 * engine.ImageElements], new float[1999]));
        Assert.Contains("logits", e3.Message);
    }

    [Fact]
    public void InputsSmallerThan32AreRejected()
    {
        var e = Assert.Throws<RexNetException>(() => Engine(1, 31, 64));
        Assert.Contains("at least 32", e.Message);
    }

    [Theory]
    [InlineData(32, 32)]
    [InlineData(33, 47)]
    [InlineData(224, 160)]
    public void PlanShapesFollowTimmForAnySize(int h, int w)
    {
        var plan = Plan.Build(Small, 2, h, w);
        int eh = h, ew = w;
        eh = (eh - 1) / 2 + 1;
        ew = (ew - 1) / 2 + 1;
        Assert.Equal(new TensorShape(2, 32, eh, ew), plan.Tensors.Single(t => t.Stage == "stem").Shape);
        foreach (var s in new[] { 2, 2, 2, 2 })
        {
            eh = (eh - 1) / s + 1;
            ew = (ew - 1) / s + 1;
        }
        Assert.Equal(new TensorShape(2, 1280, eh, ew), plan.Tensors.Single(t => t.Stage == "features.16").Shape);
    }

    [Fact]
    public void SlotSharingNeverOverlapsLiveTensors()
    {
        var plan = Plan.Build(Small, 1, 64, 64);
        var produced = new Dictionary<int, int>();
        var lastUse = new Dictionary<int, int>();
        for (int i = 0; i < plan.Steps.Count; i++)
        {
            produced[plan.Steps[i].Output] = i;
            foreach (int t in Plan.InputsOf(plan.Steps[i])) lastUse[t] = i;
        }
        produced[0] = -1;
        foreach (var a in plan.Tensors)
        foreach (var b in plan.Tensors.Where(b => b.Id > a.Id && plan.SlotOf[b.Id] == plan.SlotOf[a.Id]))
        {
            Assert.True(lastUse.GetValueOrDefault(a.Id, int.MaxValue) < produced[b.Id],
                $"{a.Name} and {b.Name} share slot {plan.SlotOf[a.Id]} while both live");
        }
        Assert.True(plan.SlotSizes.Count < plan.Tensors.Count / 4, $"{plan.SlotSizes.Count} slots for {plan.Tensors.Count} tensors");
    }
}
