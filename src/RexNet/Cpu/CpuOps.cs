using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// The CPU ops, one per plan step kind, over float32 NCHW spans. Each is the CPU twin of a CUDA kernel:
/// kernel tests compare against these. Whole-tensor entry points run single-threaded; the CPU backend
/// calls the range variants from its worker pool.
/// </summary>
public static class CpuOps
{
    public static float Activate(float v, Activation act) => act switch
    {
        Activation.Silu => v / (1f + MathF.Exp(-v)),
        Activation.Relu6 => Math.Clamp(v, 0f, 6f),
        _ => v,
    };

    /// <summary>Dense 3x3 conv, padding 1, weight [cout, cin, 3, 3], then bias and activation.</summary>
    public static void Conv3x3(ReadOnlySpan<float> x, int n, int cin, int h, int w, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int cout, int stride, Activation act, Span<float> y) =>
        Conv3x3Planes(x, n, cin, h, w, weight, bias, cout, stride, act, y, 0, n * cout);

    /// <summary><see cref="Conv3x3"/> for output planes [first, first+count) of the n*cout planes.</summary>
    public static void Conv3x3Planes(ReadOnlySpan<float> x, int n, int cin, int h, int w, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int cout, int stride, Activation act, Span<float> y, int first, int count)
    {
        int oh = ModelSpec.ConvOutSize(h, stride), ow = ModelSpec.ConvOutSize(w, stride);
        for (int plane = first; plane < first + count; plane++)
        {
            int b = plane / cout, co = plane % cout;
            Span<float> outPlane = y.Slice(plane * oh * ow, oh * ow);
            outPlane.Fill(bias[co]);
            for (int ci = 0; ci < cin; ci++)
            {
                Accumulate3x3(x.Slice((b * cin + ci) * h * w, h * w), h, w, weight.Slice((co * cin + ci) * 9, 9), stride, outPlane, oh, ow);
            }
            ApplyActivation(outPlane, act);
        }
    }

    /// <summary>Depthwise 3x3 conv, padding 1, weight [c, 1, 3, 3], then bias and activation.</summary>
    public static void Depthwise3x3(ReadOnlySpan<float> x, int n, int c, int h, int w, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int stride, Activation act, Span<float> y) =>
        Depthwise3x3Planes(x, c, h, w, weight, bias, stride, act, y, 0, n * c);

    public static void Depthwise3x3Planes(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int stride, Activation act, Span<float> y, int first, int count)
    {
        int oh = ModelSpec.ConvOutSize(h, stride), ow = ModelSpec.ConvOutSize(w, stride);
        for (int plane = first; plane < first + count; plane++)
        {
            int ch = plane % c;
            Span<float> outPlane = y.Slice(plane * oh * ow, oh * ow);
            outPlane.Fill(bias[ch]);
            Accumulate3x3(x.Slice(plane * h * w, h * w), h, w, weight.Slice(ch * 9, 9), stride, outPlane, oh, ow);
            ApplyActivation(outPlane, act);
        }
    }

    /// <summary>out += conv3x3(in) for one plane, zero padding 1. Interior rows/columns skip bounds checks.</summary>
    private static void Accumulate3x3(ReadOnlySpan<float> src, int h, int w, ReadOnlySpan<float> k, int stride,
        Span<float> dst, int oh, int ow)
    {
        for (int oy = 0; oy < oh; oy++)
        {
            int iy0 = oy * stride - 1;
            Span<float> dstRow = dst.Slice(oy * ow, ow);
            for (int ky = 0; ky < 3; ky++)
            {
                int iy = iy0 + ky;
                if ((uint)iy >= (uint)h)
                {
                    continue;
                }
                ReadOnlySpan<float> srcRow = src.Slice(iy * w, w);
                float k0 = k[ky * 3], k1 = k[ky * 3 + 1], k2 = k[ky * 3 + 2];
                for (int ox = 0; ox < ow; ox++)
                {
                    int ix = ox * stride - 1;
                    float s = 0f;
                    if ((uint)ix < (uint)w) s += k0 * srcRow[ix];
                    if ((uint)(ix + 1) < (uint)w) s += k1 * srcRow[ix + 1];
                    if ((uint)(ix + 2) < (uint)w) s += k2 * srcRow[ix + 2];
                    dstRow[ox] += s;
                }
            }
        }
    }

    public static void ApplyActivation(Span<float> v, Activation act)
    {
        switch (act)
        {
            case Activation.Silu:
                for (int i = 0; i < v.Length; i++) v[i] = v[i] / (1f + MathF.Exp(-v[i]));
                break;
            case Activation.Relu6:
                for (int i = 0; i < v.Length; i++) v[i] = Math.Clamp(v[i], 0f, 6f);
                break;
        }
    }

    /// <summary>
    /// 1x1 conv: y[b,o,p] = act(sum_i W[o,i] x[b,i,p] + bias[o]) + (o &lt; residualChannels ? r[b,o,p] : 0),
    /// where r has residualChannels channels.
    /// </summary>
    public static void Pointwise(ReadOnlySpan<float> x, int n, int cin, int hw, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, int cout, Activation act, ReadOnlySpan<float> residual, int residualChannels, Span<float> y)
    {
        for (int b = 0; b < n; b++)
        {
            Gemm.Multiply(weight, x.Slice(b * cin * hw, cin * hw), y.Slice(b * cout * hw, cout * hw), cout, hw, cin, 0, cout);
            for (int o = 0; o < cout; o++)
            {
                Span<float> row = y.Slice((b * cout + o) * hw, hw);
                float bo = bias[o];
                for (int p = 0; p < hw; p++) row[p] = Activate(row[p] + bo, act);
                if (o < residualChannels)
                {
                    ReadOnlySpan<float> r = residual.Slice((b * residualChannels + o) * hw, hw);
                    for (int p = 0; p < hw; p++) row[p] += r[p];
                }
            }
        }
    }

    /// <summary>y[b,c] = mean over H*W of x[b,c,:,:].</summary>
    public static void ChannelMean(ReadOnlySpan<float> x, int n, int c, int hw, Span<float> y)
    {
        for (int plane = 0; plane < n * c; plane++)
        {
            double sum = 0;
            foreach (float v in x.Slice(plane * hw, hw)) sum += v;
            y[plane] = (float)(sum / hw);
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
                float s = b1[r];
                ReadOnlySpan<float> row = w1.Slice(r * c, c);
                for (int i = 0; i < c; i++) s += row[i] * p[i];
                hidden[r] = MathF.Max(s, 0f);
            }
            for (int o = 0; o < c; o++)
            {
                float s = b2[o];
                ReadOnlySpan<float> row = w2.Slice(o * rd, rd);
                for (int r = 0; r < rd; r++) s += row[r] * hidden[r];
                gate[b * c + o] = 1f / (1f + MathF.Exp(-s));
            }
        }
    }

    /// <summary>y = relu6(x * gate[b,c]) per plane.</summary>
    public static void ScaleRelu6(ReadOnlySpan<float> x, ReadOnlySpan<float> gate, int n, int c, int hw, Span<float> y)
    {
        for (int plane = 0; plane < n * c; plane++)
        {
            float g = gate[plane];
            ReadOnlySpan<float> src = x.Slice(plane * hw, hw);
            Span<float> dst = y.Slice(plane * hw, hw);
            for (int i = 0; i < hw; i++) dst[i] = Math.Clamp(src[i] * g, 0f, 6f);
        }
    }

    /// <summary>y[b,o] = sum_i W[o,i] x[b,i] + bias[o]; W [out, in].</summary>
    public static void Linear(ReadOnlySpan<float> x, int n, int inFeatures, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int outFeatures, Span<float> y)
    {
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
            {
                float s = bias[o];
                ReadOnlySpan<float> row = weight.Slice(o * inFeatures, inFeatures);
                for (int i = 0; i < inFeatures; i++) s += row[i] * xb[i];
                y[b * outFeatures + o] = s;
            }
        }
    }

    /// <summary>In place: x[b,c,:] = act(x[b,c,:] + bias[c]). The epilogue the CUDA path runs after a cuBLAS GEMM.</summary>
    public static void BiasActivation(Span<float> x, int n, int c, int hw, ReadOnlySpan<float> bias, Activation act)
    {
        for (int plane = 0; plane < n * c; plane++)
        {
            Span<float> row = x.Slice(plane * hw, hw);
            float bo = bias[plane % c];
            for (int i = 0; i < hw; i++) row[i] = Activate(row[i] + bo, act);
        }
    }

    /// <summary>In place: y[b, 0..cRes) += residual[b] for y with cOut channels (timm's partial shortcut).</summary>
    public static void PartialResidualAdd(Span<float> y, ReadOnlySpan<float> residual, int n, int cOut, int cRes, int hw)
    {
        for (int b = 0; b < n; b++)
        {
            Span<float> dst = y.Slice(b * cOut * hw, cRes * hw);
            ReadOnlySpan<float> src = residual.Slice(b * cRes * hw, cRes * hw);
            for (int i = 0; i < dst.Length; i++) dst[i] += src[i];
        }
    }
}
