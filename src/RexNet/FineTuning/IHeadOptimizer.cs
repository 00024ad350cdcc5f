namespace RexNet.FineTuning;

/// <summary>One parameter update of the head from a gradient, at a learning rate the schedule chooses.</summary>
internal interface IHeadOptimizer
{
    void Step(LinearHead head, LinearHead gradient, double learningRate);

    public static IHeadOptimizer Create(HeadTrainingOptions options, int classes, int features) => options.Optimizer switch
    {
        HeadOptimizer.Sgd => new SgdMomentum(classes, features, options.Momentum, options.EffectiveWeightDecay),
        HeadOptimizer.AdamW => new AdamW(classes, features, options.EffectiveWeightDecay),
        _ => throw new RexNetException(RexNetErrorCode.InvalidArgument, $"unknown optimizer {options.Optimizer}"),
    };
}
