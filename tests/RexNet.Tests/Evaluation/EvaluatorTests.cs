using System.Text.Json;
using RexNet.Evaluation;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Cli;
using RexNet.Tests.Imaging;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Evaluation;

/// <summary>Evaluation accounting on a tiny tree of the test photos. With random weights accuracy is meaningless; counts are not.</summary>
public class EvaluatorTests
{
    private static readonly PreprocessOptions Small = new() { Size = ClassificationTests.Size };

    /// <summary>Class folders named by wnid and by index, a nested folder, an unreadable image and a non-image file.</summary>
    private static string MakeTree(TempDir dir)
    {
        string images = TestPaths.RequireSharedFolder(TestPaths.Images);
        string root = dir.File("val");
        void Put(string source, string relative)
        {
            string target = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(images, source), target);
        }
        Put("chelsea.png", "n02123045/chelsea.png");
        Put("camera.png", "n02123045/nested/camera.png");
        Put("coffee.png", "967/coffee.png");
        Put("rocket.jpg", "n01440764/rocket.jpg");
        Put("truncated.jpg", "n01440764/truncated.jpg");
        File.WriteAllText(Path.Combine(root, "n01440764", "notes.txt"), "not an image");
        return root;
    }

    [Fact]
    public void ImageFolderNamesByWnidOrIndexAndSkipsNonImages()
    {
        using var dir = TestPaths.TempDir();
        string root = MakeTree(dir);
        var samples = EvalDataset.FromImageFolder(root);
        Assert.Equal(
            [("967/coffee.png", 967), ("n01440764/rocket.jpg", 0), ("n01440764/truncated.jpg", 0),
             ("n02123045/chelsea.png", 281), ("n02123045/nested/camera.png", 281)],
            samples.Select(s => (Path.GetRelativePath(root, s.Path), s.Label)));

        Directory.CreateDirectory(Path.Combine(root, "cats"));
        var e = Assert.Throws<InvalidInputFileException>(() => EvalDataset.FromImageFolder(root));
        Assert.Contains("'cats'", e.Message);
    }

    [Fact]
    public void ListFilesAreParsedStrictly()
    {
        using var dir = TestPaths.TempDir();
        File.WriteAllText(dir.File("ok.txt"), "a/b.jpg 3\n\nc d.png 999\n");
        var samples = EvalDataset.FromListFile(dir.Path, dir.File("ok.txt"));
        Assert.Equal([(Path.Combine(dir.Path, "a/b.jpg"), 3), (Path.Combine(dir.Path, "c d.png"), 999)],
            samples.Select(s => (s.Path, s.Label)));

        File.WriteAllText(dir.File("bad.txt"), "a.jpg 1\nb.jpg 1000\n");
        var e = Assert.Throws<InvalidInputFileException>(() => EvalDataset.FromListFile(dir.Path, dir.File("bad.txt")));
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void EvalCommandCountsListsUnreadableImagesAndWritesAReport()
    {
        using var dir = TestPaths.TempDir();
        string root = MakeTree(dir);
        string weights = dir.File("w.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_100"), 1, weights);

        var r = CliRunner.Run("eval", root, "--weights", weights, "--device", "cpu", "--batch", "3", "--size", "64",
            "--output", dir.File("report.json"));
        // An unreadable image is reported and skipped; the run still fails at the end.
        Assert.True(r.ExitCode == 1, r.Stderr);
        Assert.Contains("5 images, 4 evaluated, 1 unreadable", r.Stdout);
        Assert.Contains("rexnet eval: unreadable: ", r.Stderr);
        Assert.Contains("truncated.jpg", r.Stderr);
        Assert.EndsWith("rexnet eval: 1 of 5 images could not be read; the accuracy is over the other 4", r.StderrLines[^1]);

        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        var report = json.RootElement;
        Assert.Equal(5, report.GetProperty("images").GetInt32());
        Assert.Equal(4, report.GetProperty("evaluated").GetInt32());
        var unreadable = report.GetProperty("unreadable").EnumerateArray().Single();
        Assert.EndsWith("truncated.jpg", unreadable.GetProperty("image").GetString());
        Assert.Contains("truncated", unreadable.GetProperty("error").GetString());
        Assert.True(report.GetProperty("top5").GetDouble() >= report.GetProperty("top1").GetDouble());
        Assert.True(report.GetProperty("top5_correct").GetInt32() >= report.GetProperty("top1_correct").GetInt32());
        Assert.Equal(3, report.GetProperty("batch").GetInt32());
    }

    [Fact]
    public void LabelsChosenFromTheModelsOwnRankingGiveTheExpectedAccuracies()
    {
        using var dir = TestPaths.TempDir();
        string root = MakeTree(dir);
        var paths = EvalDataset.FromImageFolder(root).Select(s => s.Path).Where(p => !p.EndsWith("truncated.jpg", StringComparison.Ordinal)).ToArray();
        using var engine = ClassificationTests.RandomEngine(maxBatch: 2);
        var ranked = engine.ClassifyBatch(paths, topK: 1000, Small);

        // Image 0 labelled with its least likely class, image 1 with its third choice, the rest with their first:
        // top-1 must be exactly 2/4 and top-5 exactly 3/4.
        int[] labels = [ranked[0][999].ClassIndex, ranked[1][2].ClassIndex, ranked[2][0].ClassIndex, ranked[3][0].ClassIndex];
        var samples = paths.Select((p, i) => new EvalSample(p, labels[i])).ToArray();
        var progress = new List<EvalProgress>();

        var report = Evaluator.Evaluate(engine, samples, new EvalOptions { Preprocess = Small, DecodeWorkers = 1 }, progress.Add, TestContext.Current.CancellationToken);

        Assert.Equal((4, 4, 2, 3), (report.Images, report.Evaluated, report.Top1Correct, report.Top5Correct));
        Assert.Equal(0.5, report.Top1);
        Assert.Equal(0.75, report.Top5);
        Assert.Empty(report.Unreadable);
        Assert.Equal(4, progress[^1].Done);

        var perfect = paths.Select((p, i) => new EvalSample(p, ranked[i][0].ClassIndex)).ToArray();
        var all = Evaluator.Evaluate(engine, perfect, new EvalOptions { Preprocess = Small, DecodeWorkers = 1 }, null, TestContext.Current.CancellationToken);
        Assert.Equal((1.0, 1.0), (all.Top1, all.Top5));
    }

    [Fact]
    public void ManyDecodersGiveTheSameCountsAsOne()
    {
        using var dir = TestPaths.TempDir();
        var samples = EvalDataset.FromImageFolder(MakeTree(dir));
        using var engine = ClassificationTests.RandomEngine(maxBatch: 2);
        var one = Evaluator.Evaluate(engine, samples, new EvalOptions { Preprocess = Small, DecodeWorkers = 1 }, null, TestContext.Current.CancellationToken);
        var many = Evaluator.Evaluate(engine, samples, new EvalOptions { Preprocess = Small, DecodeWorkers = 3, QueuedBatches = 1 }, null, TestContext.Current.CancellationToken);
        Assert.Equal((one.Evaluated, one.Unreadable.Count), (many.Evaluated, many.Unreadable.Count));
        Assert.Equal(one.Unreadable, many.Unreadable);
        Assert.Equal(4, one.Evaluated);
    }
}
