using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace RexNet.Native.Loading;

/// <summary>
/// Loads each CUDA library once per process by walking <see cref="LibraryCandidates"/>, keeping the
/// outcome (success or the full list of failures) so that every later call answers the same way.
/// </summary>
internal static class NativeLibraryLoader
{
    private static readonly ConcurrentDictionary<CudaLibrary, Lazy<Outcome>> Outcomes = new();

    private sealed record Outcome(LoadedLibrary? Loaded, CudaLibraryNotFoundException? Failure);

    /// <summary>The loaded library, or throws <see cref="CudaLibraryNotFoundException"/> listing every path tried.</summary>
    public static LoadedLibrary Load(CudaLibrary library)
    {
        var outcome = Outcomes.GetOrAdd(library, l => new Lazy<Outcome>(() => Attempt(l, LibrarySearchEnvironment.FromProcess()))).Value;
        return outcome.Loaded ?? throw outcome.Failure!;
    }

    /// <summary>Like <see cref="Load"/>, but reports failure instead of throwing.</summary>
    public static bool TryLoad(CudaLibrary library, out LoadedLibrary? loaded, out CudaLibraryNotFoundException? failure)
    {
        try
        {
            loaded = Load(library);
            failure = null;
            return true;
        }
        catch (CudaLibraryNotFoundException e)
        {
            loaded = null;
            failure = e;
            return false;
        }
    }

    /// <summary>Walks the candidates in order; uncached, so tests can point it at a made-up environment.</summary>
    public static LoadedLibrary LoadFrom(CudaLibrary library, IReadOnlyList<LibraryCandidate> candidates)
    {
        var failures = new List<LoadAttempt>();
        foreach (var candidate in candidates)
        {
            bool isPath = candidate.Path.Contains('/') || candidate.Path.Contains('\\');
            if (isPath && !File.Exists(candidate.Path))
            {
                failures.Add(new LoadAttempt(candidate, "not present"));
                continue;
            }
            try
            {
                IntPtr handle = NativeLibrary.Load(candidate.Path);
                string resolved = ModulePath.Of(handle, ProbeSymbol(library)) ?? candidate.Path;
                if (library == CudaLibrary.Nvrtc)
                {
                    PreloadBuiltins(resolved);
                }
                return new LoadedLibrary(library, handle, candidate, resolved);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                failures.Add(new LoadAttempt(candidate, LoaderReason(e.Message)));
            }
        }
        throw new CudaLibraryNotFoundException(library, failures);
    }

    /// <summary>
    /// NVRTC opens its builtins library (libnvrtc-builtins.so.X.Y, nvrtc-builtins64_XY.dll) by name at
    /// the first compile. When NVRTC came from a folder the system loader does not search (CUDA_PATH,
    /// REXNET_CUDA_LIBS), loading the builtins from that same folder first lets that lookup find them.
    /// </summary>
    private static void PreloadBuiltins(string nvrtcPath)
    {
        string? folder = Path.GetDirectoryName(nvrtcPath);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            return;
        }
        // Same major version only: libnvrtc.so.12 pairs with libnvrtc-builtins.so.12.x, nvrtc64_120_0.dll with nvrtc-builtins64_12x.dll.
        var major = System.Text.RegularExpressions.Regex.Match(Path.GetFileName(nvrtcPath), @"^(?:libnvrtc\.so\.(\d+)|nvrtc64_(\d\d))");
        string version = major.Groups[1].Success ? major.Groups[1].Value : major.Groups[2].Value;
        string pattern = OperatingSystem.IsWindows() ? $"nvrtc-builtins64_{version}*.dll" : $"libnvrtc-builtins.so.{version}*";
        foreach (var builtins in Directory.EnumerateFiles(folder, pattern).Order(StringComparer.Ordinal))
        {
            NativeLibrary.TryLoad(builtins, out _);
        }
    }

    public static string DisplayName(CudaLibrary library) => library switch
    {
        CudaLibrary.Driver => "the CUDA driver library",
        CudaLibrary.Nvrtc => "NVRTC",
        CudaLibrary.Cublas => "cuBLAS",
        _ => library.ToString(),
    };

    private static Outcome Attempt(CudaLibrary library, LibrarySearchEnvironment env)
    {
        try
        {
            return new Outcome(LoadFrom(library, LibraryCandidates.For(library, env)), null);
        }
        catch (CudaLibraryNotFoundException e)
        {
            return new Outcome(null, e);
        }
    }

    /// <summary>A symbol every version of the library exports, used to ask the loader where it came from.</summary>
    private static string ProbeSymbol(CudaLibrary library) => library switch
    {
        CudaLibrary.Driver => "cuInit",
        CudaLibrary.Nvrtc => "nvrtcVersion",
        _ => "cublasCreate_v2",
    };

    /// <summary>
    /// The runtime wraps dlerror()'s text in advice about strace and LD_DEBUG; the last line is the
    /// part that says what went wrong (missing file, missing dependency, wrong architecture).
    /// </summary>
    private static string LoaderReason(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "failed to load" : lines[^1];
    }
}
