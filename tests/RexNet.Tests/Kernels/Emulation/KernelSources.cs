using System.Text.RegularExpressions;
using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Emulation;

/// <summary>The kernels/*.cu sources as the tests see them: their entry points and named constants.</summary>
internal static partial class KernelSources
{
    public static string KernelsFolder => Path.Combine(TestPaths.RepoRoot, "kernels");
    public static string EmulationFolder => Path.Combine(TestPaths.RepoRoot, "tests", "kernel-emulation");
    public static string SelfTestFolder => Path.Combine(EmulationFolder, "selftest");

    /// <summary>Kernel files in a stable order.</summary>
    public static IReadOnlyList<string> KernelFiles(string folder) =>
        Directory.GetFiles(folder, "*.cu").Order(StringComparer.Ordinal).ToArray();

    /// <summary>The extern "C" __global__ entry points a .cu file defines, in source order.</summary>
    public static IReadOnlyList<string> EntryPoints(string file) =>
        EntryPointPattern().Matches(File.ReadAllText(file)).Select(m => m.Groups["name"].Value).ToArray();

    /// <summary>Every entry point of kernels/*.cu.</summary>
    public static IReadOnlyList<string> AllEntryPoints() => KernelFiles(KernelsFolder).SelectMany(EntryPoints).ToArray();

    /// <summary>The value of <c>#define name value</c> in kernels/<paramref name="file"/>; launch configurations come from here.</summary>
    public static int Constant(string file, string name)
    {
        var match = Regex.Match(File.ReadAllText(Path.Combine(KernelsFolder, file)), $@"^#define\s+{Regex.Escape(name)}\s+(\d+)\s*$",
            RegexOptions.Multiline);
        return match.Success ? int.Parse(match.Groups[1].Value) : throw new InvalidOperationException($"{file} defines no {name}");
    }

    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?(?<name>\w+)\s*\(")]
    private static partial Regex EntryPointPattern();
}
