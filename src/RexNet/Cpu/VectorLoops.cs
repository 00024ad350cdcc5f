using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RexNet.Cpu;

/// <summary>
/// Small loops over float spans for the engine's non-GEMM steps. They are ours rather than
/// TensorPrimitives' so that they run fully optimised at the backend's vector width from the first call,
/// instead of waiting for tiered compilation to promote library code (until then an SE excitation took
/// five times as long).
/// </summary>
internal static class VectorLoops<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    /// <summary>sum a[i] b[i]; any length (the tail is scalar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = Math.Min(a.Length, b.Length), vf = TS.Width, i = 0;
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        TV s0 = TS.Zero, s1 = TS.Zero;
        for (; i + 2 * vf <= n; i += 2 * vf)
        {
            s0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref ra, i)), TS.Load(ref Unsafe.Add(ref rb, i)), s0);
            s1 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref ra, i + vf)), TS.Load(ref Unsafe.Add(ref rb, i + vf)), s1);
        }
        for (; i + vf <= n; i += vf)
        {
            s0 = TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref ra, i)), TS.Load(ref Unsafe.Add(ref rb, i)), s0);
        }
        float sum = TS.Sum(TS.Add(s0, s1));
        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }
        return sum;
    }

    /// <summary>y += a * s, over whole vectors (the lengths are multiples of the vector width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(ReadOnlySpan<float> a, float s, Span<float> y)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float ry = ref MemoryMarshal.GetReference(y);
        TV vs = TS.Broadcast(s);
        for (int i = 0; i + TS.Width <= y.Length; i += TS.Width)
        {
            TS.Store(TS.MultiplyAdd(TS.Load(ref Unsafe.Add(ref ra, i)), vs, TS.Load(ref Unsafe.Add(ref ry, i))), ref Unsafe.Add(ref ry, i));
        }
    }

    /// <summary>y += a, over whole vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> a, Span<float> y)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float ry = ref MemoryMarshal.GetReference(y);
        for (int i = 0; i + TS.Width <= y.Length; i += TS.Width)
        {
            TS.Store(TS.Add(TS.Load(ref Unsafe.Add(ref ra, i)), TS.Load(ref Unsafe.Add(ref ry, i))), ref Unsafe.Add(ref ry, i));
        }
    }

    /// <summary>y = 1 / (1 + e^-y) in place, over whole vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid(Span<float> y)
    {
        ref float ry = ref MemoryMarshal.GetReference(y);
        for (int i = 0; i + TS.Width <= y.Length; i += TS.Width)
        {
            TS.Store(SimdMath.Sigmoid<TS, TV>(TS.Load(ref Unsafe.Add(ref ry, i))), ref Unsafe.Add(ref ry, i));
        }
    }

    /// <summary>y = s * y in place, over whole vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> y, float s)
    {
        ref float ry = ref MemoryMarshal.GetReference(y);
        TV vs = TS.Broadcast(s);
        for (int i = 0; i + TS.Width <= y.Length; i += TS.Width)
        {
            TS.Store(TS.Multiply(TS.Load(ref Unsafe.Add(ref ry, i)), vs), ref Unsafe.Add(ref ry, i));
        }
    }
}
