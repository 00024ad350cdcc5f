using System.Globalization;
using System.Runtime.InteropServices;
using RexNet.Native.Cublas;
using RexNet.Native.Driver;
using RexNet.Native.Loading;
using RexNet.Native.Nvrtc;

namespace RexNet.Cuda;

/// <summary>
/// Inspects the CUDA setup without assuming any of it works: each library is loaded on its own,
/// each failure is recorded rather than thrown, and the verdict names the first thing missing.
/// </summary>
internal static class CudaDoctor
{
    /// <summary>What the report says in place of a driver version for tests/cuda-mock's libcuda.so.1.</summary>
    public const string MockDriverVersion = "RexNet mock driver (kernels run in host emulation, no GPU)";

    public static CudaDoctorReport Examine(KernelCompiler? compiler = null)
    {
        // The driver reports no version of its own (only the CUDA version it supports), except the mock, which says what it is.
        var driver = Library(CudaLibrary.Driver, () =>
            NativeLibrary.TryGetExport(NativeLibraryLoader.Load(CudaLibrary.Driver).Handle, "rexnet_cuda_mock", out _) ? MockDriverVersion : null);
        string? driverVersion = null;
        string? driverError = null;
        var gpus = new List<GpuReport>();
        var nvrtc = Library(CudaLibrary.Nvrtc, () => NvrtcLibrary.Version().ToString());
        IReadOnlyList<int>? archs = nvrtc.Loaded ? Attempt(NvrtcLibrary.SupportedArchs, out _) : null;
        var cublas = Library(CudaLibrary.Cublas, () => CublasLibrary.Version().ToString());

        if (driver.Loaded)
        {
            driverVersion = Attempt(() => FormatCudaVersion(CudaDevices.DriverVersion()), out driverError);
            int count = driverError is null ? Attempt(CudaDevices.Count, out driverError) : 0;
            if (nvrtc.Loaded)
            {
                compiler ??= KernelCompiler.CreateDefault();
            }
            for (int i = 0; i < count; i++)
            {
                var info = Attempt(() => CudaDevices.Describe(i), out string? describeError);
                if (info is null)
                {
                    driverError ??= describeError;
                    continue;
                }
                gpus.Add(new GpuReport(i, info.Name, $"{info.ComputeMajor}.{info.ComputeMinor}", info.TotalMemoryBytes, info.MultiprocessorCount,
                    info.ClockRateKHz / 1000, info.MemoryClockRateKHz / 1000, info.MemoryBusWidthBits, info.PciBusId,
                    compiler is null ? null : CheckKernels(compiler, info.Arch)));
            }
        }

        var needed = new List<string>();
        if (!driver.Loaded || driverError is not null || gpus.Count == 0)
        {
            needed.Add("an NVIDIA GPU with the NVIDIA driver installed (libcuda.so.1 / nvcuda.dll)");
        }
        if (!nvrtc.Loaded)
        {
            needed.Add("NVRTC (libnvrtc.so.13, .12 or .11.2 / nvrtc64_*.dll)");
        }
        if (!cublas.Loaded)
        {
            needed.Add("cuBLAS (libcublas.so.13, .12 or .11 / cublas64_*.dll)");
        }
        string? problem = Verdict(driver, driverError, gpus, nvrtc, cublas);
        var embedded = KernelSources.Embedded.Sources.Concat(KernelSources.Embedded.Headers).Select(k => k.Name).ToArray();
        return new CudaDoctorReport(driver, driverVersion, driverError, nvrtc, archs, cublas, gpus, embedded, problem is null, problem, needed);
    }

    /// <summary>The driver encodes 12.4 as 12040.</summary>
    public static string FormatCudaVersion(int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version / 1000}.{version % 1000 / 10}");

    private static string? Verdict(LibraryReport driver, string? driverError, List<GpuReport> gpus, LibraryReport nvrtc, LibraryReport cublas)
    {
        if (!driver.Loaded)
        {
            string file = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
            return $"no NVIDIA driver: {file} not found, so no GPU can be used";
        }
        if (driverError is not null)
        {
            return $"the NVIDIA driver is present but unusable: {driverError}";
        }
        if (gpus.Count == 0)
        {
            return "the NVIDIA driver found no CUDA device";
        }
        if (!nvrtc.Loaded)
        {
            return "NVRTC not found, so the kernels cannot be compiled";
        }
        if (!cublas.Loaded)
        {
            return "cuBLAS not found";
        }
        var broken = gpus.FirstOrDefault(g => g.Kernels is { Errors.Count: > 0 });
        return broken is null ? null : $"the kernels do not compile for GPU {broken.Ordinal} ({broken.Name}): {broken.Kernels!.Errors[0]}";
    }

    private static KernelCheckReport CheckKernels(KernelCompiler compiler, int arch)
    {
        var target = Attempt(() => compiler.TargetFor(arch), out string? targetError);
        if (target is null)
        {
            return new KernelCheckReport($"sm_{arch}", compiler.Sources.Sources.Count, 0, 0, 0, [targetError!]);
        }
        var errors = new List<string>();
        int compiled = 0, maxRegisters = 0, spilling = 0;
        foreach (var source in compiler.Sources.Sources)
        {
            var kernel = Attempt(() => compiler.Compile(source, target), out string? error);
            if (kernel is null)
            {
                errors.Add(error!);
                continue;
            }
            compiled++;
            maxRegisters = Math.Max(maxRegisters, kernel.ResourceUsage.Select(u => u.Registers).DefaultIfEmpty(0).Max());
            spilling += kernel.ResourceUsage.Count(u => u.Spills);
        }
        return new KernelCheckReport(target.Description, compiler.Sources.Sources.Count, compiled, maxRegisters, spilling, errors);
    }

    private static LibraryReport Library(CudaLibrary library, Func<string?> version)
    {
        string name = library switch { CudaLibrary.Driver => "driver", CudaLibrary.Nvrtc => "nvrtc", _ => "cublas" };
        if (!NativeLibraryLoader.TryLoad(library, out var loaded, out var failure))
        {
            return new LibraryReport(name, false, null, null, failure!.Message, failure.Attempts.Select(a => a.ToString()).ToArray());
        }
        string? v = Attempt(version, out string? error);
        return new LibraryReport(name, true, loaded!.ResolvedPath, v, error, []);
    }

    // A diagnostic reports every failure instead of stopping at the first, so each probe is fenced.
    private static T? Attempt<T>(Func<T> probe, out string? error)
    {
        try
        {
            error = null;
            return probe();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e.Message.ReplaceLineEndings(" ");
            return default;
        }
    }
}
