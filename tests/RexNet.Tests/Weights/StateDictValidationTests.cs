using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Weights;

/// <summary>A weight file that does not fit the model is named key by key, with both shapes.</summary>
public class StateDictValidationTests
{
    private static readonly ModelSpec Spec = ModelSpec.FromZoo("rexnet_100");

    private static Dictionary<string, TensorData> StateDict(ModelSpec spec) =>
        RandomInit.Create(spec, seed: 5).ToDictionary(t => t.Name, StringComparer.Ordinal);

    private static string Problem(Dictionary<string, TensorData> stateDict) =>
        Assert.Throws<WeightMismatchException>(() => StateDictValidation.Validate(Spec, stateDict)).Message;

    [Fact]
    public void CompleteStateDictPasses() => StateDictValidation.Validate(Spec, StateDict(Spec));

    [Fact]
    public void MissingKeyIsNamedWithItsExpectedShape()
    {
        var sd = StateDict(Spec);
        int se = Spec.Blocks[5].SeChannels, dw = Spec.Blocks[5].DwChannels;
        sd.Remove("features.5.se.fc1.weight");
        Assert.Equal($"weights do not match rexnet_100: missing tensor 'features.5.se.fc1.weight' (expected shape [{se}, {dw}, 1, 1])",
            Problem(sd));
    }

    [Fact]
    public void UnexpectedKeyIsNamedWithItsShape()
    {
        var sd = StateDict(Spec);
        sd["features.99.conv.weight"] = new TensorData("features.99.conv.weight", [2, 7], new float[14]);
        Assert.Equal("weights do not match rexnet_100: unexpected tensor 'features.99.conv.weight' with shape [2, 7]", Problem(sd));
    }

    [Fact]
    public void MisShapedKeyIsNamedWithBothShapes()
    {
        var sd = StateDict(Spec);
        sd["stem.conv.weight"] = new TensorData("stem.conv.weight", [32, 3, 1, 1], new float[96]);
        Assert.Equal("weights do not match rexnet_100: tensor 'stem.conv.weight' has shape [32, 3, 1, 1], expected [32, 3, 3, 3]",
            Problem(sd));
    }

    [Fact]
    public void TransposedClassifierIsCaught()
    {
        var sd = StateDict(Spec);
        sd["head.fc.weight"] = sd["head.fc.weight"] with { Shape = [1280, 1000] };
        Assert.Contains("tensor 'head.fc.weight' has shape [1280, 1000], expected [1000, 1280]", Problem(sd));
    }

    [Fact]
    public void ManyProblemsAreCountedNotAllListed()
    {
        var sd = StateDict(Spec);
        foreach (var key in sd.Keys.Where(k => k.StartsWith("features.3.", StringComparison.Ordinal)).ToArray())
        {
            sd.Remove(key);
        }
        string message = Problem(sd);
        Assert.Equal(5, message.Split("missing tensor").Length - 1);
        Assert.Matches(@"\(and \d+ more\)$", message);
    }

    [Fact]
    public void WiderModelNamesKeyAndBothShapes()
    {
        var wider = ModelSpec.FromZoo("rexnet_130");
        string message = Problem(StateDict(wider));
        Assert.Contains($"tensor 'stem.conv.weight' has shape [{wider.StemChannels}, 3, 3, 3], expected [{Spec.StemChannels}, 3, 3, 3]", message);
    }

    [Fact]
    public void LoaderPrefixesTheFileName()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("wider.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_130"), 1, path);
        var e = Assert.Throws<WeightMismatchException>(() => WeightLoader.Load(Spec, path));
        Assert.StartsWith($"{path}: weights do not match rexnet_100: tensor 'stem.conv.weight' has shape", e.Message);
    }

    [Fact]
    public void BatchCountersAreNotUnexpected()
    {
        var sd = StateDict(Spec);
        sd["stem.bn.num_batches_tracked"] = new TensorData("stem.bn.num_batches_tracked", [], [0f]);
        StateDictValidation.Validate(Spec, sd);
    }
}
