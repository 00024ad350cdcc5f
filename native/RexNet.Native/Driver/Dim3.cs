namespace RexNet.Native.Driver;

/// <summary>A grid or block shape.</summary>
internal readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1)
{
    public static implicit operator Dim3(uint x) => new(x);
}
