using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// Depthwise 3x3 conv (padding 1) on whole planes. Each input plane is first copied into scratch with a
/// zero border, so that an output row is nine unit-stride vector multiply-adds with no edge cases. Stride 2
/// computes the stride-1 row at full width and keeps every other pixel: twice the multiply-adds, but all
/// vectorised, which beats de-interleaving the input element by element.
/// </summary>
public static class Depthwise
{
    public static int ScratchLength(int h, int w) => (h + 2) * (w + 2) + w;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Planes(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int stride, Activation act, Span<float> y, int first, int count, Span<float> scratch, VectorIsa isa)
    {
        int oh = ModelSpec.ConvOutSize(h, stride), ow = ModelSpec.ConvOutSize(w, stride);
        Span<float> padded = scratch[..((h + 2) * (w + 2))];
        Span<float> fullRow = scratch.Slice((h + 2) * (w + 2), w);
        for (int plane = first; plane < first + count; plane++)
        {
            int ch = plane % c;
            Span<float> dst = y.Slice(plane * oh * ow, oh * ow);
            ReadOnlySpan<float> k = weight.Slice(ch * 9, 9);
            PadPlane(x.Slice(plane * h * w, h * w), h, w, padded);
            for (int oy = 0; oy < oh; oy++)
            {
                ReadOnlySpan<float> rows = padded.Slice(oy * stride * (w + 2), 3 * (w + 2));
                Span<float> outRow = dst.Slice(oy * ow, ow);
                Span<float> target = stride == 1 ? outRow : fullRow;
                switch (isa)
                {
                    case VectorIsa.Vector512:
                        Row<Simd512, Vector512<float>>(rows, w, k, bias[ch], target);
                        break;
                    case VectorIsa.Vector256:
                        Row<Simd256, Vector256<float>>(rows, w, k, bias[ch], target);
                        break;
                    default:
                        Row<Simd128, Vector128<float>>(rows, w, k, bias[ch], target);
                        break;
                }
                if (stride != 1)
                {
                    for (int o = 0; o < ow; o++)
                    {
                        outRow[o] = fullRow[stride * o];
                    }
                }
            }
            CpuOps.ApplyActivation(dst, act);
        }
    }

    /// <summary>P[(h+2) x (w+2)] with P[y+1][x+1] = src[y][x] and zeros around.</summary>
    private static void PadPlane(ReadOnlySpan<float> src, int h, int w, Span<float> p)
    {
        int pw = w + 2;
        p[..pw].Clear();
        p.Slice((h + 1) * pw, pw).Clear();
        for (int yy = 0; yy < h; yy++)
        {
            Span<float> row = p.Slice((yy + 1) * pw, pw);
            row[0] = 0f;
            src.Slice(yy * w, w).CopyTo(row[1..]);
            row[w + 1] = 0f;
        }
    }

    /// <summary>One stride-1 output row of width w from three consecutive padded rows (pitch w + 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TS, TV>(ReadOnlySpan<float> rows, int w, ReadOnlySpan<float> k, float bias, Span<float> dst)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int width = TS.Width;
        ref float r0 = ref MemoryMarshal.GetReference(rows);
        ref float r1 = ref Unsafe.Add(ref r0, w + 2);
        ref float r2 = ref Unsafe.Add(ref r1, w + 2);
        ref float d = ref MemoryMarshal.GetReference(dst);
        int o = 0;
        if (w >= width)
        {
            TV vb = TS.Broadcast(bias);
            TV k00 = TS.Broadcast(k[0]), k01 = TS.Broadcast(k[1]), k02 = TS.Broadcast(k[2]);
            TV k10 = TS.Broadcast(k[3]), k11 = TS.Broadcast(k[4]), k12 = TS.Broadcast(k[5]);
            TV k20 = TS.Broadcast(k[6]), k21 = TS.Broadcast(k[7]), k22 = TS.Broadcast(k[8]);
            for (; o + width <= w; o += width)
            {
                TV acc = vb;
                acc = TS.MultiplyAdd(k00, TS.Load(ref Unsafe.Add(ref r0, o)), acc);
                acc = TS.MultiplyAdd(k01, TS.Load(ref Unsafe.Add(ref r0, o + 1)), acc);
                acc = TS.MultiplyAdd(k02, TS.Load(ref Unsafe.Add(ref r0, o + 2)), acc);
                acc = TS.MultiplyAdd(k10, TS.Load(ref Unsafe.Add(ref r1, o)), acc);
                acc = TS.MultiplyAdd(k11, TS.Load(ref Unsafe.Add(ref r1, o + 1)), acc);
                acc = TS.MultiplyAdd(k12, TS.Load(ref Unsafe.Add(ref r1, o + 2)), acc);
                acc = TS.MultiplyAdd(k20, TS.Load(ref Unsafe.Add(ref r2, o)), acc);
                acc = TS.MultiplyAdd(k21, TS.Load(ref Unsafe.Add(ref r2, o + 1)), acc);
                acc = TS.MultiplyAdd(k22, TS.Load(ref Unsafe.Add(ref r2, o + 2)), acc);
                TS.Store(acc, ref Unsafe.Add(ref d, o));
            }
        }
        // Narrow rows (14 and 7 pixels late in the network) would otherwise be all tail: go on with 4 lanes.
        for (; o + 4 <= w; o += 4)
        {
            var acc = Vector128.Create(bias);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[0]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r0, o)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[1]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r0, o + 1)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[2]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r0, o + 2)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[3]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r1, o)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[4]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r1, o + 1)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[5]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r1, o + 2)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[6]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r2, o)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[7]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r2, o + 1)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[8]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r2, o + 2)), acc);
            acc.StoreUnsafe(ref Unsafe.Add(ref d, o));
        }
        for (; o < w; o++)
        {
            float acc = bias;
            acc += k[0] * Unsafe.Add(ref r0, o) + k[1] * Unsafe.Add(ref r0, o + 1) + k[2] * Unsafe.Add(ref r0, o + 2);
            acc += k[3] * Unsafe.Add(ref r1, o) + k[4] * Unsafe.Add(ref r1, o + 1) + k[5] * Unsafe.Add(ref r1, o + 2);
            acc += k[6] * Unsafe.Add(ref r2, o) + k[7] * Unsafe.Add(ref r2, o + 1) + k[8] * Unsafe.Add(ref r2, o + 2);
            Unsafe.Add(ref d, o) = acc;
        }
    }
}
