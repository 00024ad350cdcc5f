using RexNet.Model;

namespace RexNet.Tests.Cpu;

/// <summary>Textbook loops in double precision: the reference every CPU op is checked against.</summary>
internal static class NaiveOps
{
    public static double Act(double v, Activation act) => act switch
    {
        Activation.Silu => v / (1 + Math.Exp(-v)),
        Activation.Relu6 => Math.Clamp(v, 0, 6),
        _ => v,
    };

    /// <summary>Grouped 3x3 conv, padding 1: groups == 1 is dense, groups == cin is depthwise.</summary>
    public static float[] Conv3x3(float[] x, int n, int cin, int h, int w, float[] weight, float[] bias, int cout, int groups, int stride, Activation act)
    {
        int oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1;
        int inPerGroup = cin / groups, outPerGroup = cout / groups;
        var y = new float[n * cout * oh * ow];
        for (int b = 0; b < n; b++)
        for (int co = 0; co < cout; co++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            double s = bias[co];
            int g = co / outPerGroup;
            for (int ci = 0; ci < inPerGroup; ci++)
            for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                int iy = oy * stride - 1 + ky, ix = ox * stride - 1 + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                s += (double)weight[((co * inPerGroup + ci) * 3 + ky) * 3 + kx] * x[((b * cin + g * inPerGroup + ci) * h + iy) * w + ix];
            }
            y[((b * cout + co) * oh + oy) * ow + ox] = (float)Act(s, act);
        }
        return y;
    }

    public static float[] Pointwise(float[] x, int n, int cin, int hw, float[] weight, float[] bias, int cout, Activation act, float[]? residual, int rc)
    {
        var y = new float[n * cout * hw];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < cout; o++)
        for (int p = 0; p < hw; p++)
        {
            double s = bias[o];
            for (int i = 0; i < cin; i++) s += (double)weight[o * cin + i] * x[(b * cin + i) * hw + p];
            s = Act(s, act);
            if (o < rc) s += residual![(b * rc + o) * hw + p];
            y[(b * cout + o) * hw + p] = (float)s;
        }
        return y;
    }

    public static float[] Mean(float[] x, int planes, int hw)
    {
        var y = new float[planes];
        for (int p = 0; p < planes; p++)
        {
            double s = 0;
            for (int i = 0; i < hw; i++) s += x[p * hw + i];
            y[p] = (float)(s / hw);
        }
        return y;
    }

    public static float[] SeExcite(float[] pooled, int n, int c, int rd, float[] w1, float[] b1, float[] w2, float[] b2)
    {
        var gate = new float[n * c];
        for (int b = 0; b < n; b++)
        {
            var hidden = new double[rd];
            for (int r = 0; r < rd; r++)
            {
                double s = b1[r];
                for (int i = 0; i < c; i++) s += (double)w1[r * c + i] * pooled[b * c + i];
                hidden[r] = Math.Max(s, 0);
            }
            for (int o = 0; o < c; o++)
            {
                double s = b2[o];
                for (int r = 0; r < rd; r++) s += w2[o * rd + r] * hidden[r];
                gate[b * c + o] = (float)(1 / (1 + Math.Exp(-s)));
            }
        }
        return gate;
    }

    public static float[] Linear(float[] x, int n, int inF, float[] w, float[] bias, int outF)
    {
        var y = new float[n * outF];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < outF; o++)
        {
            double s = bias[o];
            for (int i = 0; i < inF; i++) s += (double)w[o * inF + i] * x[b * inF + i];
            y[b * outF + o] = (float)s;
        }
        return y;
    }

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return v;
    }
}
