using System.Numerics.Tensors;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// The CPU ops, one per plan step kind, over float32 NCHW spans. Each is the CPU twin of a CUDA kernel:
/// kernel tests compare against these. The whole-tensor entry points run on the calling thread; the CPU
/// backend runs the same task functions from its worker pool.
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
        ReadOnlySpan<float> bias, int cout, int stride, Activation act, Span<float> y)
    {
        var isa = Gemm.BestIsa;
        int pixels = ModelSpec.ConvOutSize(h, stride) * ModelSpec.ConvOutSize(w, stride);
        var g = GemmTiling.Create(n, cout, pixels, 1, isa);
        var scratch = new float[GemmConv.Conv3x3ScratchLength(cin, isa)];
        for (int t = 0; t < g.TaskCount; t++)
        {
            GemmConv.Conv3x3Task(g, x, cin, h, w, stride, weight, bias, act, y, t, scratch, isa);
        }
    }

    /// <summary>
    /// 1x1 conv: y[b,o,p] = act(sum_i W[o,i] x[b,i,p] + bias[o]) + (o &lt; residualChannels ? r[b,o,p] : 0),
    /// where r has residualChannels channels.
    /// </summary>
    public static void Pointwise(ReadOnlySpan<float> x, int n, int cin, int hw, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int cout, Activation act, ReadOnlySpan<float> residual, int residualChannels, Span<float> y)
    {
        var isa = Gemm.BestIsa;
        var g = GemmTiling.Create(n, cout, hw, 1, isa);
        var scratch = new float[GemmTiling.ScratchLength(cin, isa)];
        for (int t = 0; t < g.TaskCount; t++)
        {
            GemmConv.PointwiseTask(g, x, cin, weight, bias, act, residual, residualChannels, y, t, scratch, isa);
        }
    }

    /// <summary>Depthwise 3x3 conv, padding 1, weight [c, 1, 3, 3], then bias and activation.</summary>
    public static void Depthwise3x3(ReadOnlySpan<float> x, int n, int c, int h, int w, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int stride, Activation act, Span<float> y) =>
        Depthwise.Planes(x, c, h, w, weight, bias, stride, act, y, 0, n * c, new float[Depthwise.ScratchLength(h, w)], Gemm.BestIsa);

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
    public static void ChannelMean(ReadOnlySpan<float> x, int n, int c, int hw, Span<float> y) =>
        ChannelMeanPlanes(x, hw, y, 0, n * c);

    public static void ChannelMeanPlanes(ReadOnlySpan<float> x, int hw, Span<float> y, int first, int count)
    {
        for (int plane = first; plane < first + count; plane++)
        {
            y[plane] = TensorPrimitives.Sum(x.Slice(plane * hw, hw)) / hw;
        }
    }

    /// <summary>gate[b,:] = sigmoid(W2 relu(W1 pooled[b,:] + b1) + b2); W1 [rd, c], W2 [c, rd].</summary>
    public static void SeExcite(ReadOnlySpan<float> pooled, int n, int c, int rd, ReadOnlySpan<float> w1, ReadOnlySpan<float> b1,
        ReadOnlySpan<float> w2, ReadOnlySpan<float> b2, Span<float> gate, Span<float> hidden)
    {
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<float> p = pooled.Slice(b * c, c);
            for (int r = 0; r < rd; r++)
            {
                hidden[r] = MathF.Max(TensorPrimitives.Dot(w1.Slice(r * c, c), p) + b1[r], 0f);
            }
            Span<float> g = gate.Slice(b * c, c);
            for (int o = 0; o < c; o++)
            {
                g[o] = TensorPrimitives.Dot(w2.Slice(o * rd, rd), hidden[..rd]) + b2[o];
            }
            TensorPrimitives.Sigmoid(g, g);
        }
    }

    /// <summary>y = relu6(x * gate[b,c]) per plane.</summary>
    public static void ScaleRelu6(ReadOnlySpan<float> x, ReadOnlySpan<float> gate, int n, int c, int hw, Span<float> y) =>
        ScaleRelu6Planes(x, gate, hw, y, 0, n * c);

    public static void ScaleRelu6Planes(ReadOnlySpan<float> x, ReadOnlySpan<float> gate, int hw, Span<float> y, int first, int count)
    {
        for (int plane = first; plane < first + count; plane++)
        {
            Span<float> dst = y.Slice(plane * hw, hw);
            TensorPrimitives.Multiply(x.Slice(plane * hw, hw), gate[plane], dst);
            TensorPrimitives.Max(dst, 0f, dst);
            TensorPrimitives.Min(dst, 6f, dst);
        }
    }

    /// <summary>y[b,o] = sum_i W[o,i] x[b,i] + bias[o]; W [out, in].</summary>
    public static void Linear(ReadOnlySpan<float> x, int n, int inFeatures, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int outFeatures, Span<float> y) => LinearOutputs(x, n, inFeatures, weight, bias, outFeatures, y, 0, outFeatures);

    /// <summary>Outputs [first, first+count) of every image: each weight row is read once for the whole batch.</summary>
    public static void LinearOutputs(ReadOnlySpan<float> x, int n, int inFeatures, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int outFeatures, Span<float> y, int first, int count)
    {
        for (int o = first; o < first + count; o++)
        {
            ReadOnlySpan<float> row = weight.Slice(o * inFeatures, inFeatures);
            for (int b = 0; b < n; b++)
            {
                y[b * outFeatures + o] = TensorPrimitives.Dot(row, x.Slice(b * inFeatures, inFeatures)) + bias[o];
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
