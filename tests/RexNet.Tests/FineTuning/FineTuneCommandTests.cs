using System.Text.Json;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.FineTuning;

/// <summary>`rexnet finetune` end to end on the shared photos with a random-init backbone.</summary>
[Collection(FineTuneCollection.Name)]
public sealed class FineTuneCommandTests(FineTuneTrees trees)
{
    private static string[] Args(string train, string weights, string output, params string[] extra) =>
        ["finetune", train, "--weights", weights, "--output", output, "--size", FineTuneTrees.Size, "--device", "cpu", "--workers", "1", .. extra];

    [Fact]
    public void WritesTheBackboneUnchangedWithANewHeadAndItsLabels()
    {
        using var dir = TestPaths.TempDir();
        string train = FineTuneTrees.Tree(dir, "train", FineTuneTrees.Training);
        string val = FineTuneTrees.Tree(dir, "val", FineTuneTrees.Validation);
        string output = dir.File("pets.safetensors");

        var r = CliRunner.Run(Args(train, trees.Backbone, output, "--val", val, "--epochs", "12", "--augment", "flip", "--no-cache", "--json"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("epoch   1/12", r.Stderr);
        Assert.Contains("epoch  12/12", r.Stderr);
        Assert.Contains($"unreadable (skipped): {Path.Combine(train, "space", "truncated.jpg")}", r.Stderr);

        using var json = JsonDocument.Parse(r.Stdout);
        var report = json.RootElement;
        Assert.Equal(["cat", "coffee", "space"], report.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(5, report.GetProperty("train").GetProperty("images").GetInt32());
        Assert.Equal(8, report.GetProperty("train").GetProperty("samples").GetInt32());
        Assert.Single(report.GetProperty("train").GetProperty("unreadable").EnumerateArray());
        Assert.Equal(12, report.GetProperty("epochs").GetArrayLength());
        Assert.Equal(1.0, report.GetProperty("train_top1").GetDouble());
        Assert.Equal(1.0, report.GetProperty("val_top1").GetDouble());
        Assert.Equal(1.0, report.GetProperty("folded_train_top1").GetDouble());

        using var source = SafeTensorsFile.Open(trees.Backbone);
        using var written = SafeTensorsFile.Open(output);
        Assert.Equal(source.Entries.Select(e => e.Name), written.Entries.Select(e => e.Name));
        foreach (var e in source.Entries)
        {
            if (e.DType == SafeTensorsDType.I64)
            {
                Assert.Equal(source.ReadInt64Scalar(e.Name), written.ReadInt64Scalar(e.Name));
            }
            else if (!e.Name.StartsWith("head.fc.", StringComparison.Ordinal))
            {
                Assert.Equal(source.ReadFloat32(e.Name), written.ReadFloat32(e.Name));
            }
        }
        Assert.Equal([3, 1280], written["head.fc.weight"].Shape);
        Assert.Equal([3], written["head.fc.bias"].Shape);
        Assert.Equal("""["cat","coffee","space"]""", written.Metadata["rexnet.labels"]);
        Assert.Equal("rexnet_100", written.Metadata["rexnet.model"]);
        Assert.Contains("\"augment\":\"flip\"", written.Metadata["rexnet.finetune"]);
    }

    [Fact]
    public void FeaturesAreCachedAndTheSameSeedWritesTheSameFile()
    {
        using var dir = TestPaths.TempDir();
        string train = FineTuneTrees.Tree(dir, "train", FineTuneTrees.Training);
        string cache = dir.File("cache");
        string[] extra = ["--epochs", "4", "--batch", "2", "--seed", "7", "--cache-dir", cache];

        var first = CliRunner.Run(Args(train, trees.Backbone, dir.File("a.safetensors"), extra));
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("train features of 5 images extracted", first.Stderr);
        Assert.Single(Directory.GetFiles(cache));

        var second = CliRunner.Run(Args(train, trees.Backbone, dir.File("b.safetensors"), extra));
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("train features of 5 images from the cache, 1 unreadable and skipped", second.Stderr);
        Assert.Contains("truncated.jpg", second.Stderr);
        Assert.Equal(File.ReadAllBytes(dir.File("a.safetensors")), File.ReadAllBytes(dir.File("b.safetensors")));

        // Another seed orders the minibatches differently; a changed image invalidates the cache entry.
        var reseeded = CliRunner.Run(Args(train, trees.Backbone, dir.File("c.safetensors"), ["--epochs", "4", "--batch", "2", "--seed", "8", "--cache-dir", cache]));
        Assert.True(reseeded.ExitCode == 0, reseeded.Stderr);
        Assert.NotEqual(File.ReadAllBytes(dir.File("a.safetensors")), File.ReadAllBytes(dir.File("c.safetensors")));
        File.Copy(Path.Combine(TestPaths.Images, "camera.png"), Path.Combine(train, "cat", "chelsea.png"), overwrite: true);
        var changed = CliRunner.Run(Args(train, trees.Backbone, dir.File("d.safetensors"), extra));
        Assert.True(changed.ExitCode == 0, changed.Stderr);
        Assert.Contains("train features of 5 images extracted", changed.Stderr);
    }

    [Fact]
    public void AnUnusableCacheEntryIsRebuilt()
    {
        using var dir = TestPaths.TempDir();
        string train = FineTuneTrees.Tree(dir, "train", FineTuneTrees.Training);
        string cache = dir.File("cache");
        string[] extra = ["--epochs", "2", "--cache-dir", cache];
        Assert.Equal(0, CliRunner.Run(Args(train, trees.Backbone, dir.File("a.safetensors"), extra)).ExitCode);
        string entry = Directory.GetFiles(cache).Single();
        File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..100]);

        var r = CliRunner.Run(Args(train, trees.Backbone, dir.File("b.safetensors"), extra));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("train features of 5 images extracted", r.Stderr);
        Assert.Equal(File.ReadAllBytes(dir.File("a.safetensors")), File.ReadAllBytes(dir.File("b.safetensors")));
    }

    public static TheoryData<string, int, string> BadRuns => new()
    {
        { "one class", 1, "training set has one class folder ('cat'): a classifier needs at least two" },
        { "empty class", 1, "training class folders without images (.bmp, .gif, .jpeg, .jpg, .png, .webp): 'dogs'" },
        { "no readable image in a class", 1, "no readable training image in class 'broken'" },
        { "validation classes differ", 1, "validation classes differ from the training classes (not in training: 'dogs'; missing: 'space')" },
        { "output is the weights", 2, "refusing to overwrite an input" },
        { "output is a link to the weights", 2, "refusing to overwrite an input" },
        { "output is a training image", 2, "refusing to overwrite an input" },
        { "training folder missing", 1, "training folder not found" },
        { "output folder missing", 1, "does not exist" },
        { "bad learning rate", 2, "--lr must be a number in (0, 100], got '0'" },
        { "bad augmentation", 2, "--augment must be one of none, flip, got 'rotate'" },
        { "cache flags together", 2, "give either --cache-dir DIR or --no-cache, not both" },
        { "no output", 2, "option '--output' is required" },
    };

    [Theory]
    [MemberData(nameof(BadRuns))]
    public void BadInputGivesOneLineAndWritesNothing(string why, int exitCode, string expected)
    {
        using var dir = TestPaths.TempDir();
        string train = why switch
        {
            "one class" => FineTuneTrees.Tree(dir, "train", [("cat", "chelsea.png")]),
            "empty class" => FineTuneTrees.Tree(dir, "train", FineTuneTrees.Training, "dogs"),
            "no readable image in a class" => FineTuneTrees.Tree(dir, "train", [.. FineTuneTrees.Training, ("broken", "truncated.jpg")]),
            "training folder missing" => dir.File("nowhere"),
            _ => FineTuneTrees.Tree(dir, "train", FineTuneTrees.Training),
        };
        string weights = dir.File("backbone.safetensors");
        File.Copy(trees.Backbone, weights);
        string output = why switch
        {
            "output is the weights" => weights,
            "output is a link to the weights" => dir.File("link.safetensors"),
            "output folder missing" => dir.File("missing/out.safetensors"),
            "output is a training image" => Path.Combine(train, "cat", "chelsea.png"),
            _ => dir.File("out.safetensors"),
        };
        if (why == "output is a link to the weights")
        {
            File.CreateSymbolicLink(output, weights);
        }
        string[] extra = why switch
        {
            "validation classes differ" => ["--val", FineTuneTrees.Tree(dir, "val", [("cat", "chelsea.png"), ("coffee", "coffee.png"), ("dogs", "camera.png")])],
            "bad learning rate" => ["--lr", "0"],
            "bad augmentation" => ["--augment", "rotate"],
            "cache flags together" => ["--no-cache", "--cache-dir", dir.File("cache")],
            _ => ["--no-cache"],
        };
        string[] args = why == "no output"
            ? ["finetune", train, "--weights", weights, "--no-cache"]
            : Args(train, weights, output, ["--epochs", "1", .. extra]);
        byte[] weightsBefore = File.ReadAllBytes(weights);
        byte[] imageBefore = File.ReadAllBytes(Path.Combine(TestPaths.Images, "chelsea.png"));
        var before = Directory.GetFileSystemEntries(dir.Path).Order().ToArray();

        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == exitCode, $"{why}: exit {r.ExitCode}\n{r.Stderr}");
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Empty(r.Stdout);
        string error = r.StderrLines.Single(l => l.StartsWith("rexnet finetune: ", StringComparison.Ordinal));
        Assert.Contains(expected, error);
        Assert.Equal(weightsBefore, File.ReadAllBytes(weights));
        if (why == "output is a training image")
        {
            Assert.Equal(imageBefore, File.ReadAllBytes(output));
        }
        Assert.Equal(before, Directory.GetFileSystemEntries(dir.Path).Order().ToArray());
    }
}
