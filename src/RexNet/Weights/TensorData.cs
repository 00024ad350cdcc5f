namespace RexNet.Weights;

/// <summary>A named float32 tensor held in memory (weights are converted to float32 on load).</summary>
public sealed record TensorData(string Name, int[] Shape, float[] Data)
{
    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        return n;
    }

    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";
}
