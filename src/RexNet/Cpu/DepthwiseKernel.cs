using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>A depthwise 3x3 conv's weights as [tap][channel] (channels padded with zeros) and its padded bias.</summary>
internal sealed class DepthwiseWeights
{
    public int Channels { get; }
    public int PaddedChannels { get; }

    /// <summary>Tap t = ky*3 + kx of channel c at t * PaddedChannels + c.</summary>
    public float[] Taps { get; }

    public float[] Bias { get; }

    public DepthwiseWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int channels, VectorIsa isa)
    {
        if (weight.Length != channels * 9 || bias.Length != channels)
        {
            throw new ArgumentException($"a depthwise 3x3 conv over {channels} channels needs {channels * 9} weights and {channels} biases");
        }
        Channels = channels;
        PaddedChannels = isa.PadChannels(channels);
        Taps = new float[9 * PaddedChannels];
        Bias = new float[PaddedChannels];
        bias.CopyTo(Bias);
        for (int c = 0; c < channels; c++)
        {
            for (int t = 0; t < 9; t++)
            {
                Taps[t * PaddedChannels + c] = weight[c * 9 + t];
            }
        }
    }
}

/// <summary>
/// Depthwise 3x3 conv (padding 1, stride 1 or 2) on channels-last rows: each output pixel of a channel
/// vector is nine vector multiply-adds with that vector's nine weights held in registers, and the bias, the
/// activation and the row's channel sums (the SE squeeze) are applied on the way out. There is no padded
/// copy: a missing row is a zero row, and only the first and last pixels of a row skip a column of taps.
/// </summary>
internal static class DepthwiseKernel<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    /// <summary>
    /// One output row over channel vectors [0, vectors): rows r0..r2 are input rows oy*s-1..oy*s+1 (a zero row
    /// where outside the image), inW pixels at pitch inPitch, positioned at the first channel; taps, bias, out
    /// and sums likewise. sums[c] gets the sum of the row's outputs (after the activation) when not empty.
    /// </summary>
    public static void Row(ReadOnlySpan<float> r0, ReadOnlySpan<float> r1, ReadOnlySpan<float> r2, nint inPitch, int inW, int stride,
        ReadOnlySpan<float> taps, nint tapPitch, ReadOnlySpan<float> bias, int vectors, Span<float> output, nint outPitch, int outW,
        Activation act, Span<float> sums)
    {
        int vf = TS.Width;
        long inExtent = (inW - 1) * inPitch + vectors * vf;
        if (r0.Length < inExtent || r1.Length < inExtent || r2.Length < inExtent || taps.Length < 8 * tapPitch + vectors * vf ||
            bias.Length < vectors * vf || output.Length < (outW - 1) * outPitch + vectors * vf || (!sums.IsEmpty && sums.Length < vectors * vf) ||
            ModelSpec.ConvOutSize(inW, stride) != outW)
        {
            throw new ArgumentException("depthwise row operands are smaller than the requested row");
        }
        var rows = new RowRefs(ref MemoryMarshal.GetReference(r0), ref MemoryMarshal.GetReference(r1), ref MemoryMarshal.GetReference(r2),
            inPitch, inW, stride, ref MemoryMarshal.GetReference(output), outPitch, outW);
        switch (act)
        {
            case Activation.Relu6:
                Vectors<Relu6Activation>(rows, taps, tapPitch, bias, vectors, sums);
                break;
            case Activation.Silu:
                Vectors<SiluActivation>(rows, taps, tapPitch, bias, vectors, sums);
                break;
            default:
                Vectors<Identity>(rows, taps, tapPitch, bias, vectors, sums);
                break;
        }
    }

    private readonly ref struct RowRefs(ref float r0, ref float r1, ref float r2, nint inPitch, int inW, int stride,
        ref float output, nint outPitch, int outW)
    {
        public readonly ref float R0 = ref r0, R1 = ref r1, R2 = ref r2, Out = ref output;
        public readonly nint InPitch = inPitch, OutPitch = outPitch;
        public readonly int InW = inW, Stride = stride, OutW = outW;
    }

    private static void Vectors<TAct>(RowRefs rows, ReadOnlySpan<float> taps, nint tapPitch, ReadOnlySpan<float> bias, int vectors, Span<float> sums)
        where TAct : struct, IActivation
    {
        ref float t = ref MemoryMarshal.GetReference(taps);
        ref float b = ref MemoryMarshal.GetReference(bias);
        ref float s = ref MemoryMarshal.GetReference(sums);
        nint vf = TS.Width;
        // Interior pixels have all three columns: centre column ox*s with ox*s-1 >= 0 and ox*s+1 < inW.
        int interiorEnd = Math.Max(1, Math.Min(rows.OutW, rows.InW >= 2 ? (rows.InW - 2) / rows.Stride + 1 : 0));
        for (int v = 0; v < vectors; v++)
        {
            ref float tv = ref Unsafe.Add(ref t, v * vf);
            TV bv = TS.Load(ref Unsafe.Add(ref b, v * vf));
            TV sum = Edge<TAct>(rows, ref tv, tapPitch, bv, v * vf, 0);
            sum = TS.Add(sum, Interior<TAct>(rows, ref tv, tapPitch, bv, v * vf, interiorEnd));
            for (int ox = interiorEnd; ox < rows.OutW; ox++)
            {
                sum = TS.Add(sum, Edge<TAct>(rows, ref tv, tapPitch, bv, v * vf, ox));
            }
            if (!sums.IsEmpty)
            {
                TS.Store(sum, ref Unsafe.Add(ref s, v * vf));
            }
        }
    }

    /// <summary>Pixels [1, end) of one channel vector, which have all nine taps; returns the sum of their outputs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TV Interior<TAct>(RowRefs rows, ref float t, nint tapPitch, TV bias, nint channel, int end) where TAct : struct, IActivation
    {
        TV k00 = TS.Load(ref t), k01 = TS.Load(ref Unsafe.Add(ref t, tapPitch)), k02 = TS.Load(ref Unsafe.Add(ref t, 2 * tapPitch));
        TV k10 = TS.Load(ref Unsafe.Add(ref t, 3 * tapPitch)), k11 = TS.Load(ref Unsafe.Add(ref t, 4 * tapPitch)), k12 = TS.Load(ref Unsafe.Add(ref t, 5 * tapPitch));
        TV k20 = TS.Load(ref Unsafe.Add(ref t, 6 * tapPitch)), k21 = TS.Load(ref Unsafe.Add(ref t, 7 * tapPitch)), k22 = TS.Load(ref Unsafe.Add(ref t, 8 * tapPitch));
        nint ip = rows.InPitch, op = rows.OutPitch, step = rows.Stride * ip;
        // Left column of pixel 1, then one stride per pixel.
        ref float a0 = ref Unsafe.Add(ref rows.R0, channel + (rows.Stride - 1) * ip);
        ref float a1 = ref Unsafe.Add(ref rows.R1, channel + (rows.Stride - 1) * ip);
        ref float a2 = ref Unsafe.Add(ref rows.R2, channel + (rows.Stride - 1) * ip);
        ref float o = ref Unsafe.Add(ref rows.Out, channel + op);
        TV sum = TS.Zero;
        for (int ox = 1; ox < end; ox++)
        {
            TV acc = TS.MultiplyAdd(k00, TS.Load(ref a0), bias);
            acc = TS.MultiplyAdd(k01, TS.Load(ref Unsafe.Add(ref a0, ip)), acc);
            acc = TS.MultiplyAdd(k02, TS.Load(ref Unsafe.Add(ref a0, 2 * ip)), acc);
            acc = TS.MultiplyAdd(k10, TS.Load(ref a1), acc);
            acc = TS.MultiplyAdd(k11, TS.Load(ref Unsafe.Add(ref a1, ip)), acc);
            acc = TS.MultiplyAdd(k12, TS.Load(ref Unsafe.Add(ref a1, 2 * ip)), acc);
            acc = TS.MultiplyAdd(k20, TS.Load(ref a2), acc);
            acc = TS.MultiplyAdd(k21, TS.Load(ref Unsafe.Add(ref a2, ip)), acc);
            acc = TS.MultiplyAdd(k22, TS.Load(ref Unsafe.Add(ref a2, 2 * ip)), acc);
            acc = TAct.Apply<TS, TV>(acc);
            sum = TS.Add(sum, acc);
            TS.Store(acc, ref o);
            a0 = ref Unsafe.Add(ref a0, step);
            a1 = ref Unsafe.Add(ref a1, step);
            a2 = ref Unsafe.Add(ref a2, step);
            o = ref Unsafe.Add(ref o, op);
        }
        return sum;
    }

    /// <summary>A first or last pixel of a row: the taps of a column in the padding are skipped. Returns the output.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TV Edge<TAct>(RowRefs rows, ref float t, nint tapPitch, TV bias, nint channel, int ox) where TAct : struct, IActivation
    {
        nint ip = rows.InPitch;
        nint c = (nint)ox * rows.Stride;
        TV acc = bias;
        for (int ky = 0; ky < 3; ky++)
        {
            ref float row = ref Unsafe.Add(ref ky == 0 ? ref rows.R0 : ref ky == 1 ? ref rows.R1 : ref rows.R2, channel);
            for (int kx = 0; kx < 3; kx++)
            {
                nint ix = c - 1 + kx;
                if (ix >= 0 && ix < rows.InW)
                {
                    acc = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref t, (ky * 3 + kx) * tapPitch)), TS.Load(ref Unsafe.Add(ref row, ix * ip)), acc);
                }
            }
        }
        acc = TAct.Apply<TS, TV>(acc);
        TS.Store(acc, ref Unsafe.Add(ref rows.Out, channel + ox * rows.OutPitch));
        return acc;
    }
}
