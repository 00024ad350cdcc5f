using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// Depthwise 3x3 conv (padding 1) on whole planes, so that every output row is nine unit-stride vector
/// multiply-adds with no edge cases. Stride 1 first copies the input plane into scratch with a zero
/// border. Stride 2 first splits each input row into its even and odd columns (E[i] = padded[2i],
/// O[i] = padded[2i+1]), after which the three taps of output pixel o are E[o], O[o] and E[o+1].
/// </summary>
internal static class Depthwise
{
    public static int ScratchLength(int h, int w) =>
        Math.Max((h + 2) * (w + 2), 2 * (h + 2) * (ModelSpec.ConvOutSize(w, 2) + 1));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Planes(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int stride, Activation act, Span<float> y, int first, int count, Span<float> scratch, VectorIsa isa)
    {
        int oh = ModelSpec.ConvOutSize(h, stride), ow = ModelSpec.ConvOutSize(w, stride);
        // Row pitch of the prepared plane(s), and where the odd-column plane starts (stride 2).
        int pitch = stride == 1 ? w + 2 : ow + 1;
        int odd = (h + 2) * pitch;
        for (int plane = first; plane < first + count; plane++)
        {
            int ch = plane % c;
            Span<float> dst = y.Slice(plane * oh * ow, oh * ow);
            ReadOnlySpan<float> k = weight.Slice(ch * 9, 9);
            if (stride == 1)
            {
                PadPlane(x.Slice(plane * h * w, h * w), h, w, scratch);
            }
            else
            {
                SplitPlane(x.Slice(plane * h * w, h * w), h, w, pitch, scratch);
            }
            ref float s = ref MemoryMarshal.GetReference(scratch);
            for (int oy = 0; oy < oh; oy++)
            {
                ref float r0 = ref Unsafe.Add(ref s, oy * stride * pitch);
                var taps = stride == 1
                    ? new Taps(ref r0, 1, 2, pitch)
                    : new Taps(ref r0, odd, 1, pitch);
                Span<float> outRow = dst.Slice(oy * ow, ow);
                switch (isa)
                {
                    case VectorIsa.Vector512:
                        Row<Simd512, Vector512<float>>(taps, k, bias[ch], outRow);
                        break;
                    case VectorIsa.Vector256:
                        Row<Simd256, Vector256<float>>(taps, k, bias[ch], outRow);
                        break;
                    default:
                        Row<Simd128, Vector128<float>>(taps, k, bias[ch], outRow);
                        break;
                }
            }
            CpuOps.ApplyActivation(dst, act);
        }
    }

    /// <summary>Where the three column taps of output pixel 0 start in each of three rows: at row, row+t1, row+t2.</summary>
    private readonly ref struct Taps(ref float row0, int tap1, int tap2, int pitch)
    {
        public readonly ref float Row0 = ref row0;
        public readonly int Tap1 = tap1, Tap2 = tap2, Pitch = pitch;
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

    /// <summary>
    /// E and O, each (h+2) rows of <paramref name="pitch"/> = ow+1, with zero first and last rows:
    /// E[y+1][i] = src[y][2i-1] (0 for i = 0) and O[y+1][i] = src[y][2i], zero past the row's end.
    /// </summary>
    private static void SplitPlane(ReadOnlySpan<float> src, int h, int w, int pitch, Span<float> scratch)
    {
        Span<float> even = scratch[..((h + 2) * pitch)];
        Span<float> odd = scratch.Slice((h + 2) * pitch, (h + 2) * pitch);
        even[..pitch].Clear();
        odd[..pitch].Clear();
        even.Slice((h + 1) * pitch, pitch).Clear();
        odd.Slice((h + 1) * pitch, pitch).Clear();
        for (int yy = 0; yy < h; yy++)
        {
            ReadOnlySpan<float> row = src.Slice(yy * w, w);
            Span<float> e = even.Slice((yy + 1) * pitch, pitch);
            Span<float> o = odd.Slice((yy + 1) * pitch, pitch);
            e[0] = 0f;
            int i = 0;
            if (Sse.IsSupported)
            {
                // Eight source pixels give four even ones (to O) and four odd ones (to E, one place on).
                for (; 2 * i + 8 <= w && i + 5 <= pitch; i += 4)
                {
                    var a = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(row), (nuint)(2 * i));
                    var b = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(row), (nuint)(2 * i + 4));
                    Sse.Shuffle(a, b, 0b10_00_10_00).StoreUnsafe(ref MemoryMarshal.GetReference(o), (nuint)i);
                    Sse.Shuffle(a, b, 0b11_01_11_01).StoreUnsafe(ref MemoryMarshal.GetReference(e), (nuint)(i + 1));
                }
            }
            for (; i < pitch; i++)
            {
                o[i] = 2 * i < w ? row[2 * i] : 0f;
                if (i + 1 < pitch)
                {
                    e[i + 1] = 2 * i + 1 < w ? row[2 * i + 1] : 0f;
                }
            }
        }
    }

    /// <summary>One output row: out[o] = bias + sum over three rows r and taps t of k[r][t] * row_r[t][o].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TS, TV>(Taps taps, ReadOnlySpan<float> k, float bias, Span<float> dst)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int width = TS.Width, ow = dst.Length, t1 = taps.Tap1, t2 = taps.Tap2;
        ref float r0 = ref taps.Row0;
        ref float r1 = ref Unsafe.Add(ref r0, taps.Pitch);
        ref float r2 = ref Unsafe.Add(ref r1, taps.Pitch);
        ref float d = ref MemoryMarshal.GetReference(dst);
        int o = 0;
        if (ow >= width)
        {
            TV vb = TS.Broadcast(bias);
            TV k00 = TS.Broadcast(k[0]), k01 = TS.Broadcast(k[1]), k02 = TS.Broadcast(k[2]);
            TV k10 = TS.Broadcast(k[3]), k11 = TS.Broadcast(k[4]), k12 = TS.Broadcast(k[5]);
            TV k20 = TS.Broadcast(k[6]), k21 = TS.Broadcast(k[7]), k22 = TS.Broadcast(k[8]);
            for (; o + width <= ow; o += width)
            {
                TV acc = vb;
                acc = TS.MultiplyAdd(k00, TS.Load(ref Unsafe.Add(ref r0, o)), acc);
                acc = TS.MultiplyAdd(k01, TS.Load(ref Unsafe.Add(ref r0, o + t1)), acc);
                acc = TS.MultiplyAdd(k02, TS.Load(ref Unsafe.Add(ref r0, o + t2)), acc);
                acc = TS.MultiplyAdd(k10, TS.Load(ref Unsafe.Add(ref r1, o)), acc);
                acc = TS.MultiplyAdd(k11, TS.Load(ref Unsafe.Add(ref r1, o + t1)), acc);
                acc = TS.MultiplyAdd(k12, TS.Load(ref Unsafe.Add(ref r1, o + t2)), acc);
                acc = TS.MultiplyAdd(k20, TS.Load(ref Unsafe.Add(ref r2, o)), acc);
                acc = TS.MultiplyAdd(k21, TS.Load(ref Unsafe.Add(ref r2, o + t1)), acc);
                acc = TS.MultiplyAdd(k22, TS.Load(ref Unsafe.Add(ref r2, o + t2)), acc);
                TS.Store(acc, ref Unsafe.Add(ref d, o));
            }
        }
        // Narrow rows (14 and 7 pixels late in the network) would otherwise be all tail: go on with 4 lanes.
        for (; o + 4 <= ow; o += 4)
        {
            var acc = Vector128.Create(bias);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[0]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r0, o)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[1]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r0, o + t1)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[2]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r0, o + t2)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[3]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r1, o)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[4]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r1, o + t1)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[5]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r1, o + t2)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[6]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r2, o)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[7]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r2, o + t1)), acc);
            acc = Vector128.FusedMultiplyAdd(Vector128.Create(k[8]), Vector128.LoadUnsafe(ref Unsafe.Add(ref r2, o + t2)), acc);
            acc.StoreUnsafe(ref Unsafe.Add(ref d, o));
        }
        for (; o < ow; o++)
        {
            float acc = bias;
            acc += k[0] * Unsafe.Add(ref r0, o) + k[1] * Unsafe.Add(ref r0, o + t1) + k[2] * Unsafe.Add(ref r0, o + t2);
            acc += k[3] * Unsafe.Add(ref r1, o) + k[4] * Unsafe.Add(ref r1, o + t1) + k[5] * Unsafe.Add(ref r1, o + t2);
            acc += k[6] * Unsafe.Add(ref r2, o) + k[7] * Unsafe.Add(ref r2, o + t1) + k[8] * Unsafe.Add(ref r2, o + t2);
            Unsafe.Add(ref d, o) = acc;
        }
    }
}
