using RexNet.Hub;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Hub;

/// <summary>The real download code against a loopback server that behaves like the hub for an LFS file.</summary>
public class HubDownloaderTests
{
    private const string Repo = "timm/rexnet_100.nav_in1k";
    private const string File = "model.safetensors";

    private static byte[] RandomBytes(int n, int seed)
    {
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static HubSettings Settings(LoopbackHubServer server, TempDir dir, bool offline = false) => new()
    {
        Endpoint = server.Endpoint,
        CacheDirectory = dir.File("hub"),
        Token = "hf_test_token",
        Offline = offline,
        StallTimeout = TimeSpan.FromSeconds(20),
    };

    private static string BlobsDir(TempDir dir) => Path.Combine(dir.File("hub"), "models--timm--rexnet_100.nav_in1k", "blobs");

    [Fact]
    public void DownloadFollowsTheRedirectVerifiesAndUsesTheHubLayout()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(300_000, 1));
        var seen = new List<(long, long?)>();

        string path = new HubDownloader(Settings(server, dir)).Download(Repo, File, (r, t) => seen.Add((r, t)));

        string repoDir = Path.Combine(dir.File("hub"), "models--timm--rexnet_100.nav_in1k");
        Assert.Equal(Path.Combine(repoDir, "snapshots", server.Commit, File), path);
        Assert.Equal(Path.Combine("..", "..", "blobs", server.Etag), new FileInfo(path).LinkTarget);
        Assert.Equal(server.Content, System.IO.File.ReadAllBytes(path));
        Assert.Equal(server.Commit, System.IO.File.ReadAllText(Path.Combine(repoDir, "refs", "main")));
        Assert.Equal([server.Etag], Directory.GetFiles(BlobsDir(dir)).Select(Path.GetFileName));
        Assert.Equal(["HEAD /" + Repo + "/resolve/main/" + File, "GET /cdn/" + server.Etag], server.Requests);
        Assert.Equal("Bearer hf_test_token", server.Authorizations[0]);
        Assert.Equal((300_000L, (long?)300_000), seen[^1]);
    }

    [Fact]
    public void ACacheThatCannotBeWrittenIsOneHubError()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(1000, 3));
        // The cache folder would have to live inside a regular file.
        System.IO.File.WriteAllText(dir.File("hub"), "a file, not a folder");
        var e = Assert.Throws<HubException>(() => new HubDownloader(Settings(server, dir)).Download(Repo, File));
        Assert.Equal(RexNetErrorCode.InvalidFile, e.Code);
        Assert.StartsWith($"cannot use the hub cache {dir.File("hub")} for {Repo}/{File}: ", e.Message);
        Assert.EndsWith("set HF_HUB_CACHE (or HF_HOME) to a writable folder", e.Message);
    }

    [Fact]
    public void ACachedBlobIsReusedWithoutDownloadingAgain()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(50_000, 2));
        var downloader = new HubDownloader(Settings(server, dir));
        downloader.Download(Repo, File);
        string again = downloader.Download(Repo, File);

        Assert.Equal(1, server.Requests.Count(r => r.StartsWith("GET", StringComparison.Ordinal)));
        Assert.Equal(server.Content, System.IO.File.ReadAllBytes(again));
    }

    [Fact]
    public void AnInterruptedDownloadFailsClearlyLeavesNoBlobAndARetryWorks()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(400_000, 3)) { CutAfterBytes = 150_000 };
        var downloader = new HubDownloader(Settings(server, dir));

        var e = Assert.Throws<HubException>(() => downloader.Download(Repo, File));
        Assert.Contains("run again to retry", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.GetFiles(BlobsDir(dir)));

        string path = downloader.Download(Repo, File);
        Assert.Equal(server.Content, System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void ACorruptDownloadIsRejectedAndNothingIsCached()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(100_000, 4));
        byte[] good = server.Content;
        var bad = (byte[])good.Clone();
        bad[12_345] ^= 0x40;
        server.Content = bad;

        var e = Assert.Throws<HubException>(() => new HubDownloader(Settings(server, dir)).Download(Repo, File));
        Assert.Contains("corrupt", e.Message);
        Assert.Contains(server.Etag, e.Message);
        Assert.Empty(Directory.GetFiles(BlobsDir(dir)));
        Assert.False(Directory.Exists(Path.Combine(dir.File("hub"), "models--timm--rexnet_100.nav_in1k", "snapshots")));
    }

    [Fact]
    public void OfflineUsesTheCacheAndOtherwiseSaysHowToGetTheFile()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(10_000, 5));

        var missing = Assert.Throws<HubException>(() => new HubDownloader(Settings(server, dir, offline: true)).Download(Repo, File));
        Assert.Contains("HF_HUB_OFFLINE", missing.Message);
        Assert.Contains($"'HF_ENDPOINT={server.Endpoint} hf download {Repo} {File}'", missing.Message);
        Assert.Contains($"{server.Endpoint}/{Repo}/resolve/main/{File}", missing.Message);
        Assert.Contains("--weights", missing.Message);
        Assert.Empty(server.Requests);

        string online = new HubDownloader(Settings(server, dir)).Download(Repo, File);
        int requests = server.Requests.Count;
        string offline = new HubDownloader(Settings(server, dir, offline: true)).Download(Repo, File);
        Assert.Equal(online, offline);
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public void A401ForARepositoryThatDoesNotExistSaysSoAsHuggingFaceHubReadsIt()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(1000, 9));
        var e = Assert.Throws<HubException>(() => new HubDownloader(Settings(server, dir)).Download("timm/rexnet_999.nav_in1k", File));
        Assert.Equal(RexNetErrorCode.NotFound, e.Code);
        Assert.Contains("HTTP 401: no such model repository on " + server.Endpoint, e.Message);
        Assert.DoesNotContain("access denied", e.Message);

        // Without the hub's error code a 401 on a resolve URL still means the repository is not there.
        server.MissingRepositoryHeaders = [];
        e = Assert.Throws<HubException>(() => new HubDownloader(Settings(server, dir) with { Token = null }).Download("timm/absent", File));
        Assert.Contains("HTTP 401: no such model repository", e.Message);
        Assert.Contains("no HF_TOKEN is set", e.Message);

        // A token the hub refuses is said to be the problem.
        server.MissingRepositoryHeaders = new() { ["X-Error-Message"] = "Invalid credentials in Authorization header" };
        e = Assert.Throws<HubException>(() => new HubDownloader(Settings(server, dir)).Download("timm/absent", File));
        Assert.Contains("refused HF_TOKEN as invalid", e.Message);

        server.MissingRepositoryHeaders = new() { ["X-Error-Code"] = "GatedRepo" };
        e = Assert.Throws<HubException>(() => new HubDownloader(Settings(server, dir)).Download("timm/gated", File));
        Assert.Contains("the repository is gated", e.Message);

        e = Assert.Throws<HubException>(() => new HubDownloader(Settings(server, dir)).Download(Repo, "other.bin"));
        Assert.Contains("HTTP 404: the repository has no file of that name", e.Message);
    }

    [Fact]
    public void EveryModelMapsToTheTagTimmPublishesOrSaysWhyNot()
    {
        Assert.Equal("timm/rexnet_150.nav_in1k", ModelZoo.Get("rexnet_150").HubRepository);
        Assert.Equal("timm/rexnetr_200.sw_in12k_ft_in1k", ModelZoo.Get("rexnetr_200").HubRepository);
        Assert.Equal("timm/rexnetr_300.sw_in12k_ft_in1k", ModelZoo.Get("rexnetr_300").HubRepository);
        Assert.Equal((224, 0.875), (ModelZoo.Get("rexnet_100").Pretrained!.EvalSize, ModelZoo.Get("rexnet_100").Pretrained!.EvalCropPct));
        Assert.Equal((288, 1.0), (ModelZoo.Get("rexnetr_200").Pretrained!.EvalSize, ModelZoo.Get("rexnetr_200").Pretrained!.EvalCropPct));
        foreach (string name in new[] { "rexnetr_100", "rexnetr_130", "rexnetr_150" })
        {
            var entry = ModelZoo.Get(name);
            Assert.Null(entry.HubRepository);
            var e = Assert.Throws<RexNetException>(() => PretrainedWeights.Resolve(entry, new HubSettings { CacheDirectory = "/nonexistent", Offline = true }));
            Assert.Equal(RexNetErrorCode.InvalidArgument, e.Code);
            Assert.Contains($"timm publishes no pretrained weights for {name}", e.Message);
        }
    }

    [Fact]
    public void AnUnreachableHubFallsBackToTheCacheWithANotice()
    {
        using var dir = TestPaths.TempDir();
        string endpoint;
        string cached;
        using (var server = new LoopbackHubServer(Repo, File, RandomBytes(10_000, 6)))
        {
            endpoint = server.Endpoint;
            cached = new HubDownloader(Settings(server, dir)).Download(Repo, File);
        }
        var notices = new List<string>();
        var settings = new HubSettings { Endpoint = endpoint, CacheDirectory = dir.File("hub") };

        Assert.Equal(cached, new HubDownloader(settings) { Notice = notices.Add }.Download(Repo, File));
        Assert.Contains(notices, n => n.Contains("using the cached", StringComparison.Ordinal));

        var e = Assert.Throws<HubException>(() =>
            new HubDownloader(settings with { CacheDirectory = dir.File("empty") }).Download(Repo, File));
        Assert.Contains("cannot reach", e.Message);
    }

    [Fact]
    public void TheTokenGoesToTheHubButNotToTheCdn()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(5_000, 8)) { CdnHost = "localhost" };
        new HubDownloader(Settings(server, dir)).Download(Repo, File);
        Assert.Equal(["Bearer hf_test_token", null], server.Authorizations);
    }

    [Fact]
    public void ADirectAnswerWithoutRedirectAlsoWorks()
    {
        using var dir = TestPaths.TempDir();
        using var server = new LoopbackHubServer(Repo, File, RandomBytes(20_000, 7)) { RedirectToCdn = false };
        string path = new HubDownloader(Settings(server, dir)).Download(Repo, File);
        Assert.Equal(server.Content, System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void ADownloadedRandomInitFileLoadsAsWeights()
    {
        using var dir = TestPaths.TempDir();
        var spec = ModelSpec.FromZoo("rexnet_100");
        RandomInit.WriteFile(spec, 11, dir.File("source.safetensors"));
        using var server = new LoopbackHubServer(Repo, File, System.IO.File.ReadAllBytes(dir.File("source.safetensors")));

        string path = PretrainedWeights.Resolve(ModelZoo.Get("rexnet_100"), Settings(server, dir));

        var model = WeightLoader.Load(spec, path);
        Assert.Equal(spec.Name, model.Spec.Name);
    }

    [Fact]
    public void SettingsFollowHuggingFaceHubsEnvironmentOrder()
    {
        var env = new Dictionary<string, string>
        {
            ["XDG_CACHE_HOME"] = "/x",
            ["HF_ENDPOINT"] = "http://127.0.0.1:9/",
            ["HF_TOKEN"] = "tok",
            ["HF_HUB_OFFLINE"] = "1",
        };
        var s = HubSettings.FromVariables(k => env.GetValueOrDefault(k));
        Assert.Equal(Path.Combine("/x", "huggingface", "hub"), s.CacheDirectory);
        Assert.Equal("http://127.0.0.1:9", s.Endpoint);
        Assert.Equal("tok", s.Token);
        Assert.True(s.Offline);

        env["HF_HOME"] = "/h";
        Assert.Equal(Path.Combine("/h", "hub"), HubSettings.FromVariables(k => env.GetValueOrDefault(k)).CacheDirectory);
        env["HF_HUB_CACHE"] = "/c";
        Assert.Equal("/c", HubSettings.FromVariables(k => env.GetValueOrDefault(k)).CacheDirectory);
        env["HF_HUB_OFFLINE"] = "0";
        Assert.False(HubSettings.FromVariables(k => env.GetValueOrDefault(k)).Offline);
    }
}
