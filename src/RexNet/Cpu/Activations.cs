using System.Runtime.CompilerServices;

namespace RexNet.Cpu;

/// <summary>An activation as a type, so that epilogues are specialised per activation instead of switching per vector.</summary>
internal interface IActivation
{
    static abstract TV Apply<TS, TV>(TV v) where TS : struct, ISimd<TV> where TV : struct;
}

internal readonly struct Identity : IActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TS, TV>(TV v) where TS : struct, ISimd<TV> where TV : struct => v;
}

internal readonly struct SiluActivation : IActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TS, TV>(TV v) where TS : struct, ISimd<TV> where TV : struct => SimdMath.Silu<TS, TV>(v);
}

internal readonly struct Relu6Activation : IActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TS, TV>(TV v) where TS : struct, ISimd<TV> where TV : struct => SimdMath.Relu6<TS, TV>(v);
}
