namespace RexNet.Model;

/// <summary>
/// The ImageNet-1k weights timm publishes for one model (<c>timm/NAME.TAG</c> on the hub) and the evaluation
/// settings of that tag's pretrained config: the test-time input size and crop fraction where the config names
/// them (as timm's validate.py uses by default), else its input size and crop fraction.
/// </summary>
public sealed record PretrainedConfig(string Tag, int EvalSize, double EvalCropPct, string License)
{
    /// <summary>timm's recipe for the original ReXNets (NAVER's weights): 224x224, crop 0.875, MIT.</summary>
    internal static PretrainedConfig Naver { get; } = new("nav_in1k", 224, 0.875, "mit");

    /// <summary>Ross Wightman's ImageNet-12k pretraining fine-tuned on ImageNet-1k: trained at 224 with crop 0.95,
    /// evaluated at 288 with crop 1.0.</summary>
    internal static PretrainedConfig ImageNet12kFineTuned { get; } = new("sw_in12k_ft_in1k", 288, 1.0, "apache-2.0");
}
