using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Server.Tests.Support;

/// <summary>Random-init models at the smallest input size, so that a server test costs milliseconds per image.</summary>
internal static class TestModels
{
    public const int Size = 32;
    public const int Per = 3 * Size * Size;

    private static readonly Lazy<FoldedModel> ImageNetHead = new(() => RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 0));
    private static readonly Lazy<FoldedModel> TenClassHead = new(() => RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100", numClasses: 10), seed: 1));

    /// <summary>1000 classes: labelled with ImageNet's names.</summary>
    public static FoldedModel ImageNet => ImageNetHead.Value;

    /// <summary>A fine-tuned-style head without labels.</summary>
    public static FoldedModel TenClasses => TenClassHead.Value;

    /// <summary>Options for a test server: loopback, free ports, one thread (test classes run side by side on 2 cores).</summary>
    public static ServeOptions Options(FoldedModel? model = null) => new()
    {
        FoldedWeights = model ?? ImageNet, Height = Size, Width = Size, HttpPort = 0, GrpcPort = 0, Threads = 1, Device = DeviceSpec.Cpu,
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
    };

    /// <summary>The same model as a plain engine: what the server's answers must equal.</summary>
    public static RexNetEngine Engine(FoldedModel? model = null, int maxBatch = 8) => RexNetEngine.Create(new EngineOptions
    {
        FoldedWeights = model ?? ImageNet, Height = Size, Width = Size, MaxBatch = maxBatch, Threads = 1, Device = DeviceKind.Cpu,
    });

    public static float[] Images(int count, int seed)
    {
        var rng = new Random(seed);
        var data = new float[count * Per];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(rng.NextDouble() * 4 - 2);
        }
        return data;
    }

    /// <summary>Logits of each image run alone, laid end to end.</summary>
    public static float[] ExpectedLogits(float[] images, FoldedModel? model = null)
    {
        using var engine = Engine(model, 1);
        int count = images.Length / Per;
        var logits = new float[count * engine.NumClasses];
        for (int i = 0; i < count; i++)
        {
            engine.Run(images.AsSpan(i * Per, Per), logits.AsSpan(i * engine.NumClasses, engine.NumClasses));
        }
        return logits;
    }
}
