using System.Text.Json;
using RexNet.Imaging;
using RexNet.Model;
using RexNet.Tests.Hub;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cli;

/// <summary>`rexnet predict` as timm users run it: folders, a bad image among good ones, CSV and JSON, sizes.</summary>
public class PredictCommandTests
{
    private static string Image(string name) => Path.Combine(TestPaths.RequireSharedFolder(TestPaths.Images), name);

    private static string RandomWeights(TempDir dir, string model = "rexnet_100")
    {
        string path = dir.File($"{model}.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo(model), 5, path);
        return path;
    }

    /// <summary>photos/a.png, photos/deeper/b.jpg, photos/deeper/broken.jpg (truncated), photos/notes.txt.</summary>
    private static string Photos(TempDir dir)
    {
        string root = dir.File("photos");
        Directory.CreateDirectory(Path.Combine(root, "deeper"));
        File.Copy(Image("chelsea.png"), Path.Combine(root, "a.png"));
        File.Copy(Image("rocket.jpg"), Path.Combine(root, "deeper", "b.jpg"));
        File.Copy(Image("truncated.jpg"), Path.Combine(root, "deeper", "broken.jpg"));
        File.WriteAllText(Path.Combine(root, "notes.txt"), "not an image");
        return root;
    }

    [Fact]
    public void AFolderIsSearchedRecursivelyAndAnUnreadableImageIsSkippedWithExit1()
    {
        using var dir = TestPaths.TempDir();
        string photos = Photos(dir);
        var r = CliRunner.Run("predict", photos, Image("coffee.png"), "--weights", RandomWeights(dir), "--device", "cpu", "--size", "64",
            "--top", "2", "--batch", "2");

        Assert.Equal(1, r.ExitCode);
        // Every readable image is printed, in order, with its top 2.
        var lines = r.Stdout.TrimEnd().Split('\n');
        Assert.Equal([Path.Combine(photos, "a.png"), Path.Combine(photos, "deeper", "b.jpg"), Image("coffee.png")],
            lines.Where(l => !l.StartsWith(' ')));
        Assert.Equal(3 * 3, lines.Length);
        // The unreadable one is named with the reason on stderr, and the run says how many failed.
        Assert.Contains(r.StderrLines, l => l.StartsWith($"rexnet predict: skipped {Path.Combine(photos, "deeper", "broken.jpg")}: ", StringComparison.Ordinal));
        Assert.Equal("rexnet predict: 1 of 4 image(s) could not be read", r.StderrLines[^1]);
        Assert.DoesNotContain("notes.txt", r.Stdout + r.Stderr);
    }

    [Fact]
    public void CsvAndJsonHoldEveryResultAndTheFailures()
    {
        using var dir = TestPaths.TempDir();
        string photos = Photos(dir);
        string csv = dir.File("p.csv");
        var r = CliRunner.Run("predict", photos, "--weights", RandomWeights(dir), "--device", "cpu", "--size", "64", "--top", "1000",
            "--output", csv, "--json");
        Assert.Equal(1, r.ExitCode);

        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("images").GetInt32());
        Assert.Equal(2, root.GetProperty("results").GetArrayLength());
        var failed = root.GetProperty("failed").EnumerateArray().Single();
        Assert.EndsWith("broken.jpg", failed.GetProperty("image").GetString());
        Assert.Equal(64, root.GetProperty("preprocess").GetProperty("height").GetInt32());
        // Plain text is not escaped: ImageNet's "potter's wheel" keeps its apostrophe.
        Assert.Contains("\"potter's wheel\"", r.Stdout);
        Assert.DoesNotContain("\\u0027", r.Stdout);
        // The text report moved to stderr.
        Assert.Contains(Path.Combine(photos, "a.png"), r.Stderr);

        var rows = File.ReadAllLines(csv);
        Assert.Equal("image,rank,class_index,synset,label,probability", rows[0]);
        Assert.Equal(1 + 2 * 1000, rows.Length);
        // Labels with commas are quoted.
        int tench = Array.IndexOf(ImageNetClasses.Synsets.ToArray(), "n01440764");
        Assert.Contains(rows, l => l.Contains($",{tench},n01440764,\"tench, Tinca tinca\",", StringComparison.Ordinal));
        var first = JsonSerializer.Deserialize<JsonElement>(root.GetProperty("results")[0].GetProperty("predictions")[0].GetRawText());
        Assert.StartsWith($"{Path.Combine(photos, "a.png")},1,{first.GetProperty("class_index").GetInt32()},", rows[1]);
    }

    [Fact]
    public void HeightAndWidthGiveANonSquareInput()
    {
        using var dir = TestPaths.TempDir();
        var r = CliRunner.Run("predict", Image("chelsea.png"), "--weights", RandomWeights(dir), "--device", "cpu", "--height", "64", "--width", "96", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var pre = json.RootElement.GetProperty("preprocess");
        Assert.Equal((64, 96), (pre.GetProperty("height").GetInt32(), pre.GetProperty("width").GetInt32()));
        Assert.Contains("at 64x96", r.Stderr);
    }

    [Fact]
    public void TooManyThreadsAreWarnedAbout()
    {
        using var dir = TestPaths.TempDir();
        var r = CliRunner.Run("predict", Image("chelsea.png"), "--weights", RandomWeights(dir), "--device", "cpu", "--size", "64",
            "--threads", $"{Environment.ProcessorCount + 1}");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith($"rexnet predict: warning: --threads {Environment.ProcessorCount + 1} is more than the {Environment.ProcessorCount} logical cores", r.StderrLines[0]);
    }
}

/// <summary>--pretrained through the environment, as a user runs it: HF_ENDPOINT at a loopback hub. The environment is
/// the process's, so these tests run one at a time.</summary>
[Collection(SerialCollection.Name)]
public class PredictPretrainedTests
{
    private static string Image(string name) => Path.Combine(TestPaths.RequireSharedFolder(TestPaths.Images), name);

    private static string RandomWeights(TempDir dir, string model = "rexnet_100")
    {
        string path = dir.File($"{model}.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo(model), 5, path);
        return path;
    }

    [Fact]
    public void DownloadsOnceAndThenWorksOffline()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer("timm/rexnet_100.nav_in1k", "model.safetensors", File.ReadAllBytes(RandomWeights(dir)));
        using var env = new HubEnvironment(server.Endpoint, dir.File("hub"));
        string[] args = ["predict", Image("chelsea.png"), "--pretrained", "--device", "cpu", "--size", "64", "--json"];

        var online = CliRunner.Run(args);
        Assert.True(online.ExitCode == 0, online.Stderr);
        Assert.Contains("downloaded timm/rexnet_100.nav_in1k/model.safetensors", online.Stderr);

        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        var offline = CliRunner.Run(args);
        Assert.True(offline.ExitCode == 0, offline.Stderr);
        Assert.Equal(online.Stdout, offline.Stdout);
        Assert.Single(server.Requests, r => r.StartsWith("GET", StringComparison.Ordinal));

        Environment.SetEnvironmentVariable("HF_HUB_CACHE", dir.File("empty"));
        var missing = CliRunner.Run(args);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"'HF_ENDPOINT={server.Endpoint} hf download timm/rexnet_100.nav_in1k model.safetensors'", missing.Stderr);
    }

    [Fact]
    public void PathsAreCheckedBeforeTheHubIsContacted()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer("timm/rexnet_100.nav_in1k", "model.safetensors", File.ReadAllBytes(RandomWeights(dir)));
        using var env = new HubEnvironment(server.Endpoint, dir.File("hub"));
        string missing = dir.File("absent.jpg");
        var r = CliRunner.Run("predict", Image("chelsea.png"), missing, "--pretrained");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"rexnet predict: {missing}: no such file or folder", Assert.Single(r.StderrLines));
        Assert.Empty(server.Requests);

        Directory.CreateDirectory(dir.File("empty"));
        r = CliRunner.Run("predict", dir.File("empty"), "--pretrained");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"rexnet predict: {dir.File("empty")}: the folder holds no images", Assert.Single(r.StderrLines));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void PretrainedWeightsBringTheirEvalSettings()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer("timm/rexnetr_200.sw_in12k_ft_in1k", "model.safetensors", File.ReadAllBytes(RandomWeights(dir, "rexnetr_200")));
        using var env = new HubEnvironment(server.Endpoint, dir.File("hub"));
        var r = CliRunner.Run("predict", Image("chelsea.png"), "--pretrained", "--model", "rexnetr_200", "--device", "cpu", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var json = JsonDocument.Parse(r.Stdout);
        var pre = json.RootElement.GetProperty("preprocess");
        Assert.Equal(288, pre.GetProperty("height").GetInt32());
        Assert.Equal(1.0, pre.GetProperty("crop_pct").GetDouble());
        Assert.Equal("rexnetr_200", json.RootElement.GetProperty("model").GetString());

        // A model the hub has no repository for: the hub's 401 reads as what it is.
        var missing = CliRunner.Run("predict", Image("chelsea.png"), "--pretrained", "--model", "rexnet_130", "--device", "cpu");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("HTTP 401: no such model repository on " + server.Endpoint, Assert.Single(missing.StderrLines));
    }
}

/// <summary>The hub's environment variables pointed at a loopback server and a private cache, restored on dispose.</summary>
internal sealed class HubEnvironment : IDisposable
{
    private static readonly string[] Names = ["HF_ENDPOINT", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "HF_TOKEN"];
    private readonly Dictionary<string, string?> _saved = Names.ToDictionary(n => n, Environment.GetEnvironmentVariable);

    public HubEnvironment(string endpoint, string cache)
    {
        Environment.SetEnvironmentVariable("HF_ENDPOINT", endpoint);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", cache);
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null);
        Environment.SetEnvironmentVariable("HF_TOKEN", null);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
