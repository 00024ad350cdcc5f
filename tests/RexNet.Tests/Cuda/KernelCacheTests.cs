using System.Text;
using RexNet.Cuda;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

public class KernelCacheTests
{
    /// <summary>Stands in for NVRTC: counts compiles and returns bytes derived from the inputs.</summary>
    private sealed class CountingCompiler(Version version) : IRuntimeCompiler
    {
        public int Calls { get; private set; }
        public Version Version { get; } = version;
        public IReadOnlyList<int>? SupportedArchs { get; } = [70, 80, 86, 89, 90];

        public RuntimeCompileResult Compile(KernelSource source, IReadOnlyList<KernelSource> headers, IReadOnlyList<string> options, bool wantCubin)
        {
            Calls++;
            if (source.Text.Contains("#error", StringComparison.Ordinal))
            {
                return new RuntimeCompileResult(false, [], $"{source.Name}(1): error: forced");
            }
            var image = Encoding.UTF8.GetBytes($"{source.Text}|{string.Join(' ', options)}|{Calls}");
            return new RuntimeCompileResult(true, image, "ptxas info    : Compiling entry function 'k' for 'sm_80'\nptxas info    : Used 12 registers\n");
        }
    }

    private static readonly KernelSource Source = new("k.cu", "extern \"C\" __global__ void k() {}");
    private static readonly KernelSources Sources = new([Source], [new KernelSource("common.cuh", "#define X 1")]);

    [Fact]
    public void SecondCompileIsServedFromTheCacheWithoutCompiling()
    {
        using var dir = TestPaths.TempDir();
        var nvrtc = new CountingCompiler(new Version(11, 8));
        var compiler = new KernelCompiler(nvrtc, Sources, new KernelCache(dir.Path));

        var first = compiler.Compile("k.cu", 80);
        var second = compiler.Compile("k.cu", 80);

        Assert.Equal(1, nvrtc.Calls);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Image, second.Image);
        Assert.Equal(first.Log, second.Log);
        Assert.Equal(12, Assert.Single(second.ResourceUsage).Registers);
        // A fresh compiler over the same folder (the next process start) hits as well.
        Assert.True(new KernelCompiler(nvrtc, Sources, new KernelCache(dir.Path)).Compile("k.cu", 80).FromCache);
        Assert.Equal(1, nvrtc.Calls);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("empty")]
    [InlineData("garbage")]
    public void CorruptEntryIsRecompiledAndRewritten(string damage)
    {
        using var dir = TestPaths.TempDir();
        var nvrtc = new CountingCompiler(new Version(11, 8));
        var compiler = new KernelCompiler(nvrtc, Sources, new KernelCache(dir.Path));
        var original = compiler.Compile("k.cu", 80);
        string file = Assert.Single(Directory.GetFiles(dir.Path));
        byte[] bytes = File.ReadAllBytes(file);
        byte[] damaged = damage switch
        {
            "truncate" => bytes[..(bytes.Length / 2)],
            "flip" => FlipMiddleByte(bytes),
            "empty" => [],
            _ => Encoding.UTF8.GetBytes("not a cache entry at all"),
        };
        File.WriteAllBytes(file, damaged);

        var recompiled = compiler.Compile("k.cu", 80);

        Assert.False(recompiled.FromCache);
        Assert.Equal(2, nvrtc.Calls);
        Assert.NotEqual(original.Image, recompiled.Image); // the counter is in the fake image: it really recompiled
        Assert.True(compiler.Compile("k.cu", 80).FromCache);
        Assert.Equal(2, nvrtc.Calls);
    }

    [Fact]
    public void AnEntryThatCannotBeWrittenOnlyCostsARecompile()
    {
        using var dir = TestPaths.TempDir();
        var cache = new KernelCache(dir.Path);
        string key = new string('a', 64);
        // Something that is not a file sits where the entry goes: the write fails, and says so by returning false.
        Directory.CreateDirectory(cache.PathFor(key));
        Assert.False(cache.TryWrite(key, [1, 2, 3], "log"));
        Assert.Null(cache.TryRead(key));
    }

    [Fact]
    public void EntryStoredUnderAnotherKeyIsNotTrusted()
    {
        using var dir = TestPaths.TempDir();
        var nvrtc = new CountingCompiler(new Version(11, 8));
        var compiler = new KernelCompiler(nvrtc, Sources, new KernelCache(dir.Path));
        compiler.Compile("k.cu", 80);
        string sm80 = Assert.Single(Directory.GetFiles(dir.Path));
        compiler.Compile("k.cu", 86);
        string sm86 = Directory.GetFiles(dir.Path).Single(f => f != sm80);
        File.Copy(sm80, sm86, overwrite: true);

        Assert.False(compiler.Compile("k.cu", 86).FromCache);
        Assert.Equal(3, nvrtc.Calls);
    }

    [Fact]
    public void KeyChangesWithEveryInput()
    {
        var headers = Sources.Headers;
        var cubin80 = KernelTarget.Choose(80, [80, 86]);
        var options = KernelCompileOptions.For(cubin80);
        var v118 = new Version(11, 8);
        string key = KernelCache.Key(Source, headers, options, cubin80, v118);

        var different = new[]
        {
            KernelCache.Key(Source, headers, KernelCompileOptions.For(cubin80, ["--use_fast_math"]), cubin80, v118),
            KernelCache.Key(Source, headers, options, KernelTarget.Choose(86, [80, 86]), v118),
            KernelCache.Key(Source, headers, options, cubin80.AsPtx(), v118),
            KernelCache.Key(Source, headers, options, cubin80, new Version(12, 4)),
            KernelCache.Key(Source with { Text = Source.Text + " " }, headers, options, cubin80, v118),
            KernelCache.Key(Source, [new KernelSource("common.cuh", "#define X 2")], options, cubin80, v118),
        };

        Assert.Equal(key, KernelCache.Key(Source, headers, options, cubin80, v118));
        Assert.Equal(64, key.Length);
        Assert.DoesNotContain(key, different);
        Assert.Equal(different.Length, different.Distinct().Count());
    }

    [Fact]
    public void FailedCompileIsReportedWithItsLogAndNotCached()
    {
        using var dir = TestPaths.TempDir();
        var nvrtc = new CountingCompiler(new Version(11, 8));
        var bad = new KernelSources([new KernelSource("bad.cu", "#error nope")], []);
        var compiler = new KernelCompiler(nvrtc, bad, new KernelCache(dir.Path));

        var e = Assert.Throws<KernelCompilationException>(() => compiler.Compile("bad.cu", 80));
        Assert.Contains("bad.cu", e.Message);
        Assert.Contains("error: forced", e.Message);
        Assert.Contains("sm_80", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void UnwritableCacheOnlyCostsARecompile()
    {
        using var dir = TestPaths.TempDir();
        string blocker = dir.File("not-a-folder");
        File.WriteAllText(blocker, "");
        var nvrtc = new CountingCompiler(new Version(11, 8));
        var compiler = new KernelCompiler(nvrtc, Sources, new KernelCache(Path.Combine(blocker, "kernels")));
        Assert.False(compiler.Compile("k.cu", 80).FromCache);
        Assert.False(compiler.Compile("k.cu", 80).FromCache);
        Assert.Equal(2, nvrtc.Calls);
    }

    [Fact]
    public void DefaultFolderFollowsXdgCacheHome()
    {
        Assert.Equal(Path.Combine("/xdg", "rexnet", "kernels"), KernelCache.DefaultDirectory("/xdg", "/home/u", null));
        Assert.Equal(Path.Combine("/home/u", ".cache", "rexnet", "kernels"), KernelCache.DefaultDirectory(null, "/home/u", null));
        Assert.Equal(Path.Combine("/home/u", ".cache", "rexnet", "kernels"), KernelCache.DefaultDirectory("relative/dir", "/home/u", null));
    }

    [Fact]
    public void NoTemporaryFilesAreLeftBehind()
    {
        using var dir = TestPaths.TempDir();
        var compiler = new KernelCompiler(new CountingCompiler(new Version(11, 8)), Sources, new KernelCache(dir.Path));
        compiler.Compile("k.cu", 80);
        compiler.Compile("k.cu", 86);
        Assert.All(Directory.GetFiles(dir.Path), f => Assert.EndsWith(".kernel", f));
    }

    private static byte[] FlipMiddleByte(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[copy.Length / 2] ^= 0x5a;
        return copy;
    }
}
