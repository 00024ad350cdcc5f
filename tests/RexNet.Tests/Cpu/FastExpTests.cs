using System.Runtime.Intrinsics;
using RexNet.Cpu;
using RexNet.Model;

namespace RexNet.Tests.Cpu;

/// <summary>The GEMM epilogue's vector exp is an approximation: bound what it costs against double precision.</summary>
public class FastExpTests
{
    [Fact]
    public void ExpIsWithinThreeTenthsOfAMillionthRelative()
    {
        double worst = 0;
        for (float x = -86f; x <= 88f; x += 0.0137f)
        {
            double exact = Math.Exp(x);
            worst = Math.Max(worst, Math.Abs(SimdEpilogue.Exp<Simd128, Vector128<float>>(Vector128.Create(x))[0] - exact) / exact);
            worst = Math.Max(worst, Math.Abs(SimdEpilogue.Exp<Simd256, Vector256<float>>(Vector256.Create(x))[3] - exact) / exact);
            if (Vector512.IsHardwareAccelerated)
            {
                worst = Math.Max(worst, Math.Abs(SimdEpilogue.Exp<Simd512, Vector512<float>>(Vector512.Create(x))[15] - exact) / exact);
            }
        }
        Assert.True(worst < 3e-7, $"worst relative error {worst:E2}");
    }

    [Theory]
    [InlineData(-1000f)]
    [InlineData(-90f)]
    [InlineData(-20f)]
    [InlineData(0f)]
    [InlineData(3.5f)]
    [InlineData(90f)]
    [InlineData(1000f)]
    public void SiluEpilogueMatchesDoublePrecisionEverywhere(float x)
    {
        float got = SimdEpilogue.Apply<Simd256, Vector256<float>>(Vector256.Create(x), 0f, Activation.Silu)[0];
        double exact = x / (1 + Math.Exp(-(double)x));
        Assert.True(Math.Abs(got - exact) <= 3e-7 * Math.Max(1, Math.Abs(exact)), $"silu({x}) = {got}, expected {exact}");
    }
}
