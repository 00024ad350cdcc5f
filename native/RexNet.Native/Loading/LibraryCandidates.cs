namespace RexNet.Native.Loading;

/// <summary>
/// The ordered list of files to try for a library. A pure function of the environment: no file system
/// access, so tests can check the order and the override. Places come first in order of how explicit
/// they are (REXNET_CUDA_LIBS, CUDA_PATH, CUDA_HOME, LD_LIBRARY_PATH, the system loader, well-known
/// install folders); within a place, versioned names newest first.
/// </summary>
internal static class LibraryCandidates
{
    /// <summary>File names, newest ABI first; the unversioned development symlink last.</summary>
    public static IReadOnlyList<string> FileNames(CudaLibrary library, bool isWindows) => (library, isWindows) switch
    {
        (CudaLibrary.Driver, false) => ["libcuda.so.1", "libcuda.so"],
        (CudaLibrary.Nvrtc, false) => ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"],
        (CudaLibrary.Cublas, false) => ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"],
        (CudaLibrary.Driver, true) => ["nvcuda.dll"],
        (CudaLibrary.Nvrtc, true) => ["nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"],
        (CudaLibrary.Cublas, true) => ["cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll"],
        _ => throw new ArgumentOutOfRangeException(nameof(library), library, null),
    };

    public static IReadOnlyList<LibraryCandidate> For(CudaLibrary library, LibrarySearchEnvironment env)
    {
        var names = FileNames(library, env.IsWindows);
        var result = new List<LibraryCandidate>();
        var seen = new HashSet<string>(env.IsWindows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        void Add(string path, string origin)
        {
            if (seen.Add(path))
            {
                result.Add(new LibraryCandidate(path, origin));
            }
        }
        void AddFolder(string folder, string origin)
        {
            foreach (var name in names)
            {
                Add(Join(folder, name, env.IsWindows), origin);
            }
        }

        foreach (var entry in Split(env.Override, env.ListSeparator))
        {
            var family = FamilyOf(FileNameOf(entry));
            if (family == library)
            {
                Add(entry, LibrarySearchEnvironment.OverrideVariable);
            }
            else if (family is null)
            {
                AddFolder(entry, LibrarySearchEnvironment.OverrideVariable);
            }
        }

        // The toolkit's lib64/stubs holds a libcuda.so that only satisfies the linker; the real driver
        // comes with the NVIDIA driver installation, so toolkit folders are never searched for it.
        if (library != CudaLibrary.Driver)
        {
            foreach (var (variable, root) in new[] { ("CUDA_PATH", env.CudaPath), ("CUDA_HOME", env.CudaHome) })
            {
                if (string.IsNullOrWhiteSpace(root))
                {
                    continue;
                }
                // CUDA 13 on Windows moved the DLLs from bin to bin\x64.
                string[] subfolders = env.IsWindows ? ["bin", Join("bin", "x64", true)] : ["lib64", "lib"];
                foreach (var sub in subfolders)
                {
                    AddFolder(Join(root, sub, env.IsWindows), variable);
                }
            }
        }

        if (!env.IsWindows)
        {
            foreach (var folder in Split(env.LdLibraryPath, ':'))
            {
                AddFolder(folder, "LD_LIBRARY_PATH");
            }
        }

        foreach (var name in names)
        {
            Add(name, "system loader");
        }

        if (!env.IsWindows && library != CudaLibrary.Driver)
        {
            AddFolder("/usr/local/cuda/lib64", "default toolkit folder");
        }
        return result;
    }

    /// <summary>Which library a file name belongs to, or null when it is not one of ours (then it is a folder).</summary>
    public static CudaLibrary? FamilyOf(string fileName)
    {
        string n = fileName.ToLowerInvariant();
        if (n.StartsWith("libcuda.so", StringComparison.Ordinal) || n == "nvcuda.dll")
        {
            return CudaLibrary.Driver;
        }
        if (n.StartsWith("libnvrtc.so", StringComparison.Ordinal) || (n.StartsWith("nvrtc64_", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal)))
        {
            return CudaLibrary.Nvrtc;
        }
        if (n.StartsWith("libcublas.so", StringComparison.Ordinal) || (n.StartsWith("cublas64_", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal)))
        {
            return CudaLibrary.Cublas;
        }
        return null;
    }

    private static IEnumerable<string> Split(string? list, char separator) =>
        (list ?? "").Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string FileNameOf(string path)
    {
        int cut = path.TrimEnd('/', '\\').LastIndexOfAny(['/', '\\']);
        return cut < 0 ? path : path[(cut + 1)..];
    }

    private static string Join(string folder, string name, bool isWindows)
    {
        char sep = isWindows ? '\\' : '/';
        return folder.EndsWith('/') || folder.EndsWith('\\') ? folder + name : folder + sep + name;
    }
}
