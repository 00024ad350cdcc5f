using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RexNet.Cpu;

/// <summary>Which vector width the CPU kernels use.</summary>
internal enum VectorIsa { Vector128, Vector256, Vector512 }

internal static class VectorIsas
{
    /// <summary>The widest vector the hardware accelerates; Vector128 is accelerated on x64 and ARM64 alike.</summary>
    public static VectorIsa Best { get; } =
        Vector512.IsHardwareAccelerated ? VectorIsa.Vector512 :
        Vector256.IsHardwareAccelerated ? VectorIsa.Vector256 : VectorIsa.Vector128;

    /// <summary>
    /// Vector registers the JIT can allocate: 32 with AVX-512 (any width, through EVEX) and on ARM64, else 16.
    /// The GEMM's register tiles are sized from it.
    /// </summary>
    public static int Registers { get; } = Avx512F.VL.IsSupported || AdvSimd.Arm64.IsSupported ? 32 : 16;

    /// <summary>Vectors per packed weight panel (<see cref="PackedWeights"/>) for these registers: 4 picks the 32-register tiles, 3 the 16-register ones.</summary>
    public static int PanelVectors { get; } = Registers >= 32 ? 4 : 3;

    /// <summary>Floats per vector.</summary>
    public static int Floats(this VectorIsa isa) => isa switch
    {
        VectorIsa.Vector512 => 16,
        VectorIsa.Vector256 => 8,
        _ => 4,
    };

    /// <summary><paramref name="channels"/> rounded up to whole vectors: the channel pitch of every CPU tensor.</summary>
    public static int PadChannels(this VectorIsa isa, int channels) => (channels + isa.Floats() - 1) / isa.Floats() * isa.Floats();
}
