using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cpu;

/// <summary>
/// The CPU ops, one per plan step kind, over float32 NCHW spans on the calling thread: each is the CPU twin
/// a CUDA kernel is tested against. The three convs run the engine's own channels-last kernels (the layout is
/// converted on the way in and out, and the whole-tensor calls allocate), so the twins are the fast ops
/// themselves. An isa argument forces a vector width (null: the widest the CPU accelerates), and panelVectors
/// the GEMM's panel width, which picks its register tiles (4: the 32-register tiles, 3: the 16-register ones).
/// </summary>
internal static class CpuOps
{
    public static float Activate(float v, Activation act) => act switch
    {
        Activation.Silu => v / (1f + MathF.Exp(-v)),
        Activation.Relu6 => Math.Clamp(v, 0f, 6f),
        _ => v,
    };

    /// <summary>Dense 3x3 conv, padding 1, weight [cout, cin, 3, 3], then bias and activation.</summary>
    public static void Conv3x3(ReadOnlySpan<float> x, int n, int cin, int h, int w, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int cout, int stride, Activation act, Span<float> y, VectorIsa? isa = null)
    {
        var vi = isa ?? VectorIsas.Best;
        var packed = new PackedWeights(weight, bias, cout, cin * 9, vi, VectorIsas.PanelVectors);
        int oh = ModelSpec.ConvOutSize(h, stride), ow = ModelSpec.ConvOutSize(w, stride), pitch = vi.PadChannels(cout);
        var offsets = StemConv.TapOffsets(cin, w, stride);
        var scratch = new float[StemConv.ScratchLength(cin, w, stride)];
        var output = new float[n * oh * ow * pitch];
        for (int b = 0; b < n; b++)
        {
            var image = x.Slice(b * cin * h * w, cin * h * w);
            var dst = output.AsSpan(b * oh * ow * pitch, oh * ow * pitch);
            switch (vi)
            {
                case VectorIsa.Vector512:
                    StemConv.Rows<Simd512, Vector512<float>>(image, cin, h, w, stride, 0, oh, packed, offsets, act, dst, scratch);
                    break;
                case VectorIsa.Vector256:
                    StemConv.Rows<Simd256, Vector256<float>>(image, cin, h, w, stride, 0, oh, packed, offsets, act, dst, scratch);
                    break;
                default:
                    StemConv.Rows<Simd128, Vector128<float>>(image, cin, h, w, stride, 0, oh, packed, offsets, act, dst, scratch);
                    break;
            }
        }
        ChannelsLast.ToNchw(output, n, cout, oh, ow, pitch, y);
    }

    /// <summary>
    /// 1x1 conv: y[b,o,p] = act(sum_i W[o,i] x[b,i,p] + bias[o]) + (o &lt; residualChannels ? r[b,o,p] : 0),
    /// where r has residualChannels channels.
    /// </summary>
    public static void Pointwise(ReadOnlySpan<float> x, int n, int cin, int hw, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int cout, Activation act, ReadOnlySpan<float> residual, int residualChannels, Span<float> y,
        VectorIsa? isa = null, int? panelVectors = null)
    {
        var vi = isa ?? VectorIsas.Best;
        var packed = new PackedWeights(weight, bias, cout, cin, vi, panelVectors ?? VectorIsas.PanelVectors);
        int inPitch = vi.PadChannels(cin), outPitch = vi.PadChannels(cout), resPitch = vi.PadChannels(residualChannels);
        var xl = new float[n * hw * inPitch];
        ChannelsLast.FromNchw(x, n, cin, 1, hw, inPitch, xl);
        var rl = new float[n * hw * resPitch];
        if (residualChannels > 0)
        {
            ChannelsLast.FromNchw(residual, n, residualChannels, 1, hw, resPitch, rl);
        }
        var yl = new float[n * hw * outPitch];
        for (int b = 0; b < n; b++)
        {
            var xb = xl.AsSpan(b * hw * inPitch, hw * inPitch);
            var yb = yl.AsSpan(b * hw * outPitch, hw * outPitch);
            var rb = rl.AsSpan(b * hw * resPitch, hw * resPitch);
            int rv = resPitch / vi.Floats();
            switch (vi)
            {
                case VectorIsa.Vector512:
                    Gemm<Simd512, Vector512<float>>.Run(xb, inPitch, default, hw, packed, 0, packed.Vectors, yb, outPitch, act, rb, resPitch, rv);
                    break;
                case VectorIsa.Vector256:
                    Gemm<Simd256, Vector256<float>>.Run(xb, inPitch, default, hw, packed, 0, packed.Vectors, yb, outPitch, act, rb, resPitch, rv);
                    break;
                default:
                    Gemm<Simd128, Vector128<float>>.Run(xb, inPitch, default, hw, packed, 0, packed.Vectors, yb, outPitch, act, rb, resPitch, rv);
                    break;
            }
        }
        ChannelsLast.ToNchw(yl, n, cout, 1, hw, outPitch, y);
    }

    /// <summary>Depthwise 3x3 conv, padding 1, weight [c, 1, 3, 3], then bias and activation.</summary>
    public static void Depthwise3x3(ReadOnlySpan<float> x, int n, int c, int h, int w, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int stride, Activation act, Span<float> y, VectorIsa? isa = null)
    {
        var vi = isa ?? VectorIsas.Best;
        var dw = new DepthwiseWeights(weight, bias, c, vi);
        int pitch = dw.PaddedChannels, oh = ModelSpec.ConvOutSize(h, stride), ow = ModelSpec.ConvOutSize(w, stride);
        var xl = new float[n * h * w * pitch];
        ChannelsLast.FromNchw(x, n, c, h, w, pitch, xl);
        var yl = new float[n * oh * ow * pitch];
        var zeros = new float[w * pitch];
        for (int b = 0; b < n; b++)
        {
            var image = xl.AsSpan(b * h * w * pitch, h * w * pitch);
            var dst = yl.AsSpan(b * oh * ow * pitch, oh * ow * pitch);
            switch (vi)
            {
                case VectorIsa.Vector512:
                    DepthwiseKernel<Simd512, Vector512<float>>.Image(image, h, w, stride, dw, act, dst, zeros);
                    break;
                case VectorIsa.Vector256:
                    DepthwiseKernel<Simd256, Vector256<float>>.Image(image, h, w, stride, dw, act, dst, zeros);
                    break;
                default:
                    DepthwiseKernel<Simd128, Vector128<float>>.Image(image, h, w, stride, dw, act, dst, zeros);
                    break;
            }
        }
        ChannelsLast.ToNchw(yl, n, c, oh, ow, pitch, y);
    }

    public static void ApplyActivation(Span<float> v, Activation act)
    {
        switch (act)
        {
            case Activation.Silu:
                for (int i = 0; i < v.Length; i++) v[i] = Activate(v[i], act);
                break;
            case Activation.Relu6:
                TensorPrimitives.Max(v, 0f, v);
                TensorPrimitives.Min(v, 6f, v);
                break;
        }
    }

    /// <summary>y[b,c] = mean over H*W of x[b,c,:,:].</summary>
    public static void ChannelMean(ReadOnlySpan<float> x, int n, int c, int hw, Span<float> y)
    {
        for (int plane = 0; plane < n * c; plane++)
        {
            y[plane] = TensorPrimitives.Sum(x.Slice(plane * hw, hw)) / hw;
        }
    }

    /// <summary>gate[b,:] = sigmoid(W2 relu(W1 pooled[b,:] + b1) + b2); W1 [rd, c], W2 [c, rd].</summary>
    public static void SeExcite(ReadOnlySpan<float> pooled, int n, int c, int rd, ReadOnlySpan<float> w1, ReadOnlySpan<float> b1,
        ReadOnlySpan<float> w2, ReadOnlySpan<float> b2, Span<float> gate, Span<float> hidden, VectorIsa? isa = null)
    {
        var vi = isa ?? VectorIsas.Best;
        var se = new SeExcitation(new SeWeights(c, rd, w1.ToArray(), b1.ToArray(), w2.ToArray(), b2.ToArray()), vi);
        var padded = new float[se.PaddedChannels];
        var paddedGate = new float[se.PaddedChannels];
        for (int b = 0; b < n; b++)
        {
            pooled.Slice(b * c, c).CopyTo(padded);
            se.Run(vi, padded, paddedGate, hidden);
            paddedGate.AsSpan(0, c).CopyTo(gate.Slice(b * c, c));
        }
    }

    /// <summary>y = relu6(x * gate[b,c]) per plane.</summary>
    public static void ScaleRelu6(ReadOnlySpan<float> x, ReadOnlySpan<float> gate, int n, int c, int hw, Span<float> y)
    {
        for (int plane = 0; plane < n * c; plane++)
        {
            Span<float> dst = y.Slice(plane * hw, hw);
            TensorPrimitives.Multiply(x.Slice(plane * hw, hw), gate[plane], dst);
            TensorPrimitives.Max(dst, 0f, dst);
            TensorPrimitives.Min(dst, 6f, dst);
        }
    }

    /// <summary>y[b,o] = sum_i W[o,i] x[b,i] + bias[o]; W [out, in].</summary>
    public static void Linear(ReadOnlySpan<float> x, int n, int inFeatures, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int outFeatures, Span<float> y, VectorIsa? isa = null)
    {
        switch (isa ?? VectorIsas.Best)
        {
            case VectorIsa.Vector512:
                LinearOutputs<Simd512, Vector512<float>>(x, inFeatures, n, inFeatures, weight, bias, outFeatures, y, 0, outFeatures);
                break;
            case VectorIsa.Vector256:
                LinearOutputs<Simd256, Vector256<float>>(x, inFeatures, n, inFeatures, weight, bias, outFeatures, y, 0, outFeatures);
                break;
            default:
                LinearOutputs<Simd128, Vector128<float>>(x, inFeatures, n, inFeatures, weight, bias, outFeatures, y, 0, outFeatures);
                break;
        }
    }

    /// <summary>
    /// Outputs [first, first+count) of every image, image b's features at x[b * pitch]: each weight row is read
    /// once for the whole batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LinearOutputs<TS, TV>(ReadOnlySpan<float> x, int pitch, int n, int inFeatures, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int outFeatures, Span<float> y, int first, int count) where TS : struct, ISimd<TV> where TV : struct
    {
        for (int o = first; o < first + count; o++)
        {
            ReadOnlySpan<float> row = weight.Slice(o * inFeatures, inFeatures);
            for (int b = 0; b < n; b++)
            {
                y[b * outFeatures + o] = VectorLoops<TS, TV>.Dot(row, x.Slice(b * pitch, inFeatures)) + bias[o];
            }
        }
    }

    /// <summary>In place: x[b,c,:] = act(x[b,c,:] + bias[c]). The epilogue the CUDA path runs after a cuBLAS GEMM.</summary>
    public static void BiasActivation(Span<float> x, int n, int c, int hw, ReadOnlySpan<float> bias, Activation act)
    {
        for (int plane = 0; plane < n * c; plane++)
        {
            Span<float> row = x.Slice(plane * hw, hw);
            TensorPrimitives.Add(row, bias[plane % c], row);
            ApplyActivation(row, act);
        }
    }

    /// <summary>In place: y[b, 0..cRes) += residual[b] for y with cOut channels (timm's partial shortcut).</summary>
    public static void PartialResidualAdd(Span<float> y, ReadOnlySpan<float> residual, int n, int cOut, int cRes, int hw)
    {
        for (int b = 0; b < n; b++)
        {
            Span<float> dst = y.Slice(b * cOut * hw, cRes * hw);
            TensorPrimitives.Add(dst, residual.Slice(b * cRes * hw, cRes * hw), dst);
        }
    }
}
