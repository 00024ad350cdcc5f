using System.Runtime.Intrinsics;
using RexNet.Cpu;

namespace RexNet.Tests.Cpu;

/// <summary>
/// Every vector width the CPU kernels have, as test cases (by name: the enum is internal): Vector128 is the
/// path ARM64 (AdvSimd) runs, and x64 runs it too when forced, so its kernels are tested on every CI machine.
/// </summary>
public static class IsaCases
{
    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<VectorIsa>();

    public static TheoryData<string> All => new(Names);

    /// <summary>The width named, or a skip where this CPU does not accelerate it (it would run in software).</summary>
    internal static VectorIsa Accelerated(string name)
    {
        var isa = Enum.Parse<VectorIsa>(name);
        if ((isa == VectorIsa.Vector512 && !Vector512.IsHardwareAccelerated) || (isa == VectorIsa.Vector256 && !Vector256.IsHardwareAccelerated))
        {
            Assert.Skip($"this CPU does not accelerate {isa}; it would run in software");
        }
        return isa;
    }
}
