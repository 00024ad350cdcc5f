namespace RexNet.Tests.Support;

/// <summary>
/// The trait of test classes that exercise a GPU (or the mock driver): what bench/gpu-check.sh runs on a
/// lent GPU machine (`RexNet.Tests -trait Category=Gpu`), leaving the CPU-only tests to CI.
/// </summary>
internal static class GpuTests
{
    public const string Category = "Category";
    public const string Gpu = "Gpu";
}
