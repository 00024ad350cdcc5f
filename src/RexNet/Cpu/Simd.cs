using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RexNet.Cpu;

/// <summary>
/// The few vector operations the GEMM micro-kernel needs, so that one kernel serves both AVX-512
/// (<see cref="Simd512"/>) and AVX2 (<see cref="Simd256"/>); the JIT specialises it per struct.
/// </summary>
internal interface ISimd<TVec> where TVec : struct
{
    static abstract int Width { get; }
    static abstract TVec Zero { get; }
    static abstract TVec Load(ref float source);
    static abstract TVec Broadcast(float value);
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec addend);
    static abstract void Store(TVec value, ref float destination);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);
    static abstract TVec Round(TVec a);

    /// <summary>p * 2^n for integral n (as floats), by adding n to p's exponent bits.</summary>
    static abstract TVec ScaleByPowerOfTwo(TVec p, TVec n);
    static abstract TVec Clamp(TVec a, TVec min, TVec max);
}

internal readonly struct Simd512 : ISimd<Vector512<float>>
{
    public static int Width => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> a) => Vector512.Round(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleByPowerOfTwo(Vector512<float> p, Vector512<float> n) =>
        (p.AsInt32() + Vector512.ShiftLeft(Vector512.ConvertToInt32(n), 23)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> a, Vector512<float> min, Vector512<float> max) => Vector512.Min(Vector512.Max(a, min), max);
}

internal readonly struct Simd256 : ISimd<Vector256<float>>
{
    public static int Width => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> a) => Vector256.Round(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleByPowerOfTwo(Vector256<float> p, Vector256<float> n) =>
        (p.AsInt32() + Vector256.ShiftLeft(Vector256.ConvertToInt32(n), 23)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> a, Vector256<float> min, Vector256<float> max) => Vector256.Min(Vector256.Max(a, min), max);
}

internal readonly struct Simd128 : ISimd<Vector128<float>>
{
    public static int Width => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) =>
        Vector128.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Round(Vector128<float> a) => Vector128.Round(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ScaleByPowerOfTwo(Vector128<float> p, Vector128<float> n) =>
        (p.AsInt32() + Vector128.ShiftLeft(Vector128.ConvertToInt32(n), 23)).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Clamp(Vector128<float> a, Vector128<float> min, Vector128<float> max) => Vector128.Min(Vector128.Max(a, min), max);
}

/// <summary>Bias and activation applied to a vector while it is still in registers.</summary>
internal static class SimdEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TS, TV>(TV v, float bias, Model.Activation act)
        where TS : struct, ISimd<TV> where TV : struct
    {
        v = TS.Add(v, TS.Broadcast(bias));
        return act switch
        {
            // SiLU as x / (1 + e^-x): one exp and one divide, and -inf-safe (e^big = inf gives -0).
            Model.Activation.Silu => TS.Divide(v, TS.Add(TS.Broadcast(1f), Exp<TS, TV>(TS.MultiplyAdd(v, TS.Broadcast(-1f), TS.Zero)))),
            Model.Activation.Relu6 => TS.Clamp(v, TS.Zero, TS.Broadcast(6f)),
            _ => v,
        };
    }

    /// <summary>
    /// e^x = 2^n e^f with n = round(x log2 e) and |f| &lt;= ln2/2. f = x - n ln2 in two steps (Cody-Waite: ln2
    /// split into an exact high part and a correction) keeps it exact; e^f is its degree-6 Taylor polynomial
    /// (relative error below 3e-7, about 2 ulp; see FastExpTests). The runtime's vector exp widens to double
    /// and cost more than the GEMM it follows at small K.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TS, TV>(TV a) where TS : struct, ISimd<TV> where TV : struct
    {
        var x = TS.Clamp(a, TS.Broadcast(-86.0f), TS.Broadcast(88.0f));
        var n = TS.Round(TS.MultiplyAdd(x, TS.Broadcast(1.44269504f), TS.Zero));
        var f = TS.MultiplyAdd(n, TS.Broadcast(-0.693359375f), x);
        f = TS.MultiplyAdd(n, TS.Broadcast(2.12194440e-4f), f);
        var p = TS.Broadcast(1.0f / 720);
        p = TS.MultiplyAdd(p, f, TS.Broadcast(1.0f / 120));
        p = TS.MultiplyAdd(p, f, TS.Broadcast(1.0f / 24));
        p = TS.MultiplyAdd(p, f, TS.Broadcast(1.0f / 6));
        p = TS.MultiplyAdd(p, f, TS.Broadcast(0.5f));
        p = TS.MultiplyAdd(p, f, TS.Broadcast(1.0f));
        p = TS.MultiplyAdd(p, f, TS.Broadcast(1.0f));
        return TS.ScaleByPowerOfTwo(p, n);
    }
}
