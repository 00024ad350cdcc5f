using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace RexNet.Tests.Kernels.Emulation;

/// <summary>
/// Builds librexnet_kernel_emu.so with g++ from kernels/*.cu, the self-test kernels and the shim, into
/// kernel-emulation/&lt;hash of every input&gt;/ beside the test binaries (not /tmp, which may be mounted
/// noexec), so `dotnet test` alone builds it once per source change. Older builds there are removed.
/// Each .cu file is wrapped in a namespace of its own (kernel files may reuse helper names, as NVRTC
/// compiles them one at a time) and each of its extern "C" __global__ entry points is registered.
/// </summary>
internal static class EmulatorBuild
{
    public const string LibraryName = "librexnet_kernel_emu.so";

    private static readonly string[] CompilerFlags =
        ["-std=c++17", "-O2", "-g", "-fPIC", "-shared", "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror", "-pthread"];

    /// <summary>Returns the path of an up-to-date library, building it if needed.</summary>
    public static string EnsureBuilt()
    {
        string[] kernelFiles = [.. KernelSources.KernelFiles(KernelSources.KernelsFolder), .. KernelSources.KernelFiles(KernelSources.SelfTestFolder)];
        string[] inputs =
        [
            .. kernelFiles,
            .. Directory.GetFiles(KernelSources.KernelsFolder, "*.cuh"),
            .. Directory.GetFiles(KernelSources.EmulationFolder, "*.h"),
            .. Directory.GetFiles(KernelSources.EmulationFolder, "*.cpp"),
        ];
        string cache = Path.Combine(AppContext.BaseDirectory, "kernel-emulation");
        string folder = Path.Combine(cache, Hash(inputs));
        string library = Path.Combine(folder, LibraryName);
        if (File.Exists(library))
        {
            return library;
        }

        string staging = folder + ".tmp-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        try
        {
            var sources = kernelFiles.Select((file, i) => WriteWrapper(staging, file, i)).ToList();
            sources.Add(Path.Combine(KernelSources.EmulationFolder, "emu_runtime.cpp"));
            RunCompiler([
                .. CompilerFlags,
                "-include", Path.Combine(KernelSources.EmulationFolder, "emu_runtime.h"),
                "-I", KernelSources.EmulationFolder,
                .. sources,
                "-o", Path.Combine(staging, LibraryName),
            ]);
            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (File.Exists(library))
            {
                // Another test process finished the same build first; its library is identical.
            }
            RemoveOlderBuilds(cache, folder);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        return library;
    }

    /// <summary>Best effort: a folder another test process still uses may stay until the next build.</summary>
    private static void RemoveOlderBuilds(string cache, string keep)
    {
        foreach (string dir in Directory.GetDirectories(cache).Where(d => d != keep && !d.Contains(".tmp-", StringComparison.Ordinal)))
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static string WriteWrapper(string folder, string kernelFile, int index)
    {
        string ns = "rexnet_kernel_" + Path.GetFileNameWithoutExtension(kernelFile).Replace('-', '_');
        var text = new StringBuilder()
            .AppendLine($"namespace {ns} {{")
            .AppendLine($"#include \"{kernelFile}\"")
            .AppendLine("}");
        foreach (string entry in KernelSources.EntryPoints(kernelFile))
        {
            text.AppendLine($"REXNET_EMU_REGISTER({ns}, {entry})");
        }
        string path = Path.Combine(folder, $"wrapper{index}.cpp");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static void RunCompiler(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("g++") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("g++ did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("the kernel emulation tests need g++ on PATH (apt-get install g++): " + e.Message, e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"g++ failed to build the kernel emulation (exit {process.ExitCode}):\n{stdout.Result}{stderr}");
            }
        }
    }

    private static string Hash(IEnumerable<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(string.Join(' ', CompilerFlags)));
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
