using RexNet.FineTuning;

namespace RexNet.Tests.FineTuning;

/// <summary>Training the head on synthetic features: separable data is learnt completely, the same way every time.</summary>
public class HeadTrainerTests
{
    private static (LabelledFeatures Train, LabelledFeatures Val) Separable(double scale = 1, double offset = 0) =>
        (SyntheticFeatures.Clusters(5, 40, 64, spread: 0.6, centreSeed: 11, sampleSeed: 1, scale, offset),
         SyntheticFeatures.Clusters(5, 20, 64, spread: 0.6, centreSeed: 11, sampleSeed: 2, scale, offset));

    private static (LinearHead Head, List<EpochReport> Epochs) Train(LabelledFeatures train, LabelledFeatures? val, HeadTrainingOptions options)
    {
        var standardiser = FeatureStandardiser.Fit(train.Features);
        var epochs = new List<EpochReport>();
        var head = HeadTrainer.Train(new LabelledFeatures(standardiser.Apply(train.Features), train.Labels),
            val is null ? null : new LabelledFeatures(standardiser.Apply(val.Features), val.Labels), 5, options, epochs.Add,
            TestContext.Current.CancellationToken);
        return (standardiser.Fold(head), epochs);
    }

    [Theory]
    [InlineData(HeadOptimizer.Sgd)]
    [InlineData(HeadOptimizer.AdamW)]
    public void SeparableDataReachesEveryClassExactly(HeadOptimizer optimizer)
    {
        var (train, val) = Separable();
        var (head, epochs) = Train(train, val, new HeadTrainingOptions { Optimizer = optimizer, Epochs = 20, BatchSize = 16 });

        Assert.Equal(Enumerable.Range(1, 20), epochs.Select(e => e.Epoch));
        Assert.Equal(1.0, epochs[^1].TrainTop1);
        Assert.Equal(1.0, epochs[^1].ValTop1);
        // From ln 5 at the zero start; label smoothing keeps it above zero.
        Assert.True(epochs[^1].TrainLoss < 0.2 * Math.Log(5), $"the loss ended at {epochs[^1].TrainLoss}");
        Assert.Equal(1.0, HeadMetrics.Measure(head, val.Features, val.Labels).Top1);
        // The cosine schedule ends near zero.
        Assert.True(epochs[^1].LearningRate < 0.01 * HeadTrainingOptions.DefaultLearningRate(optimizer));
    }

    [Fact]
    public void TrainingIsDeterministicForASeed()
    {
        var (train, _) = Separable();
        var options = new HeadTrainingOptions { Epochs = 5, BatchSize = 8, Seed = 42 };
        var (a, _) = Train(train, null, options);
        var (b, _) = Train(train, null, options);
        var (c, _) = Train(train, null, options with { Seed = 43 });
        Assert.Equal(a.Weight, b.Weight);
        Assert.Equal(a.Bias, b.Bias);
        Assert.NotEqual(a.Weight, c.Weight);
    }

    [Theory]
    [InlineData(1e-7, 0.0)]
    [InlineData(1e-3, 5e-3)]
    [InlineData(1e4, 3e4)]
    public void AnyFeatureScaleIsLearntAndFoldsBackIntoRawFeatures(double scale, double offset)
    {
        var (train, val) = Separable(scale, offset);
        var (head, epochs) = Train(train, val, new HeadTrainingOptions { Epochs = 10 });
        Assert.Equal(1.0, epochs[^1].TrainTop1);
        // The folded head takes raw features, as the engine will give it.
        Assert.Equal(1.0, HeadMetrics.Measure(head, train.Features, train.Labels).Top1);
        Assert.Equal(1.0, HeadMetrics.Measure(head, val.Features, val.Labels).Top1);
    }

    [Fact]
    public void ConstantFeaturesAreDroppedAndFoldingIsExact()
    {
        var train = SyntheticFeatures.Clusters(3, 10, 6, spread: 0.5, centreSeed: 4, sampleSeed: 5);
        for (int i = 0; i < train.Count; i++)
        {
            train.Features.Row(i)[2] = 7.5f;
        }
        var standardiser = FeatureStandardiser.Fit(train.Features);
        Assert.Equal(5, standardiser.KeptFeatures);
        Assert.Equal(0, standardiser.Scale[2]);

        var z = standardiser.Apply(train.Features);
        var rng = new Random(6);
        var head = new LinearHead(3, 6);
        for (int i = 0; i < head.Weight.Length; i++)
        {
            head.Weight[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        var folded = standardiser.Fold(head);
        var onZ = new float[3];
        var onX = new float[3];
        for (int i = 0; i < train.Count; i++)
        {
            head.Logits(z.Row(i), onZ);
            folded.Logits(train.Features.Row(i), onX);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(onZ[k], onX[k], 1e-5);
            }
        }
    }

    [Fact]
    public void DivergenceIsReportedNotWritten()
    {
        var (train, _) = Separable();
        var e = Assert.Throws<RexNetException>(() => Train(train, null, new HeadTrainingOptions { LearningRate = 100, Momentum = 0.99, LabelSmoothing = 0, WeightDecay = 10, Epochs = 50 }));
        Assert.Contains("diverged", e.Message);
    }

    [Theory]
    [InlineData("epochs must be in [1, 100000], got 0")]
    [InlineData("learning rate must be in (0, 100], got -1")]
    [InlineData("label smoothing must be in [0, 1), got 1")]
    public void BadSettingsAreRefused(string expected)
    {
        var options = expected switch
        {
            _ when expected.StartsWith("epochs") => new HeadTrainingOptions { Epochs = 0 },
            _ when expected.StartsWith("learning") => new HeadTrainingOptions { LearningRate = -1 },
            _ => new HeadTrainingOptions { LabelSmoothing = 1 },
        };
        var e = Assert.Throws<RexNetException>(options.Validate);
        Assert.Equal(RexNetErrorCode.InvalidArgument, e.Code);
        Assert.Equal(expected, e.Message);
    }
}
