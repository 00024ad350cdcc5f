using System.Collections.Concurrent;
using RexNet.Tests.Support;

namespace RexNet.Tests.CApi;

/// <summary>
/// librexnet.so and rexnet.h as native/c-api/build.sh makes them, once per test run and target, in
/// c-api/RID/ beside the test binaries (not /tmp, which may be mounted noexec). build.sh caches by
/// input hash, so an unchanged library is copied rather than compiled again.
/// </summary>
internal sealed class CApiBuild
{
    private static readonly ConcurrentDictionary<string, Lazy<CApiBuild>> Builds = new();
    private readonly ConcurrentDictionary<string, Lazy<string>> _programs = new();

    public NativeTarget Target { get; }

    /// <summary>The folder with librexnet.so, rexnet.h and rexnet.hpp.</summary>
    public string Library { get; }

    private CApiBuild(NativeTarget target)
    {
        Target = target;
        Library = Path.Combine(AppContext.BaseDirectory, "c-api", target.Rid);
        Directory.CreateDirectory(Library);
        var result = ExternalProcess.Run("bash",
            [Path.Combine(TestPaths.RepoRoot, "native", "c-api", "build.sh"), Library, "--rid", target.Rid],
            TimeSpan.FromMinutes(15));
        Assert.True(result.ExitCode == 0, $"build.sh failed:\n{result}");
    }

    /// <summary>The library for <paramref name="target"/>, after checking that its tools are installed.</summary>
    public static CApiBuild For(NativeTarget target)
    {
        target.RequireTools($"the {target.Rid} C API tests");
        return Builds.GetOrAdd(target.Rid, _ => new Lazy<CApiBuild>(() => new CApiBuild(target))).Value;
    }

    /// <summary>Compiles native/c-api/<paramref name="relativeSource"/> into this build's folder, once.</summary>
    public string Compile(string relativeSource) =>
        _programs.GetOrAdd(relativeSource, source => new Lazy<string>(() =>
        {
            string path = Path.Combine(TestPaths.RepoRoot, "native", "c-api", source);
            string name = Path.GetFileNameWithoutExtension(path) + (path.EndsWith(".cpp", StringComparison.Ordinal) ? "_cpp" : "");
            return Target.Compile(path, Path.Combine(Library, name), Library);
        })).Value;

    public ProcessResult Run(string program, params string[] arguments) =>
        Target.Execute(program, arguments, TimeSpan.FromMinutes(5));
}
