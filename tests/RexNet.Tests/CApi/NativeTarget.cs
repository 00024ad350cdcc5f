using RexNet.Tests.Support;

namespace RexNet.Tests.CApi;

/// <summary>
/// Where C programs are built for and run: this x64 machine with gcc, or linux-arm64 with clang's
/// cross target against Debian's arm64 libraries, run under qemu-aarch64-static.
/// </summary>
internal sealed class NativeTarget
{
    /// <summary>Debian's arm64 libc and libstdc++ (libc6-arm64-cross, libstdc++6-arm64-cross).</summary>
    public const string Arm64Root = "/usr/aarch64-linux-gnu";

    public static NativeTarget X64 { get; } = new("linux-x64", false);
    public static NativeTarget Arm64 { get; } = new("linux-arm64", true);

    private readonly bool _emulated;

    public string Rid { get; }

    private NativeTarget(string rid, bool emulated)
    {
        Rid = rid;
        _emulated = emulated;
    }

    /// <summary>Skips or fails (CI) unless this target's compilers, libraries and emulator are installed.</summary>
    public void RequireTools(string why)
    {
        if (_emulated)
        {
            NativeTools.Require(why, ["dotnet", "clang", "llvm-objcopy", "aarch64-linux-gnu-ld", "qemu-aarch64-static"],
                $"{Arm64Root}/lib/ld-linux-aarch64.so.1", $"{Arm64Root}/lib/libstdc++.so.6", $"{Arm64Root}/lib/libc.so");
        }
        else
        {
            NativeTools.Require(why, ["dotnet", "clang", "gcc", "g++", "nm"]);
        }
    }

    /// <summary>Compiles one C (C99) or C++ (C++11) source against rexnet.h and librexnet.so in <paramref name="library"/>.</summary>
    public string Compile(string source, string output, string library)
    {
        bool cpp = source.EndsWith(".cpp", StringComparison.Ordinal);
        string[] compiler = (_emulated, cpp) switch
        {
            (true, false) => ["clang", "--target=aarch64-linux-gnu"],
            (true, true) => throw new NotSupportedException("the arm64 tests build C programs only"),
            (false, false) => ["gcc"],
            (false, true) => ["g++"],
        };
        string[] arguments =
        [
            .. compiler[1..],
            cpp ? "-std=c++11" : "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1",
            "-I", library, "-I", Path.Combine(TestPaths.RepoRoot, "native", "c-api", "tests"),
            source, "-o", output,
            "-L", library, "-lrexnet", "-Wl,-rpath," + library, "-pthread", "-lm",
        ];
        var result = ExternalProcess.Run(compiler[0], arguments, TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, $"compiling {Path.GetFileName(source)} failed:\n{result}");
        return output;
    }

    /// <summary>
    /// Runs a program built by <see cref="Compile"/> (or published for this RID). Under qemu the .NET runtime's
    /// W^X is off. With it on, the runtime writes JIT code and patches stubs through a second, writable mapping of
    /// the executable pages; qemu-user watches writes to the pages it has translated, not to another mapping of
    /// them, so it can go on running stale translations. The CLI then failed (SIGSEGV, or objects read wrong) in about
    /// one run in ten with tiered JIT and four in five without it; with W^X off, in none of 60. Hardware keeps W^X.
    /// </summary>
    public ProcessResult Execute(string program, IEnumerable<string> arguments, TimeSpan timeout) =>
        _emulated
            ? ExternalProcess.Run("qemu-aarch64-static", ["-L", Arm64Root, program, .. arguments], timeout,
                environment: e => e["DOTNET_EnableWriteXorExecute"] = "0")
            : ExternalProcess.Run(program, arguments, timeout);
}
