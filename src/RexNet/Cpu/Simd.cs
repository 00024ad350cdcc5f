using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RexNet.Cpu;

/// <summary>
/// The few vector operations the GEMM micro-kernel needs, so that one kernel serves both AVX-512
/// (<see cref="Simd512"/>) and AVX2 (<see cref="Simd256"/>); the JIT specialises it per struct.
/// </summary>
public interface ISimd<TVec> where TVec : struct
{
    static abstract int Width { get; }
    static abstract TVec Zero { get; }
    static abstract TVec Load(ref float source);
    static abstract TVec Broadcast(float value);
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec addend);
    static abstract void Store(TVec value, ref float destination);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);
    static abstract TVec Exp(TVec a);
    static abstract TVec Clamp(TVec a, TVec min, TVec max);
}

public readonly struct Simd512 : ISimd<Vector512<float>>
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
    public static Vector512<float> Exp(Vector512<float> a)
    {
        // e^x = 2^n e^f with n = round(x log2 e) and |f| <= ln2/2. f = x - n ln2 in two steps (Cody-Waite,
        // ln2 split into an exact high part and a correction) keeps it exact; e^f is its degree-6 Taylor
        // polynomial (relative error below 3e-7, about 2 ulp; see FastExpTests); 2^n goes straight into the exponent bits.
        var x = Vector512.Clamp(a, Vector512.Create(-86.0f), Vector512.Create(88.0f));
        var n = Vector512.Round(x * Vector512.Create(1.44269504f));
        var f = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), x);
        f = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), f);
        var p = Vector512.Create(1.0f / 720);
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1.0f / 120));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1.0f / 24));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1.0f / 6));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1.0f));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(1.0f));
        return (p.AsInt32() + Vector512.ShiftLeft(Vector512.ConvertToInt32(n), 23)).AsSingle();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> a, Vector512<float> min, Vector512<float> max) => Vector512.Min(Vector512.Max(a, min), max);
}

public readonly struct Simd256 : ISimd<Vector256<float>>
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
    public static Vector256<float> Exp(Vector256<float> a)
    {
        // e^x = 2^n e^f with n = round(x log2 e) and |f| <= ln2/2. f = x - n ln2 in two steps (Cody-Waite,
        // ln2 split into an exact high part and a correction) keeps it exact; e^f is its degree-6 Taylor
        // polynomial (relative error below 3e-7, about 2 ulp; see FastExpTests); 2^n goes straight into the exponent bits.
        var x = Vector256.Clamp(a, Vector256.Create(-86.0f), Vector256.Create(88.0f));
        var n = Vector256.Round(x * Vector256.Create(1.44269504f));
        var f = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        f = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), f);
        var p = Vector256.Create(1.0f / 720);
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.0f / 120));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.0f / 24));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.0f / 6));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.0f));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(1.0f));
        return (p.AsInt32() + Vector256.ShiftLeft(Vector256.ConvertToInt32(n), 23)).AsSingle();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> a, Vector256<float> min, Vector256<float> max) => Vector256.Min(Vector256.Max(a, min), max);
}

public readonly struct Simd128 : ISimd<Vector128<float>>
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
    public static Vector128<float> Exp(Vector128<float> a)
    {
        // e^x = 2^n e^f with n = round(x log2 e) and |f| <= ln2/2. f = x - n ln2 in two steps (Cody-Waite,
        // ln2 split into an exact high part and a correction) keeps it exact; e^f is its degree-6 Taylor
        // polynomial (relative error below 3e-7, about 2 ulp; see FastExpTests); 2^n goes straight into the exponent bits.
        var x = Vector128.Clamp(a, Vector128.Create(-86.0f), Vector128.Create(88.0f));
        var n = Vector128.Round(x * Vector128.Create(1.44269504f));
        var f = Vector128.FusedMultiplyAdd(n, Vector128.Create(-0.693359375f), x);
        f = Vector128.FusedMultiplyAdd(n, Vector128.Create(2.12194440e-4f), f);
        var p = Vector128.Create(1.0f / 720);
        p = Vector128.FusedMultiplyAdd(p, f, Vector128.Create(1.0f / 120));
        p = Vector128.FusedMultiplyAdd(p, f, Vector128.Create(1.0f / 24));
        p = Vector128.FusedMultiplyAdd(p, f, Vector128.Create(1.0f / 6));
        p = Vector128.FusedMultiplyAdd(p, f, Vector128.Create(0.5f));
        p = Vector128.FusedMultiplyAdd(p, f, Vector128.Create(1.0f));
        p = Vector128.FusedMultiplyAdd(p, f, Vector128.Create(1.0f));
        return (p.AsInt32() + Vector128.ShiftLeft(Vector128.ConvertToInt32(n), 23)).AsSingle();
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Clamp(Vector128<float> a, Vector128<float> min, Vector128<float> max) => Vector128.Min(Vector128.Max(a, min), max);
}

/// <summary>Bias and activation applied to a vector while it is still in registers.</summary>
public static class SimdEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TS, TV>(TV v, float bias, Model.Activation act)
        where TS : struct, ISimd<TV> where TV : struct
    {
        v = TS.Add(v, TS.Broadcast(bias));
        return act switch
        {
            // SiLU as x / (1 + e^-x): one exp and one divide, and -inf-safe (e^big = inf gives -0).
            Model.Activation.Silu => TS.Divide(v, TS.Add(TS.Broadcast(1f), TS.Exp(TS.MultiplyAdd(v, TS.Broadcast(-1f), TS.Zero)))),
            Model.Activation.Relu6 => TS.Clamp(v, TS.Zero, TS.Broadcast(6f)),
            _ => v,
        };
    }
}
