using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>A depthwise 3x3 conv's weights as [tap][channel] (channels padded with zeros) and its padded bias.</summary>
internal sealed class DepthwiseWeights
{
    public int PaddedChannels { get; }

    /// <summary>Tap t = ky*3 + kx of channel c at t * PaddedChannels + c.</summary>
    public AlignedFloats Taps { get; }

    public AlignedFloats Bias { get; }

    public DepthwiseWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int channels, VectorIsa isa)
    {
        if (weight.Length != channels * 9 || bias.Length != channels)
        {
            throw new RexNetException(RexNetErrorCode.Internal, $"a depthwise 3x3 conv over {channels} channels needs {channels * 9} weights and {channels} biases");
        }
        PaddedChannels = isa.PadChannels(channels);
        Taps = new AlignedFloats(9 * PaddedChannels);
        Bias = new AlignedFloats(PaddedChannels);
        bias.CopyTo(Bias.Span);
        var taps = Taps.Span;
        for (int c = 0; c < channels; c++)
        {
            for (int t = 0; t < 9; t++)
            {
                taps[t * PaddedChannels + c] = weight[c * 9 + t];
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            throw new RexNetException(RexNetErrorCode.Internal, "depthwise row operands are smaller than the requested row");
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

    /// <summary>
    /// Every row of one channels-last image [h, w, PaddedChannels] into [oh, ow, PaddedChannels]; the rows above and
    /// below it read <paramref name="zeros"/> (at least w * PaddedChannels floats).
    /// </summary>
    public static void Image(ReadOnlySpan<float> x, int h, int w, int stride, DepthwiseWeights weights, Activation act,
        Span<float> y, ReadOnlySpan<float> zeros)
    {
        int pitch = weights.PaddedChannels, oh = ModelSpec.ConvOutSize(h, stride), ow = ModelSpec.ConvOutSize(w, stride);
        for (int oy = 0; oy < oh; oy++)
        {
            int iy = oy * stride - 1;
            Row(InputRow(x, iy, h, w * pitch, zeros), InputRow(x, iy + 1, h, w * pitch, zeros), InputRow(x, iy + 2, h, w * pitch, zeros),
                pitch, w, stride, weights.Taps.Span, pitch, weights.Bias.Span, pitch / TS.Width, y.Slice(oy * ow * pitch, ow * pitch),
                pitch, ow, act, default);
        }
    }

    private static ReadOnlySpan<float> InputRow(ReadOnlySpan<float> x, int iy, int h, int row, ReadOnlySpan<float> zeros) =>
        (uint)iy < (uint)h ? x.Slice(iy * row, row) : zeros;

    private readonly ref struct RowRefs(ref float r0, ref float r1, ref float r2, nint inPitch, int inW, int stride,
        ref float output, nint outPitch, int outW)
    {
        public readonly ref float R0 = ref r0, R1 = ref r1, R2 = ref r2, Out = ref output;
        public readonly nint InPitch = inPitch, OutPitch = outPitch;
        public readonly int InW = inW, Stride = stride, OutW = outW;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            TV sum = Vector<TAct>(rows, ref Unsafe.Add(ref t, v * vf), tapPitch, TS.Load(ref Unsafe.Add(ref b, v * vf)), v * vf, interiorEnd);
            if (!sums.IsEmpty)
            {
                TS.Store(sum, ref Unsafe.Add(ref s, v * vf));
            }
        }
    }

    /// <summary>One channel vector along the row; returns the sum of its outputs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TV Vector<TAct>(RowRefs rows, ref float t, nint tapPitch, TV bias, nint channel, int interiorEnd) where TAct : struct, IActivation
    {
        TV k00 = TS.Load(ref t), k01 = TS.Load(ref Unsafe.Add(ref t, tapPitch)), k02 = TS.Load(ref Unsafe.Add(ref t, 2 * tapPitch));
        TV k10 = TS.Load(ref Unsafe.Add(ref t, 3 * tapPitch)), k11 = TS.Load(ref Unsafe.Add(ref t, 4 * tapPitch)), k12 = TS.Load(ref Unsafe.Add(ref t, 5 * tapPitch));
        TV k20 = TS.Load(ref Unsafe.Add(ref t, 6 * tapPitch)), k21 = TS.Load(ref Unsafe.Add(ref t, 7 * tapPitch)), k22 = TS.Load(ref Unsafe.Add(ref t, 8 * tapPitch));
        nint ip = rows.InPitch, op = rows.OutPitch, step = rows.Stride * ip;
        ref float r0 = ref Unsafe.Add(ref rows.R0, channel);
        ref float r1 = ref Unsafe.Add(ref rows.R1, channel);
        ref float r2 = ref Unsafe.Add(ref rows.R2, channel);
        ref float o = ref Unsafe.Add(ref rows.Out, channel);

        // Pixel 0: its left column is padding (and its right one too when the row is one pixel wide).
        TV first = Column(bias, k01, k11, k21, ref r0, ref r1, ref r2, 0);
        if (rows.InW > 1)
        {
            first = Column(first, k02, k12, k22, ref r0, ref r1, ref r2, ip);
        }
        first = TAct.Apply<TS, TV>(first);
        TS.Store(first, ref o);
        TV sum = first;

        // Left column of pixel 1, then one stride per pixel.
        ref float a0 = ref Unsafe.Add(ref r0, (rows.Stride - 1) * ip);
        ref float a1 = ref Unsafe.Add(ref r1, (rows.Stride - 1) * ip);
        ref float a2 = ref Unsafe.Add(ref r2, (rows.Stride - 1) * ip);
        ref float po = ref Unsafe.Add(ref o, op);
        for (int ox = 1; ox < interiorEnd; ox++)
        {
            // One chain per kernel row, summed at the end: nine chained multiply-adds would be ~40 cycles of
            // latency per pixel, more than the out-of-order window can hide.
            TV acc0 = TS.MultiplyAdd(k00, TS.Load(ref a0), bias);
            TV acc1 = TS.Multiply(k10, TS.Load(ref a1));
            TV acc2 = TS.Multiply(k20, TS.Load(ref a2));
            acc0 = TS.MultiplyAdd(k01, TS.Load(ref Unsafe.Add(ref a0, ip)), acc0);
            acc1 = TS.MultiplyAdd(k11, TS.Load(ref Unsafe.Add(ref a1, ip)), acc1);
            acc2 = TS.MultiplyAdd(k21, TS.Load(ref Unsafe.Add(ref a2, ip)), acc2);
            acc0 = TS.MultiplyAdd(k02, TS.Load(ref Unsafe.Add(ref a0, 2 * ip)), acc0);
            acc1 = TS.MultiplyAdd(k12, TS.Load(ref Unsafe.Add(ref a1, 2 * ip)), acc1);
            acc2 = TS.MultiplyAdd(k22, TS.Load(ref Unsafe.Add(ref a2, 2 * ip)), acc2);
            TV acc = TAct.Apply<TS, TV>(TS.Add(TS.Add(acc0, acc1), acc2));
            sum = TS.Add(sum, acc);
            TS.Store(acc, ref po);
            a0 = ref Unsafe.Add(ref a0, step);
            a1 = ref Unsafe.Add(ref a1, step);
            a2 = ref Unsafe.Add(ref a2, step);
            po = ref Unsafe.Add(ref po, op);
        }

        // The last pixel, when its right column is padding (an odd width at stride 2, every width at stride 1).
        for (int ox = interiorEnd; ox < rows.OutW; ox++)
        {
            nint c = (nint)ox * rows.Stride * ip;
            TV last = Column(bias, k00, k10, k20, ref r0, ref r1, ref r2, c - ip);
            last = TAct.Apply<TS, TV>(Column(last, k01, k11, k21, ref r0, ref r1, ref r2, c));
            TS.Store(last, ref Unsafe.Add(ref o, ox * op));
            sum = TS.Add(sum, last);
        }
        return sum;
    }

    /// <summary>acc + one column of taps (k0, k1, k2 down the three rows) at the given offset in each row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Column(TV acc, TV k0, TV k1, TV k2, ref float r0, ref float r1, ref float r2, nint offset)
    {
        acc = TS.MultiplyAdd(k0, TS.Load(ref Unsafe.Add(ref r0, offset)), acc);
        acc = TS.MultiplyAdd(k1, TS.Load(ref Unsafe.Add(ref r1, offset)), acc);
        return TS.MultiplyAdd(k2, TS.Load(ref Unsafe.Add(ref r2, offset)), acc);
    }
}
