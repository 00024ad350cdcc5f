namespace RexNet;

/// <summary>
/// How the CUDA backend computes its 1x1 convolutions and the classifier. Both are FP32 without TF32, so
/// both match the CPU engine; which is faster on a given GPU is for a benchmark to say (`rexnet bench
/// --device cuda --gemm kernels|cublas`), and the slower will go once one has.
/// </summary>
public enum CudaGemm
{
    /// <summary>Our own tiled GEMM kernel with bias, activation, the partial residual and the SE gate fused in (fewest launches).</summary>
    Kernels,

    /// <summary>cuBLAS SGEMMs, each followed by an epilogue kernel; the SE gate is a launch of its own.</summary>
    Cublas,
}
