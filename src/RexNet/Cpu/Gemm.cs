using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RexNet.Model;

namespace RexNet.Cpu;

/// <summary>
/// The GEMM over channels-last pixels: y[p, c] = act(sum_k x[p, k] W[c, k] + bias[c]) (+ residual[p, c] for the
/// first residual vectors), for pixels [0, pixels) and output-channel vectors [v0, v1). x is read in place
/// (row pitch ldx; with column offsets, x[p, k] is x[p*ldx + offsets[k]], which is how the stem reads its
/// 3x3 taps); W comes packed (<see cref="PackedWeights"/>). Each panel of output vectors is swept over all
/// the pixels so its weights stay in L1, in register tiles sized for the machine's vector registers.
/// y and residual start at vector v0 (so that a block of channels can be written to a narrower buffer);
/// the residual is added to output vectors below residualVectors.
/// </summary>
internal static class Gemm<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, nint ldx, ReadOnlySpan<int> offsets, int pixels, PackedWeights w, int v0, int v1,
        Span<float> y, nint ldy, Activation act, ReadOnlySpan<float> residual = default, nint ldr = 0, int residualVectors = 0)
    {
        int vf = TS.Width;
        if (w.VectorFloats != vf || v0 < 0 || v1 > w.Vectors || v0 >= v1 || pixels < 1)
        {
            throw new RexNetException(RexNetErrorCode.Internal, $"GEMM over vectors [{v0}, {v1}) of {w.Vectors} ({w.VectorFloats} floats) does not fit {vf}-float vectors");
        }
        int lastColumn = w.K - 1;
        foreach (int o in offsets)
        {
            lastColumn = Math.Max(lastColumn, o);
        }
        int withResidual = Math.Min(v1, residualVectors);
        // The kernels use unchecked refs: check each operand's whole extent once here.
        if ((offsets.Length != 0 && offsets.Length != w.K) || (pixels - 1) * ldx + lastColumn >= x.Length ||
            (pixels - 1) * ldy + (v1 - v0) * vf > y.Length ||
            (withResidual > v0 && (pixels - 1) * ldr + (withResidual - v0) * vf > residual.Length))
        {
            throw new RexNetException(RexNetErrorCode.Internal, "GEMM operands are smaller than the requested block");
        }
        switch (act)
        {
            case Activation.Silu:
                Panels<SiluActivation>(x, ldx, offsets, pixels, w, v0, v1, y, ldy, residual, ldr, residualVectors);
                break;
            case Activation.Relu6:
                Panels<Relu6Activation>(x, ldx, offsets, pixels, w, v0, v1, y, ldy, residual, ldr, residualVectors);
                break;
            default:
                Panels<Identity>(x, ldx, offsets, pixels, w, v0, v1, y, ldy, residual, ldr, residualVectors);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panels<TAct>(ReadOnlySpan<float> x, nint ldx, ReadOnlySpan<int> offsets, int pixels, PackedWeights w, int v0, int v1,
        Span<float> y, nint ldy, ReadOnlySpan<float> residual, nint ldr, int residualVectors) where TAct : struct, IActivation
    {
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref int offRef = ref MemoryMarshal.GetReference(offsets);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        ref float rRef = ref MemoryMarshal.GetReference(residual);
        ref float wRef = ref MemoryMarshal.GetReference(w.Data.Span);
        ref float bRef = ref MemoryMarshal.GetReference(w.Bias.Span);
        bool indexed = !offsets.IsEmpty;
        bool wide = w.PanelVectors >= 4;
        int vf = TS.Width;
        // A deep K is cut into blocks: each block's weights stay in L1 while every pixel tile of a panel passes,
        // and its slab of activations stays in L2 while every panel passes (the whole of them would not).
        int kBlock = indexed || w.K <= 2 * KBlock ? w.K : KBlock;
        for (int k0 = 0; k0 < w.K; k0 += kBlock)
        {
            for (int v = v0; v < v1;)
            {
                int nv = Math.Min(w.VectorsLeftInPanel(v), v1 - v);
                var (offset, ldw) = w.Locate(v);
                var p = new PanelArgs(ref Unsafe.Add(ref xRef, k0), ldx, ref offRef, pixels, ref Unsafe.Add(ref wRef, offset + k0 * ldw), ldw,
                    Math.Min(kBlock, w.K - k0), ref Unsafe.Add(ref yRef, (v - v0) * vf), ldy, ref Unsafe.Add(ref bRef, v * vf),
                    ref Unsafe.Add(ref rRef, (v - v0) * vf), ldr, residualVectors - v, k0 > 0, k0 + kBlock >= w.K);
                Dispatch<TAct>(p, nv, wide, indexed);
                v += Math.Min(nv, 4);
            }
        }
    }

    /// <summary>Multiply-adds over k in blocks of this many when K is deeper than twice it: 192 k of a 4-vector panel of 512-bit vectors is 48 KiB.</summary>
    private const int KBlock = 192;

    private static void Dispatch<TAct>(PanelArgs p, int nv, bool wide, bool indexed) where TAct : struct, IActivation
    {
            switch (nv, wide, indexed)
            {
                case (>= 4, _, false): Panel<TAct, Tile6x4, Tile1x4, ContiguousColumns>(p); break;
                case (>= 4, _, true): Panel<TAct, Tile6x4, Tile1x4, IndexedColumns>(p); break;
                case (3, true, false): Panel<TAct, Tile8x3, Tile1x3, ContiguousColumns>(p); break;
                case (3, true, true): Panel<TAct, Tile8x3, Tile1x3, IndexedColumns>(p); break;
                case (3, false, false): Panel<TAct, Tile4x3, Tile1x3, ContiguousColumns>(p); break;
                case (3, false, true): Panel<TAct, Tile4x3, Tile1x3, IndexedColumns>(p); break;
                case (2, true, false): Panel<TAct, Tile12x2, Tile1x2, ContiguousColumns>(p); break;
                case (2, true, true): Panel<TAct, Tile12x2, Tile1x2, IndexedColumns>(p); break;
                case (2, false, false): Panel<TAct, Tile6x2, Tile1x2, ContiguousColumns>(p); break;
                case (2, false, true): Panel<TAct, Tile6x2, Tile1x2, IndexedColumns>(p); break;
                case (_, true, false): Panel<TAct, Tile16x1, Tile1x1, ContiguousColumns>(p); break;
                case (_, true, true): Panel<TAct, Tile16x1, Tile1x1, IndexedColumns>(p); break;
                case (_, false, false): Panel<TAct, Tile12x1, Tile1x1, ContiguousColumns>(p); break;
                case (_, false, true): Panel<TAct, Tile12x1, Tile1x1, IndexedColumns>(p); break;
            }
    }

    /// <summary>One panel of output vectors over every pixel, positioned at the panel's first vector.</summary>
    private readonly ref struct PanelArgs(ref float x, nint ldx, ref int offsets, int pixels, ref float w, nint ldw, int k,
        ref float y, nint ldy, ref float bias, ref float residual, nint ldr, int residualVectors, bool accumulate, bool last)
    {
        /// <summary>Whether this block of k adds to what the earlier blocks stored, and whether the epilogue follows it.</summary>
        public readonly bool Accumulate = accumulate, Last = last;
        public readonly ref float X = ref x;
        public readonly ref int Offsets = ref offsets;
        public readonly ref float W = ref w;
        public readonly ref float Y = ref y;
        public readonly ref float Bias = ref bias;
        public readonly ref float Residual = ref residual;
        public readonly nint Ldx = ldx, Ldw = ldw, Ldy = ldy, Ldr = ldr;
        public readonly int Pixels = pixels, K = k, ResidualVectors = residualVectors;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panel<TAct, TT, TR, TA>(PanelArgs a)
        where TAct : struct, IActivation where TT : struct, ITileShape where TR : struct, ITileShape where TA : struct, IColumnAddressing
    {
        int mr = TT.Rows;
        int p = 0;
        for (; p + mr <= a.Pixels; p += mr)
        {
            TileAndEpilogue<TAct, TT, TA>(a, p);
        }
        int rest = a.Pixels - p;
        if (rest == 0)
        {
            return;
        }
        // A 1-row tile does about 4/5 of a full tile's work per row: past that, recompute a whole tile that
        // overlaps the last one (same values, so idempotent) instead, unless k comes in blocks (which accumulate).
        if (a.Pixels >= mr && rest * 5 >= mr * 4 && a.Last && !a.Accumulate)
        {
            TileAndEpilogue<TAct, TT, TA>(a, a.Pixels - mr);
            return;
        }
        for (; p < a.Pixels; p++)
        {
            TileAndEpilogue<TAct, TR, TA>(a, p);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileAndEpilogue<TAct, TT, TA>(PanelArgs a, int p)
        where TAct : struct, IActivation where TT : struct, ITileShape where TA : struct, IColumnAddressing
    {
        ref float y = ref Unsafe.Add(ref a.Y, p * a.Ldy);
        GemmKernel.Tile<TS, TV, TT, TA>(ref Unsafe.Add(ref a.X, p * a.Ldx), a.Ldx, ref a.Offsets, ref a.W, a.Ldw, a.K, ref y, a.Ldy, a.Accumulate);
        if (a.Last)
        {
            Epilogue<TAct, TT>(ref y, a.Ldy, ref a.Bias, ref Unsafe.Add(ref a.Residual, p * a.Ldr), a.Ldr, a.ResidualVectors);
        }
    }

    /// <summary>y = act(y + bias) (+ residual on the first residualVectors vectors) over a stored tile, still in L1.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Epilogue<TAct, TT>(ref float y, nint ldy, ref float bias, ref float residual, nint ldr, int residualVectors)
        where TAct : struct, IActivation where TT : struct, ITileShape
    {
        nint vf = TS.Width;
        for (int v = 0; v < TT.Vectors; v++)
        {
            TV b = TS.Load(ref Unsafe.Add(ref bias, v * vf));
            bool add = v < residualVectors;
            for (int r = 0; r < TT.Rows; r++)
            {
                ref float cell = ref Unsafe.Add(ref y, r * ldy + v * vf);
                TV value = TAct.Apply<TS, TV>(TS.Add(TS.Load(ref cell), b));
                if (add)
                {
                    value = TS.Add(value, TS.Load(ref Unsafe.Add(ref residual, r * ldr + v * vf)));
                }
                TS.Store(value, ref cell);
            }
        }
    }
}
