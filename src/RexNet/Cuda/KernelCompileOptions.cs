namespace RexNet.Cuda;

/// <summary>
/// The NVRTC command line. Defaults: C++17, every function device code by default, line info for
/// profilers, no fast math (it changes expf and division, which the CPU-twin tests would notice).
/// CUBIN builds ask ptxas to report registers and spills, which <see cref="PtxasReport"/> parses.
/// </summary>
internal static class KernelCompileOptions
{
    public static IReadOnlyList<string> Defaults { get; } = ["-std=c++17", "-default-device", "-lineinfo"];

    public static IReadOnlyList<string> For(KernelTarget target, IReadOnlyList<string>? extra = null)
    {
        var options = new List<string> { target.ArchOption };
        options.AddRange(Defaults);
        if (target.IsCubin)
        {
            options.Add("--ptxas-options=-v");
        }
        if (extra is not null)
        {
            options.AddRange(extra);
        }
        return options;
    }
}
