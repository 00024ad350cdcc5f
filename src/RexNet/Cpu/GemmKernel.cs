using System.Runtime.CompilerServices;

namespace RexNet.Cpu;

/// <summary>A register tile: <see cref="Rows"/> pixels by <see cref="Vectors"/> vectors of output channels.</summary>
internal interface ITileShape
{
    static abstract int Rows { get; }
    static abstract int Vectors { get; }
}

// 24 accumulators (plus the weights and a broadcast) fill 32 vector registers; 12 fill 16.
internal readonly struct Tile6x4 : ITileShape { public static int Rows => 6; public static int Vectors => 4; }
internal readonly struct Tile8x3 : ITileShape { public static int Rows => 8; public static int Vectors => 3; }
internal readonly struct Tile12x2 : ITileShape { public static int Rows => 12; public static int Vectors => 2; }
internal readonly struct Tile16x1 : ITileShape { public static int Rows => 16; public static int Vectors => 1; }
internal readonly struct Tile4x3 : ITileShape { public static int Rows => 4; public static int Vectors => 3; }
internal readonly struct Tile6x2 : ITileShape { public static int Rows => 6; public static int Vectors => 2; }
internal readonly struct Tile12x1 : ITileShape { public static int Rows => 12; public static int Vectors => 1; }
internal readonly struct Tile1x4 : ITileShape { public static int Rows => 1; public static int Vectors => 4; }
internal readonly struct Tile1x3 : ITileShape { public static int Rows => 1; public static int Vectors => 3; }
internal readonly struct Tile1x2 : ITileShape { public static int Rows => 1; public static int Vectors => 2; }
internal readonly struct Tile1x1 : ITileShape { public static int Rows => 1; public static int Vectors => 1; }

/// <summary>How the GEMM finds x[row, k]: at x + row*ldx + k (a 1x1 conv), or x + row*ldx + offsets[k] (the stem's taps).</summary>
internal interface IColumnAddressing
{
    static abstract bool Indexed { get; }
}

internal readonly struct ContiguousColumns : IColumnAddressing { public static bool Indexed => false; }
internal readonly struct IndexedColumns : IColumnAddressing { public static bool Indexed => true; }

/// <summary>
/// The GEMM micro-kernel over channels-last data: y[r, v] = sum_k x[r, k] w[k, v] for a tile of pixels r and
/// output-channel vectors v. Each step broadcasts one activation per pixel and multiplies it into the tile's
/// weight vectors, which the packed weights hold contiguously per k (<see cref="PackedWeights"/>), so the
/// activations are read where they lie, with no packing. With accumulate the tile starts from what y holds
/// (a later block of k) instead of zero. The tile is stored raw; the caller's epilogue
/// (bias, activation, residual) runs after it, because calling out from inside the tile would make the JIT
/// spill the accumulators.
/// </summary>
internal static class GemmKernel
{
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Tile<TS, TV, TT, TA>(ref float x, nint ldx, ref int offsets, ref float w, nint ldw, int k, ref float y, nint ldy,
        bool accumulate)
        where TS : struct, ISimd<TV> where TV : struct where TT : struct, ITileShape where TA : struct, IColumnAddressing
    {
        nint vw = TS.Width;
        TV z = TS.Zero;
        TV c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        TV c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        TV c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        TV c60 = z, c61 = z, c62 = z, c70 = z, c71 = z, c72 = z;
        TV c80 = z, c81 = z, c90 = z, c91 = z, ca0 = z, ca1 = z, cb0 = z, cb1 = z;
        TV cc0 = z, cd0 = z, ce0 = z, cf0 = z, unused = z;
        if (accumulate)
        {
            Load<TS, TV, TT>(ref y, ref c00, ref c01, ref c02, ref c03);
            if (TT.Rows > 1) Load<TS, TV, TT>(ref Unsafe.Add(ref y, ldy), ref c10, ref c11, ref c12, ref c13);
            if (TT.Rows > 2) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 2 * ldy), ref c20, ref c21, ref c22, ref c23);
            if (TT.Rows > 3) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 3 * ldy), ref c30, ref c31, ref c32, ref c33);
            if (TT.Rows > 4) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 4 * ldy), ref c40, ref c41, ref c42, ref c43);
            if (TT.Rows > 5) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 5 * ldy), ref c50, ref c51, ref c52, ref c53);
            if (TT.Rows > 6) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 6 * ldy), ref c60, ref c61, ref c62, ref unused);
            if (TT.Rows > 7) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 7 * ldy), ref c70, ref c71, ref c72, ref unused);
            if (TT.Rows > 8) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 8 * ldy), ref c80, ref c81, ref unused, ref unused);
            if (TT.Rows > 9) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 9 * ldy), ref c90, ref c91, ref unused, ref unused);
            if (TT.Rows > 10) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 10 * ldy), ref ca0, ref ca1, ref unused, ref unused);
            if (TT.Rows > 11) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 11 * ldy), ref cb0, ref cb1, ref unused, ref unused);
            if (TT.Rows > 12) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 12 * ldy), ref cc0, ref unused, ref unused, ref unused);
            if (TT.Rows > 13) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 13 * ldy), ref cd0, ref unused, ref unused, ref unused);
            if (TT.Rows > 14) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 14 * ldy), ref ce0, ref unused, ref unused, ref unused);
            if (TT.Rows > 15) Load<TS, TV, TT>(ref Unsafe.Add(ref y, 15 * ldy), ref cf0, ref unused, ref unused, ref unused);
        }
        for (int kk = 0; kk < k; kk++)
        {
            TV w0 = TS.Load(ref w);
            TV w1 = TT.Vectors > 1 ? TS.Load(ref Unsafe.Add(ref w, vw)) : z;
            TV w2 = TT.Vectors > 2 ? TS.Load(ref Unsafe.Add(ref w, 2 * vw)) : z;
            TV w3 = TT.Vectors > 3 ? TS.Load(ref Unsafe.Add(ref w, 3 * vw)) : z;
            w = ref Unsafe.Add(ref w, ldw);
            ref float xk = ref TA.Indexed ? ref Unsafe.Add(ref x, Unsafe.Add(ref offsets, kk)) : ref Unsafe.Add(ref x, kk);
            Row<TS, TV, TT>(xk, w0, w1, w2, w3, ref c00, ref c01, ref c02, ref c03);
            if (TT.Rows > 1) Row<TS, TV, TT>(Unsafe.Add(ref xk, ldx), w0, w1, w2, w3, ref c10, ref c11, ref c12, ref c13);
            if (TT.Rows > 2) Row<TS, TV, TT>(Unsafe.Add(ref xk, 2 * ldx), w0, w1, w2, w3, ref c20, ref c21, ref c22, ref c23);
            if (TT.Rows > 3) Row<TS, TV, TT>(Unsafe.Add(ref xk, 3 * ldx), w0, w1, w2, w3, ref c30, ref c31, ref c32, ref c33);
            if (TT.Rows > 4) Row<TS, TV, TT>(Unsafe.Add(ref xk, 4 * ldx), w0, w1, w2, w3, ref c40, ref c41, ref c42, ref c43);
            if (TT.Rows > 5) Row<TS, TV, TT>(Unsafe.Add(ref xk, 5 * ldx), w0, w1, w2, w3, ref c50, ref c51, ref c52, ref c53);
            if (TT.Rows > 6) Row<TS, TV, TT>(Unsafe.Add(ref xk, 6 * ldx), w0, w1, w2, w3, ref c60, ref c61, ref c62, ref unused);
            if (TT.Rows > 7) Row<TS, TV, TT>(Unsafe.Add(ref xk, 7 * ldx), w0, w1, w2, w3, ref c70, ref c71, ref c72, ref unused);
            if (TT.Rows > 8) Row<TS, TV, TT>(Unsafe.Add(ref xk, 8 * ldx), w0, w1, w2, w3, ref c80, ref c81, ref unused, ref unused);
            if (TT.Rows > 9) Row<TS, TV, TT>(Unsafe.Add(ref xk, 9 * ldx), w0, w1, w2, w3, ref c90, ref c91, ref unused, ref unused);
            if (TT.Rows > 10) Row<TS, TV, TT>(Unsafe.Add(ref xk, 10 * ldx), w0, w1, w2, w3, ref ca0, ref ca1, ref unused, ref unused);
            if (TT.Rows > 11) Row<TS, TV, TT>(Unsafe.Add(ref xk, 11 * ldx), w0, w1, w2, w3, ref cb0, ref cb1, ref unused, ref unused);
            if (TT.Rows > 12) Row<TS, TV, TT>(Unsafe.Add(ref xk, 12 * ldx), w0, w1, w2, w3, ref cc0, ref unused, ref unused, ref unused);
            if (TT.Rows > 13) Row<TS, TV, TT>(Unsafe.Add(ref xk, 13 * ldx), w0, w1, w2, w3, ref cd0, ref unused, ref unused, ref unused);
            if (TT.Rows > 14) Row<TS, TV, TT>(Unsafe.Add(ref xk, 14 * ldx), w0, w1, w2, w3, ref ce0, ref unused, ref unused, ref unused);
            if (TT.Rows > 15) Row<TS, TV, TT>(Unsafe.Add(ref xk, 15 * ldx), w0, w1, w2, w3, ref cf0, ref unused, ref unused, ref unused);
        }
        Store<TS, TV, TT>(ref y, c00, c01, c02, c03);
        if (TT.Rows > 1) Store<TS, TV, TT>(ref Unsafe.Add(ref y, ldy), c10, c11, c12, c13);
        if (TT.Rows > 2) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 2 * ldy), c20, c21, c22, c23);
        if (TT.Rows > 3) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 3 * ldy), c30, c31, c32, c33);
        if (TT.Rows > 4) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 4 * ldy), c40, c41, c42, c43);
        if (TT.Rows > 5) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 5 * ldy), c50, c51, c52, c53);
        if (TT.Rows > 6) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 6 * ldy), c60, c61, c62, unused);
        if (TT.Rows > 7) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 7 * ldy), c70, c71, c72, unused);
        if (TT.Rows > 8) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 8 * ldy), c80, c81, unused, unused);
        if (TT.Rows > 9) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 9 * ldy), c90, c91, unused, unused);
        if (TT.Rows > 10) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 10 * ldy), ca0, ca1, unused, unused);
        if (TT.Rows > 11) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 11 * ldy), cb0, cb1, unused, unused);
        if (TT.Rows > 12) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 12 * ldy), cc0, unused, unused, unused);
        if (TT.Rows > 13) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 13 * ldy), cd0, unused, unused, unused);
        if (TT.Rows > 14) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 14 * ldy), ce0, unused, unused, unused);
        if (TT.Rows > 15) Store<TS, TV, TT>(ref Unsafe.Add(ref y, 15 * ldy), cf0, unused, unused, unused);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<TS, TV, TT>(float a, TV w0, TV w1, TV w2, TV w3, ref TV c0, ref TV c1, ref TV c2, ref TV c3)
        where TS : struct, ISimd<TV> where TV : struct where TT : struct, ITileShape
    {
        TV b = TS.Broadcast(a);
        c0 = TS.MultiplyAdd(b, w0, c0);
        if (TT.Vectors > 1) c1 = TS.MultiplyAdd(b, w1, c1);
        if (TT.Vectors > 2) c2 = TS.MultiplyAdd(b, w2, c2);
        if (TT.Vectors > 3) c3 = TS.MultiplyAdd(b, w3, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load<TS, TV, TT>(ref float y, ref TV c0, ref TV c1, ref TV c2, ref TV c3)
        where TS : struct, ISimd<TV> where TV : struct where TT : struct, ITileShape
    {
        nint vw = TS.Width;
        c0 = TS.Load(ref y);
        if (TT.Vectors > 1) c1 = TS.Load(ref Unsafe.Add(ref y, vw));
        if (TT.Vectors > 2) c2 = TS.Load(ref Unsafe.Add(ref y, 2 * vw));
        if (TT.Vectors > 3) c3 = TS.Load(ref Unsafe.Add(ref y, 3 * vw));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TS, TV, TT>(ref float y, TV c0, TV c1, TV c2, TV c3)
        where TS : struct, ISimd<TV> where TV : struct where TT : struct, ITileShape
    {
        nint vw = TS.Width;
        TS.Store(c0, ref y);
        if (TT.Vectors > 1) TS.Store(c1, ref Unsafe.Add(ref y, vw));
        if (TT.Vectors > 2) TS.Store(c2, ref Unsafe.Add(ref y, 2 * vw));
        if (TT.Vectors > 3) TS.Store(c3, ref Unsafe.Add(ref y, 3 * vw));
    }
}
