using System.Runtime.CompilerServices;

namespace RexNet.Cpu;

/// <summary>
/// Activations on vectors. The runtime's vector exp widens to double and its SiLU divides; both cost more
/// than the GEMMs they follow at ReXNet's small K, so SiLU here is one polynomial exp and one refined
/// reciprocal estimate (error bounded by FastExpTests: well inside the 1e-5 parity bound).
/// </summary>
internal static class SimdMath
{
    // ln 2 split so that n * Ln2Hi is exact for |n| < 2^9 (Cody-Waite).
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float Log2E = 1.44269504f;

    // Minimax (relative error) fit of e^f on |f| <= ln2/2, degree 5: 7.5e-8 in exact arithmetic, 1.9e-7
    // evaluated in float by Horner's rule.
    private const float C0 = 1.0000001f, C1 = 0.9999997f, C2 = 0.49998894f, C3 = 0.16667575f, C4 = 0.04191543f, C5 = 0.008297648f;

    /// <summary>min(6, max(0, v)), in the operand order that lets a NaN through as timm's clamp does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Relu6<TS, TV>(TV v) where TS : struct, ISimd<TV> where TV : struct =>
        TS.Min(TS.Broadcast(6f), TS.Max(TS.Zero, v));

    /// <summary>
    /// v / (1 + e^-v) as m * (1 / (1 + e^-x)) with m = max(v, -88) and x = min(m, 87): e^-x stays finite and
    /// normal, and below -88, where SiLU is under 1e-36, the result is that small too. A NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Silu<TS, TV>(TV v) where TS : struct, ISimd<TV> where TV : struct
    {
        var m = TS.Max(TS.Broadcast(-88f), v);
        var x = TS.Min(TS.Broadcast(87f), m);
        return TS.Multiply(m, TS.Reciprocal(TS.Add(ExpNegated<TS, TV>(x), TS.Broadcast(1f))));
    }

    /// <summary>1 / (1 + e^-v), with v clamped to [-88, 87] for the exp (the result is then within 1e-38 of 0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TS, TV>(TV v) where TS : struct, ISimd<TV> where TV : struct
    {
        var x = TS.Min(TS.Broadcast(87f), TS.Max(TS.Broadcast(-88f), v));
        return TS.Reciprocal(TS.Add(ExpNegated<TS, TV>(x), TS.Broadcast(1f)));
    }

    /// <summary>
    /// e^-x for x in [-88, 87]: e^-x = 2^n e^-g with n = round(-x log2 e) and g = x + n ln2 (|g| &lt;= ln2/2),
    /// e^-g by the minimax polynomial with its odd coefficients negated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpNegated<TS, TV>(TV x) where TS : struct, ISimd<TV> where TV : struct
    {
        var n = TS.Round(TS.Multiply(x, TS.Broadcast(-Log2E)));
        var g = TS.MultiplyAdd(n, TS.Broadcast(Ln2Hi), x);
        g = TS.MultiplyAdd(n, TS.Broadcast(Ln2Lo), g);
        var p = TS.Broadcast(-C5);
        p = TS.MultiplyAdd(p, g, TS.Broadcast(C4));
        p = TS.MultiplyAdd(p, g, TS.Broadcast(-C3));
        p = TS.MultiplyAdd(p, g, TS.Broadcast(C2));
        p = TS.MultiplyAdd(p, g, TS.Broadcast(-C1));
        p = TS.MultiplyAdd(p, g, TS.Broadcast(C0));
        return TS.ScaleByPowerOfTwo(p, n);
    }

    /// <summary>One Newton step on an estimate r of 1/a: r + r (1 - a r), which squares its relative error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV NewtonStep<TS, TV>(TV a, TV r) where TS : struct, ISimd<TV> where TV : struct
    {
        var e = TS.MultiplyAddNegated(a, r, TS.Broadcast(1f));
        return TS.MultiplyAdd(r, e, r);
    }
}
