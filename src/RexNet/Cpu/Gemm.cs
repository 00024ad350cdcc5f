using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RexNet.Cpu;

/// <summary>Which vector width the GEMM micro-kernel uses.</summary>
internal enum VectorIsa { Vector128, Vector256, Vector512 }

/// <summary>
/// Single-precision GEMM for 1x1 convs: C[M,N] = A[M,K] · B[K,N], all row-major, where A is the weight
/// matrix and B one image's channels x pixels. B is packed per column block into panels of
/// <see cref="PanelWidth"/> columns (k-major, zero-padded) so the micro-kernel streams it contiguously
/// from L1; the micro-kernel keeps a <see cref="RowTile"/> x PanelWidth tile of C in registers.
/// </summary>
internal static class Gemm
{
    public const int RowTile = 6;

    /// <summary>The widest vector the hardware accelerates; Vector128 is accelerated on x64 and ARM64 alike.</summary>
    public static VectorIsa BestIsa { get; } =
        Vector512.IsHardwareAccelerated ? VectorIsa.Vector512 :
        Vector256.IsHardwareAccelerated ? VectorIsa.Vector256 : VectorIsa.Vector128;

    /// <summary>Two vectors of columns per micro-tile.</summary>
    public static int PanelWidth(VectorIsa isa) => isa switch
    {
        VectorIsa.Vector512 => 32,
        VectorIsa.Vector256 => 16,
        _ => 8,
    };

    public static int PackedLength(int k, int columns, VectorIsa isa)
    {
        int nr = PanelWidth(isa);
        return k * ((columns + nr - 1) / nr * nr);
    }

    /// <summary>Packs B[0..k, j0..j0+nc) into panels: packed[panel][kk][0..NR), zero beyond column n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack(ReadOnlySpan<float> b, int n, int k, int j0, int nc, Span<float> packed, VectorIsa isa)
    {
        int nr = PanelWidth(isa);
        int panels = (nc + nr - 1) / nr;
        for (int p = 0; p < panels; p++)
        {
            int col = j0 + p * nr;
            int width = Math.Min(nr, j0 + nc - col);
            Span<float> dst = packed.Slice(p * k * nr, k * nr);
            for (int kk = 0; kk < k; kk++)
            {
                b.Slice(kk * n + col, width).CopyTo(dst.Slice(kk * nr, width));
                if (width < nr)
                {
                    dst.Slice(kk * nr + width, nr - width).Clear();
                }
            }
        }
    }

    /// <summary>
    /// C[i0..i1, j0..j0+nc) = act(A[i0..i1, 0..k) · packed B block (from <see cref="Pack"/>) + bias[row]): the
    /// bias and activation are applied to each tile in registers before it is stored.
    /// </summary>
    public static void MultiplyPacked(ReadOnlySpan<float> a, int k, ReadOnlySpan<float> packed, Span<float> c, int n,
        int i0, int i1, int j0, int nc, ReadOnlySpan<float> bias, Model.Activation act, VectorIsa isa)
    {
        // The micro-kernel uses unchecked refs: check the whole extent once here.
        if (a.Length < (long)i1 * k || c.Length < (long)(i1 - 1) * n + j0 + nc || packed.Length < PackedLength(k, nc, isa) ||
            bias.Length < i1)
        {
            throw new ArgumentException("GEMM operands are smaller than the requested block");
        }
        switch (isa)
        {
            case VectorIsa.Vector512:
                MultiplyPacked<Simd512, Vector512<float>>(a, k, packed, c, n, i0, i1, j0, nc, bias, act);
                break;
            case VectorIsa.Vector256:
                MultiplyPacked<Simd256, Vector256<float>>(a, k, packed, c, n, i0, i1, j0, nc, bias, act);
                break;
            default:
                MultiplyPacked<Simd128, Vector128<float>>(a, k, packed, c, n, i0, i1, j0, nc, bias, act);
                break;
        }
    }

    /// <summary>The whole product on one thread (allocates its packing buffer): the reference entry point.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, VectorIsa isa)
    {
        var packed = new float[PackedLength(k, n, isa)];
        Pack(b, n, k, 0, n, packed, isa);
        MultiplyPacked(a, k, packed, c, n, 0, m, 0, n, new float[m], Model.Activation.None, isa);
    }

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPacked<TS, TV>(ReadOnlySpan<float> a, int k, ReadOnlySpan<float> packed, Span<float> c, int n,
        int i0, int i1, int j0, int nc, ReadOnlySpan<float> bias, Model.Activation act)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int nr = 2 * TS.Width;
        int panels = (nc + nr - 1) / nr;
        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float pRef = ref MemoryMarshal.GetReference(packed);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        ref float biasRef = ref MemoryMarshal.GetReference(bias);
        Span<float> edge = stackalloc float[RowTile * 32];
        ref float edgeRef = ref MemoryMarshal.GetReference(edge);
        for (int p = 0; p < panels; p++)
        {
            int col = j0 + p * nr;
            int width = Math.Min(nr, j0 + nc - col);
            ref float panel = ref Unsafe.Add(ref pRef, p * k * nr);
            for (int i = i0; i < i1; i += RowTile)
            {
                int rows = Math.Min(RowTile, i1 - i);
                ref float aRow = ref Unsafe.Add(ref aRef, i * k);
                // Full tiles store straight into C; edge tiles go through a small stack buffer.
                bool direct = width == nr;
                ref float dst = ref direct ? ref Unsafe.Add(ref cRef, i * n + col) : ref edgeRef;
                int ldc = direct ? n : nr;
                if (rows == RowTile)
                {
                    Tile6<TS, TV>(ref aRow, k, ref panel, k, ref dst, ldc);
                }
                else
                {
                    for (int r = 0; r < rows; r++)
                    {
                        Tile1<TS, TV>(ref Unsafe.Add(ref aRow, r * k), ref panel, k, ref Unsafe.Add(ref dst, r * ldc));
                    }
                }
                // The tile is still in L1: bias and activation cost one pass over 6 x 2 vectors.
                Epilogue<TS, TV>(ref dst, ldc, rows, ref Unsafe.Add(ref biasRef, i), act);
                if (!direct)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        edge.Slice(r * nr, width).CopyTo(c.Slice((i + r) * n + col, width));
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6<TS, TV>(ref float a, int lda, ref float panel, int k, ref float c, int ldc)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Width;
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        ref float a0 = ref a;
        ref float a1 = ref Unsafe.Add(ref a, lda);
        ref float a2 = ref Unsafe.Add(ref a, 2 * lda);
        ref float a3 = ref Unsafe.Add(ref a, 3 * lda);
        ref float a4 = ref Unsafe.Add(ref a, 4 * lda);
        ref float a5 = ref Unsafe.Add(ref a, 5 * lda);
        ref float pk = ref panel;
        for (int kk = 0; kk < k; kk++)
        {
            TV b0 = TS.Load(ref pk), b1 = TS.Load(ref Unsafe.Add(ref pk, w));
            pk = ref Unsafe.Add(ref pk, 2 * w);
            TV v = TS.Broadcast(Unsafe.Add(ref a0, kk));
            c00 = TS.MultiplyAdd(v, b0, c00); c01 = TS.MultiplyAdd(v, b1, c01);
            v = TS.Broadcast(Unsafe.Add(ref a1, kk));
            c10 = TS.MultiplyAdd(v, b0, c10); c11 = TS.MultiplyAdd(v, b1, c11);
            v = TS.Broadcast(Unsafe.Add(ref a2, kk));
            c20 = TS.MultiplyAdd(v, b0, c20); c21 = TS.MultiplyAdd(v, b1, c21);
            v = TS.Broadcast(Unsafe.Add(ref a3, kk));
            c30 = TS.MultiplyAdd(v, b0, c30); c31 = TS.MultiplyAdd(v, b1, c31);
            v = TS.Broadcast(Unsafe.Add(ref a4, kk));
            c40 = TS.MultiplyAdd(v, b0, c40); c41 = TS.MultiplyAdd(v, b1, c41);
            v = TS.Broadcast(Unsafe.Add(ref a5, kk));
            c50 = TS.MultiplyAdd(v, b0, c50); c51 = TS.MultiplyAdd(v, b1, c51);
        }
        TS.Store(c00, ref c); TS.Store(c01, ref Unsafe.Add(ref c, w));
        c = ref Unsafe.Add(ref c, ldc);
        TS.Store(c10, ref c); TS.Store(c11, ref Unsafe.Add(ref c, w));
        c = ref Unsafe.Add(ref c, ldc);
        TS.Store(c20, ref c); TS.Store(c21, ref Unsafe.Add(ref c, w));
        c = ref Unsafe.Add(ref c, ldc);
        TS.Store(c30, ref c); TS.Store(c31, ref Unsafe.Add(ref c, w));
        c = ref Unsafe.Add(ref c, ldc);
        TS.Store(c40, ref c); TS.Store(c41, ref Unsafe.Add(ref c, w));
        c = ref Unsafe.Add(ref c, ldc);
        TS.Store(c50, ref c); TS.Store(c51, ref Unsafe.Add(ref c, w));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1<TS, TV>(ref float a, ref float panel, int k, ref float c)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Width;
        TV c0 = TS.Zero, c1 = TS.Zero;
        ref float pk = ref panel;
        for (int kk = 0; kk < k; kk++)
        {
            TV v = TS.Broadcast(Unsafe.Add(ref a, kk));
            c0 = TS.MultiplyAdd(v, TS.Load(ref pk), c0);
            c1 = TS.MultiplyAdd(v, TS.Load(ref Unsafe.Add(ref pk, w)), c1);
            pk = ref Unsafe.Add(ref pk, 2 * w);
        }
        TS.Store(c0, ref c);
        TS.Store(c1, ref Unsafe.Add(ref c, w));
    }

    /// <summary>
    /// c[r, 0..2W) = act(c[r, 0..2W) + bias[r]) for a stored tile. Kept out of the micro-kernels so that the
    /// activation's temporaries do not push their accumulators out of registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Epilogue<TS, TV>(ref float c, int ldc, int rows, ref float bias, Model.Activation act)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int w = TS.Width;
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref c, r * ldc);
            float b = Unsafe.Add(ref bias, r);
            TS.Store(SimdEpilogue.Apply<TS, TV>(TS.Load(ref row), b, act), ref row);
            TS.Store(SimdEpilogue.Apply<TS, TV>(TS.Load(ref Unsafe.Add(ref row, w)), b, act), ref Unsafe.Add(ref row, w));
        }
    }
}
