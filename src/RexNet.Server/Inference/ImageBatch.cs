namespace RexNet.Server.Inference;

/// <summary>Images laid end to end as the engine takes them: <see cref="Count"/> x [3, H, W] floats. Dispose gives back
/// the pixels' rented array, if they have one; only once no batch can still read them.</summary>
internal sealed class ImageBatch(Fp32Buffer pixels, int count) : IDisposable
{
    public ReadOnlyMemory<float> Pixels => pixels.Memory;

    public int Count { get; } = count;

    public void Dispose() => pixels.Dispose();
}
