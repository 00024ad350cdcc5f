using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RexNet.Tests.Kernels.Emulation;

namespace RexNet.Tests.Support;

/// <summary>What the CUDA tests run on: a real GPU, or the mock CUDA driver (tests/cuda-mock).</summary>
internal enum CudaTestTarget
{
    /// <summary>The mock could not be built (no g++): CUDA tests skip, or fail under REXNET_REQUIRE_PARITY=1.</summary>
    None,
    Real,
    Mock,
}

/// <summary>
/// Chooses, before any test loads a CUDA library, whether this test process uses the machine's driver or
/// the mock one. REXNET_TEST_CUDA=real|mock forces a choice; by default a loadable libcuda.so.1 means a
/// real GPU machine, and anywhere else (CI) the mock is built (g++, cached by a hash of its sources) and put
/// first in REXNET_CUDA_LIBS, so every CUDA test, CLI command and the backend run through the bindings
/// against it, with the real NVRTC. The mock gets two devices (sm_90, and sm_100, which NVRTC 11.8 can only
/// target with PTX) unless REXNET_CUDA_MOCK_DEVICES / REXNET_CUDA_MOCK_ARCH say otherwise.
/// </summary>
internal static partial class CudaTestDevice
{
    public const string ModeVariable = "REXNET_TEST_CUDA";

    public static CudaTestTarget Target { get; private set; }

    /// <summary>Why the mock is not in use when it was wanted, else null.</summary>
    public static string? MockProblem { get; private set; }

    public static string? MockFolder { get; private set; }

    public static bool IsMock => Target == CudaTestTarget.Mock;

    /// <summary>
    /// Whether a process that does not use the mock finds no CUDA driver at all (CI), so the no-driver
    /// messages can be tested in a child process. Unknown, and so false, when the mock was forced: probing
    /// would load a real libcuda.so.1 under the soname the mock needs.
    /// </summary>
    public static bool MachineHasNoDriver { get; private set; }

    [ModuleInitializer]
    internal static void Choose()
    {
        string mode = Environment.GetEnvironmentVariable(ModeVariable) ?? "auto";
        if (mode == "real" || (mode != "mock" && NativeLibrary.TryLoad("libcuda.so.1", out _)))
        {
            Target = CudaTestTarget.Real;
            return;
        }
        MachineHasNoDriver = mode != "mock";
        try
        {
            MockFolder = BuildMock();
        }
        catch (InvalidOperationException e)
        {
            MockProblem = "the mock CUDA driver could not be built: " + e.Message;
            Target = CudaTestTarget.None;
            return;
        }
        string? libs = Environment.GetEnvironmentVariable("REXNET_CUDA_LIBS");
        SetVariable("REXNET_CUDA_LIBS", string.IsNullOrEmpty(libs) ? MockFolder : MockFolder + ":" + libs);
        SetVariable("REXNET_CUDA_MOCK_DEVICES", Environment.GetEnvironmentVariable("REXNET_CUDA_MOCK_DEVICES") ?? "2");
        SetVariable("REXNET_CUDA_MOCK_ARCH", Environment.GetEnvironmentVariable("REXNET_CUDA_MOCK_ARCH") ?? "90,100");
        Target = CudaTestTarget.Mock;
    }

    /// <summary>tests/cuda-mock/build.sh into a folder named by the hash of everything it compiles.</summary>
    public static string BuildMock()
    {
        string mock = Path.Combine(TestPaths.RepoRoot, "tests", "cuda-mock");
        string[] inputs =
        [
            .. Directory.GetFiles(mock, "*.h"),
            .. Directory.GetFiles(mock, "*.cpp"),
            .. Directory.GetFiles(mock, "*.sh"),
            .. Directory.GetFiles(Path.Combine(mock, "test-kernels")),
            .. Directory.GetFiles(KernelSources.KernelsFolder, "*.cu*"),
            .. Directory.GetFiles(KernelSources.EmulationFolder, "*.h"),
            .. Directory.GetFiles(KernelSources.EmulationFolder, "*.cpp"),
            .. Directory.GetFiles(KernelSources.EmulationFolder, "*.sh"),
        ];
        return HashedBuild.Ensure("cuda-mock", inputs, "build.sh", "libcublas.so.12",
            staging => HashedBuild.Run("bash", [Path.Combine(mock, "build.sh"), staging], "the mock CUDA driver"));
    }

    /// <summary>Both the managed environment (library search, child processes) and the native one (the mock reads getenv).</summary>
    private static void SetVariable(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (setenv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
