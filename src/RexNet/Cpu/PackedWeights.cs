namespace RexNet.Cpu;

/// <summary>
/// A GEMM's weights W [M, K] (a 1x1 conv's [out, in], or the stem's [out, in*3*3]) packed once, when the
/// backend is created, for <see cref="GemmKernel"/>: output channels are padded to whole vectors and cut
/// into panels of <see cref="PanelVectors"/> vectors; panel j holds W^T for its channels as [K][width],
/// so a tile reads its weight vectors for each k from one contiguous run. Padded channels have zero
/// weights and bias, so they compute exact zeros.
/// </summary>
internal sealed class PackedWeights
{
    public int K { get; }
    public int VectorFloats { get; }
    public int PanelVectors { get; }

    /// <summary>Output vectors: M rounded up to whole vectors, in vectors.</summary>
    public int Vectors { get; }

    public AlignedFloats Data { get; }

    /// <summary>The bias padded with zeros to <see cref="Vectors"/> * <see cref="VectorFloats"/>.</summary>
    public AlignedFloats Bias { get; }

    public PackedWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int m, int k, VectorIsa isa, int panelVectors)
    {
        if (weight.Length != m * k || bias.Length != m || panelVectors < 1)
        {
            throw new RexNetException(RexNetErrorCode.Internal, $"weights for a {m}x{k} GEMM need {m * k} weights and {m} biases, got {weight.Length} and {bias.Length}");
        }
        K = k;
        VectorFloats = isa.Floats();
        PanelVectors = panelVectors;
        Vectors = isa.PadChannels(m) / VectorFloats;
        Data = new AlignedFloats(k * Vectors * VectorFloats);
        Bias = new AlignedFloats(Vectors * VectorFloats);
        bias.CopyTo(Bias.Span);
        var data = Data.Span;
        for (int v = 0; v < Vectors; v += panelVectors)
        {
            var (offset, ldw) = Locate(v);
            int width = (int)ldw;
            for (int kk = 0; kk < k; kk++)
            {
                for (int lane = 0; lane < width; lane++)
                {
                    int o = v * VectorFloats + lane;
                    data[offset + kk * width + lane] = o < m ? weight[o * k + kk] : 0f;
                }
            }
        }
    }

    /// <summary>Where output vector <paramref name="vector"/>'s weights for k = 0 start, and the step from k to k+1.</summary>
    public (int Offset, nint Ldw) Locate(int vector)
    {
        int panel = vector / PanelVectors;
        int first = panel * PanelVectors;
        int width = Math.Min(PanelVectors, Vectors - first) * VectorFloats;
        return (K * first * VectorFloats + (vector - first) * VectorFloats, width);
    }

    /// <summary>Vectors from <paramref name="vector"/> to the end of its panel: a tile never crosses panels.</summary>
    public int VectorsLeftInPanel(int vector) => Math.Min(PanelVectors - vector % PanelVectors, Vectors - vector);
}
