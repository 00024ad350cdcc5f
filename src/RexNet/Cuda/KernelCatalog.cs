using System.Globalization;
using System.Text.RegularExpressions;

namespace RexNet.Cuda;

/// <summary>
/// The entry points the CUDA backend launches, the file each lives in, and their block sizes, read from
/// the kernel sources' <c>#define NAME_BLOCK</c> constants so the launcher and the kernel cannot disagree.
/// </summary>
internal static class KernelCatalog
{
    public const string Conv3x3 = "rexnet_conv3x3";
    public const string Depthwise3x3 = "rexnet_depthwise3x3";
    public const string Pointwise = "rexnet_pointwise";
    public const string GlobalAvgPool = "rexnet_global_avg_pool";
    public const string ScaleRelu6 = "rexnet_scale_relu6";
    public const string GemmEpilogue = "rexnet_gemm_epilogue";

    private static readonly (string Kernel, string File, string BlockConstant)[] Table =
    [
        (Conv3x3, "conv3x3.cu", "CONV3X3_BLOCK"),
        (Depthwise3x3, "depthwise3x3.cu", "DEPTHWISE_BLOCK"),
        (Pointwise, "pointwise.cu", "POINTWISE_BLOCK"),
        (GlobalAvgPool, "global_avg_pool.cu", "GLOBAL_AVG_POOL_BLOCK"),
        (ScaleRelu6, "scale_relu6.cu", "SCALE_RELU6_BLOCK"),
        (GemmEpilogue, "gemm_epilogue.cu", "GEMM_EPILOGUE_BLOCK"),
    ];

    /// <summary>Every entry point the backend uses, with its source file.</summary>
    public static IReadOnlyList<(string Kernel, string File)> Kernels { get; } = Table.Select(t => (t.Kernel, t.File)).ToArray();

    private static readonly Dictionary<string, uint> Blocks = Table.ToDictionary(t => t.Kernel, t => (uint)Constant(t.File, t.BlockConstant));

    /// <summary>The tuned block size of an entry point (its source's constant).</summary>
    public static uint BlockOf(string kernel) => Blocks[kernel];

    /// <summary>The value of <c>#define name value</c> in the embedded kernels/<paramref name="file"/>.</summary>
    public static int Constant(string file, string name)
    {
        var match = Regex.Match(KernelSources.Embedded.Get(file).Text, $@"^#define\s+{Regex.Escape(name)}\s+(\d+)\s*$", RegexOptions.Multiline);
        return match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"kernels/{file} defines no {name}");
    }
}
