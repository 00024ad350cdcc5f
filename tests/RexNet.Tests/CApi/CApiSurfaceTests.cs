using System.Text.RegularExpressions;
using RexNet.Tests.Support;

namespace RexNet.Tests.CApi;

/// <summary>The library exports exactly what rexnet.h declares, with the issue's signatures.</summary>
public partial class CApiSurfaceTests
{
    [GeneratedRegex(@"^[a-z][a-z_ ]*\**\s*\**(rexnet_\w+)\(", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    [Fact]
    public void ExportsAreExactlyTheHeadersFunctions()
    {
        var build = CApiBuild.For(NativeTarget.X64);
        string header = File.ReadAllText(Path.Combine(build.Library, "rexnet.h"));
        var declared = Declaration().Matches(header).Select(m => m.Groups[1].Value).Order().ToArray();
        var nm = ExternalProcess.Run("nm", ["-D", "--defined-only", Path.Combine(build.Library, "librexnet.so")], TimeSpan.FromMinutes(1));
        Assert.True(nm.ExitCode == 0, nm.ToString());
        var exported = nm.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[^1].Split('@')[0])
            .Where(name => name.StartsWith("rexnet_", StringComparison.Ordinal))
            .Order().ToArray();
        Assert.Equal(declared, exported);
        Assert.Contains("rexnet_engine_create", declared);
    }

    [Fact]
    public void TheIssuesSignaturesCompileAsC99AndCpp11()
    {
        var build = CApiBuild.For(NativeTarget.X64);
        Passes(build.Run(build.Compile("tests/signatures.c")));
        Passes(build.Run(build.Compile("tests/signatures.cpp")));
    }

    private static void Passes(ProcessResult result) => Assert.True(result.ExitCode == 0, result.ToString());
}
