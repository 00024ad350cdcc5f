using RexNet.Tests.Support;

namespace RexNet.Tests.Kernels.Emulation;

/// <summary>
/// Builds librexnet_kernel_emu.so with g++ from kernels/*.cu, the self-test kernels and the shim (see
/// <see cref="HashedBuild"/> for where and when). tests/kernel-emulation/wrap-kernels.sh writes the
/// wrappers that register every entry point, as it does for the mock CUDA driver.
/// </summary>
internal static class EmulatorBuild
{
    public const string LibraryName = "librexnet_kernel_emu.so";

    private static readonly string[] CompilerFlags =
        ["-std=c++17", "-O2", "-g", "-fPIC", "-shared", "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-mfma", "-pthread"];

    /// <summary>Returns the path of an up-to-date library, building it if needed.</summary>
    public static string EnsureBuilt()
    {
        string[] inputs =
        [
            .. KernelSources.KernelFiles(KernelSources.KernelsFolder),
            .. KernelSources.KernelFiles(KernelSources.SelfTestFolder),
            .. Directory.GetFiles(KernelSources.KernelsFolder, "*.cuh"),
            .. Directory.GetFiles(KernelSources.EmulationFolder, "*.h"),
            .. Directory.GetFiles(KernelSources.EmulationFolder, "*.cpp"),
            .. Directory.GetFiles(KernelSources.EmulationFolder, "*.sh"),
        ];
        string folder = HashedBuild.Ensure("kernel-emulation", inputs, string.Join(' ', CompilerFlags), LibraryName, staging =>
        {
            string wrap = Path.Combine(KernelSources.EmulationFolder, "wrap-kernels.sh");
            var wrappers = HashedBuild.Run("bash", [wrap, staging, KernelSources.KernelsFolder, KernelSources.SelfTestFolder], "the kernel emulation wrappers")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            HashedBuild.Run("g++", [
                .. CompilerFlags,
                "-include", Path.Combine(KernelSources.EmulationFolder, "emu_runtime.h"),
                "-I", KernelSources.EmulationFolder,
                .. wrappers,
                Path.Combine(KernelSources.EmulationFolder, "emu_runtime.cpp"),
                "-o", Path.Combine(staging, LibraryName),
            ], "the kernel emulation");
        });
        return Path.Combine(folder, LibraryName);
    }
}
