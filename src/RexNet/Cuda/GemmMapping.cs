using RexNet.Native.Cublas;

namespace RexNet.Cuda;

/// <summary>
/// Maps the network's row-major GEMMs onto cuBLAS's column-major SGEMM. A row-major matrix R [r x c]
/// is, read column-major, Rᵀ [c x r] with leading dimension c; so a row-major product is computed by
/// asking cuBLAS for its transpose. Pure functions, proven on the CPU against a column-major reference.
/// </summary>
internal static class GemmMapping
{
    /// <summary>
    /// 1x1 conv per image: Y[cout, hw] = W[cout, cin] · X[cin, hw] (row-major). In cuBLAS terms
    /// Yᵀ (hw x cout) = Xᵀ (hw x cin) · Wᵀ (cin x cout): no transposes, m = hw, n = cout, k = cin,
    /// A = X (lda hw), B = W (ldb cin), C = Y (ldc hw); strided over images with the weight shared (strideB 0).
    /// </summary>
    public static GemmCall Pointwise(string step, int batch, int cin, int cout, int hw, DeviceRef x, DeviceRef weight, DeviceRef y) =>
        new(step, CublasOperation.None, CublasOperation.None, hw, cout, cin,
            x, hw, (long)cin * hw, weight, cin, 0, y, hw, (long)cout * hw, batch);

    /// <summary>
    /// Classifier: Y[batch, out] = X[batch, in] · W[out, in]ᵀ (row-major). In cuBLAS terms
    /// Yᵀ (out x batch) = op(W) · Xᵀ where W read column-major is Wᵀ (in x out, ld in), so op = T;
    /// m = out, n = batch, k = in, A = W (lda in), B = X (ldb in), C = Y (ldc out).
    /// </summary>
    public static GemmCall Linear(string step, int batch, int inFeatures, int outFeatures, DeviceRef weight, DeviceRef x, DeviceRef y) =>
        new(step, CublasOperation.Transpose, CublasOperation.None, outFeatures, batch, inFeatures,
            weight, inFeatures, 0, x, inFeatures, 0, y, outFeatures, 0, 1);
}
