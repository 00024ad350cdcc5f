using System.Runtime.Intrinsics;
using RexNet.Cpu;

namespace RexNet.Tests.Cpu;

/// <summary>
/// The kernels' vector exp and SiLU are approximations (a degree-5 polynomial and a refined reciprocal
/// estimate): bound what they cost against double precision, at every vector width this CPU runs. Measured
/// worst cases on AVX-512: exp 1.9e-7, SiLU 2.5e-7, reciprocal 6e-8, all relative.
/// </summary>
public class FastExpTests
{
    private static IEnumerable<float> Points(float from, float to, float step)
    {
        for (float x = from; x <= to; x += step)
        {
            yield return x;
        }
    }

    private static float Evaluate(VectorIsa isa, float x, Func<Vector128<float>, Vector128<float>> v128,
        Func<Vector256<float>, Vector256<float>> v256, Func<Vector512<float>, Vector512<float>> v512) => isa switch
    {
        VectorIsa.Vector512 => v512(Vector512.Create(x))[15],
        VectorIsa.Vector256 => v256(Vector256.Create(x))[7],
        _ => v128(Vector128.Create(x))[3],
    };

    [Theory]
    [MemberData(nameof(IsaCases.All), MemberType = typeof(IsaCases))]
    public void ExpIsWithinTwoAndAHalfTenthsOfAMillionthRelative(string isaName)
    {
        var isa = IsaCases.Accelerated(isaName);
        double worst = 0;
        foreach (float x in Points(-88f, 87f, 0.00731f))
        {
            float got = Evaluate(isa, x, SimdMath.ExpNegated<Simd128, Vector128<float>>, SimdMath.ExpNegated<Simd256, Vector256<float>>,
                SimdMath.ExpNegated<Simd512, Vector512<float>>);
            double exact = Math.Exp(-(double)x);
            worst = Math.Max(worst, Math.Abs(got - exact) / exact);
        }
        Assert.True(worst < 2.5e-7, $"{isa}: worst relative error {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(IsaCases.All), MemberType = typeof(IsaCases))]
    public void SiluIsWithinFourTenthsOfAMillionthRelative(string isaName)
    {
        var isa = IsaCases.Accelerated(isaName);
        double worst = 0;
        float worstAt = 0;
        foreach (float x in Points(-100f, 100f, 0.00377f).Concat([-1e30f, -1000f, -88.5f, 87.5f, 1000f, 1e30f, 0f, -0f]))
        {
            float got = Evaluate(isa, x, SimdMath.Silu<Simd128, Vector128<float>>, SimdMath.Silu<Simd256, Vector256<float>>,
                SimdMath.Silu<Simd512, Vector512<float>>);
            double exact = x / (1 + Math.Exp(-(double)x));
            // Relative, except in the far negative tail (x < -69) where SiLU is below 1e-28 and only its absolute error matters.
            double error = Math.Abs(got - exact) / Math.Max(Math.Abs(exact), 1e-28);
            if (!(error <= worst))
            {
                worst = error;
                worstAt = x;
            }
        }
        Assert.True(worst < 4e-7, $"{isa}: worst relative error {worst:E2} at {worstAt}");
    }

    [Theory]
    [MemberData(nameof(IsaCases.All), MemberType = typeof(IsaCases))]
    public void ReciprocalIsWithinTwoUlp(string isaName)
    {
        var isa = IsaCases.Accelerated(isaName);
        double worst = 0;
        foreach (float x in Points(1f, 2f, 0.0001f).Concat([1e-30f, 3.3e-5f, 7f, 1e30f]))
        {
            float got = Evaluate(isa, x, Simd128.Reciprocal, Simd256.Reciprocal, Simd512.Reciprocal);
            worst = Math.Max(worst, Math.Abs(got * (double)x - 1));
        }
        Assert.True(worst < 2.4e-7, $"{isa}: worst relative error {worst:E2}");
    }
}
