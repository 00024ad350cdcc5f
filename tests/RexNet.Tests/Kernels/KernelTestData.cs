using RexNet.Model;

namespace RexNet.Tests.Kernels;

/// <summary>Deterministic inputs for the kernel tests, and the real ReXNet shapes they use.</summary>
internal static class KernelTestData
{
    /// <summary>Uniform values in [lo, hi) from a seed derived from <paramref name="label"/> (stable across runs and processes).</summary>
    public static float[] Uniform(string label, int count, float lo, float hi)
    {
        var random = new Random(StableSeed(label));
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = lo + (hi - lo) * random.NextSingle();
        }
        return values;
    }

    /// <summary>Weights scaled like a trained layer's (variance about 1/fanIn), so outputs stay O(1).</summary>
    public static float[] Weights(string label, int count, int fanIn)
    {
        float a = MathF.Sqrt(3f / fanIn);
        return Uniform(label, count, -a, a);
    }

    /// <summary>rexnet_100, the model whose shapes the "real" cases use.</summary>
    public static ModelSpec Rexnet100 { get; } = ModelSpec.FromZoo("rexnet_100");

    /// <summary>Spatial size entering block <paramref name="index"/> of a 224x224 input (the stem halves it to 112).</summary>
    public static int SizeBefore(ModelSpec spec, int index)
    {
        int size = ModelSpec.ConvOutSize(224, 2);
        foreach (var b in spec.Blocks.Take(index))
        {
            size = ModelSpec.ConvOutSize(size, b.Stride);
        }
        return size;
    }

    /// <summary>The first block with SE, and its output spatial size.</summary>
    public static (BottleneckSpec Block, int Size) FirstSeBlock(ModelSpec spec)
    {
        var block = spec.Blocks.First(b => b.HasSe);
        return (block, ModelSpec.ConvOutSize(SizeBefore(spec, block.Index), block.Stride));
    }

    public static (BottleneckSpec Block, int Size) LastBlock(ModelSpec spec)
    {
        var block = spec.Blocks[^1];
        return (block, ModelSpec.ConvOutSize(SizeBefore(spec, block.Index), block.Stride));
    }

    private static int StableSeed(string label)
    {
        uint hash = 2166136261;
        foreach (char c in label)
        {
            hash = (hash ^ c) * 16777619;
        }
        return (int)(hash & 0x7fffffff);
    }
}
