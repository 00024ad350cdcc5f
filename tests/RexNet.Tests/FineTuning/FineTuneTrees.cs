using RexNet.FineTuning;
using RexNet.Imaging;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.FineTuning;

/// <summary>A random-init backbone and class-folder trees built from the shared test photos.</summary>
public sealed class FineTuneTrees : IDisposable
{
    public const string Size = "64";

    private readonly TempDir _dir = TestPaths.TempDir();

    /// <summary>rexnet_100, random init with seed 5: tiny features, which the standardisation must cope with.</summary>
    public string Backbone { get; }

    private readonly Lazy<string> _fineTuned;

    public FineTuneTrees()
    {
        Backbone = _dir.File("backbone.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_100"), 5, Backbone);
        _fineTuned = new Lazy<string>(FineTune);
    }

    /// <summary>The backbone with a head for cat, coffee and space trained on <see cref="Training"/> through the library API.</summary>
    public string FineTuned => _fineTuned.Value;

    public static PreprocessOptions Preprocess { get; } = new() { Size = int.Parse(Size, System.Globalization.CultureInfo.InvariantCulture) };

    private string FineTune()
    {
        string output = _dir.File("fine-tuned.safetensors");
        var report = FineTuner.Run(new FineTuneOptions
        {
            TrainDirectory = Tree(_dir, "train", Training),
            Weights = Backbone,
            Output = output,
            Training = new HeadTrainingOptions { Epochs = 15 },
            Augment = Augmentation.Flip,
            Device = DeviceSpec.Cpu,
            Preprocess = Preprocess,
            DecodeWorkers = 1,
        });
        if (report.Final.TrainTop1 != 1.0)
        {
            throw new InvalidOperationException($"fine-tuning the test head reached only {report.Final.TrainTop1:P0}");
        }
        return output;
    }

    /// <summary>The training tree: three classes, one of them with an unreadable image.</summary>
    public static readonly (string Class, string Image)[] Training =
    [
        ("cat", "chelsea.png"), ("coffee", "coffee.png"), ("space", "astronaut.png"), ("space", "rocket.jpg"), ("space", "truncated.jpg"),
    ];

    /// <summary>The same classes with one photo each.</summary>
    public static readonly (string Class, string Image)[] Validation = [("cat", "chelsea.png"), ("coffee", "coffee.png"), ("space", "rocket.jpg")];

    /// <summary>Makes <paramref name="name"/> under <paramref name="dir"/> with the given class folders and photos.</summary>
    internal static string Tree(TempDir dir, string name, IEnumerable<(string Class, string Image)> layout, params string[] emptyClasses)
    {
        string images = TestPaths.RequireSharedFolder(TestPaths.Images);
        string root = dir.File(name);
        foreach (var (cls, image) in layout)
        {
            Directory.CreateDirectory(Path.Combine(root, cls));
            File.Copy(Path.Combine(images, image), Path.Combine(root, cls, image));
        }
        foreach (string cls in emptyClasses)
        {
            Directory.CreateDirectory(Path.Combine(root, cls));
        }
        return root;
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class FineTuneCollection : ICollectionFixture<FineTuneTrees>
{
    public const string Name = "fine-tuning trees";
}
