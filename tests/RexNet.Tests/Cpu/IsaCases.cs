using System.Runtime.Intrinsics;
using RexNet.Cpu;

namespace RexNet.Tests.Cpu;

/// <summary>
/// Every vector width the CPU kernels have, as test cases: Vector128 is the path ARM64 (AdvSimd) runs, and
/// x64 runs it too when forced, so its kernels are tested on every CI machine.
/// </summary>
public static class IsaCases
{
    public static TheoryData<VectorIsa> All => [VectorIsa.Vector128, VectorIsa.Vector256, VectorIsa.Vector512];

    public static void SkipUnlessAccelerated(VectorIsa isa)
    {
        if ((isa == VectorIsa.Vector512 && !Vector512.IsHardwareAccelerated) || (isa == VectorIsa.Vector256 && !Vector256.IsHardwareAccelerated))
        {
            Assert.Skip($"this CPU does not accelerate {isa}; it would run in software");
        }
    }
}
