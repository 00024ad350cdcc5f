using RexNet.Tests.Kernels;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>
/// Every kernel op test of tests/RexNet.Tests/Kernels (odd and real ReXNet shapes, same inputs, same CPU
/// twin, same tolerance), run on the GPU instead of the emulator. Skips without a GPU.
/// </summary>
[Trait(GpuTests.Category, GpuTests.Gpu)]
public sealed class KernelGpuTests
{
    private static readonly Lazy<GpuKernelLauncher> Launcher = new(() => new GpuKernelLauncher());

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var op in KernelOpRegistry.All)
        {
            foreach (string name in op.CaseNames)
            {
                data.Add(op.Name, name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gpu_kernel_matches_its_cpu_twin(string op, string shape)
    {
        CudaAvailability.RequireGpu();
        KernelOpRegistry.Get(op).Check(shape, Launcher.Value);
    }
}
