using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RexNet.Weights;

namespace RexNet.Cpu;

/// <summary>
/// SE excitation weights ready for the CPU, channels padded to whole vectors: fc1 as [reduced, channels],
/// fc2 transposed to [reduced, channels], so that the second layer is one vector multiply-add over all
/// channels per hidden unit instead of one short dot product per channel.
/// </summary>
internal sealed class SeExcitation
{
    private readonly float[] _fc1, _fc2Transposed, _fc1Bias, _fc2Bias;

    public SeWeights Weights { get; }

    /// <summary>Channels rounded up to whole vectors: the length of the pooled input and of the gate.</summary>
    public int PaddedChannels { get; }

    public SeExcitation(SeWeights weights, VectorIsa isa)
    {
        Weights = weights;
        int c = weights.Channels, rd = weights.Reduced, cp = isa.PadChannels(c);
        PaddedChannels = cp;
        _fc1 = new float[rd * cp];
        _fc2Transposed = new float[rd * cp];
        _fc1Bias = weights.Fc1Bias.ToArray();
        _fc2Bias = new float[cp];
        weights.Fc2Bias.CopyTo(_fc2Bias, 0);
        for (int r = 0; r < rd; r++)
        {
            weights.Fc1Weight.AsSpan(r * c, c).CopyTo(_fc1.AsSpan(r * cp));
            for (int o = 0; o < c; o++)
            {
                _fc2Transposed[r * cp + o] = weights.Fc2Weight[o * rd + r];
            }
        }
    }

    /// <summary>
    /// gate[n, c0..c1) = sigmoid(W2 relu(W1 pooled[n] + b1) + b2) for images n &lt; batch: pooled and gate hold
    /// <see cref="PaddedChannels"/> floats per image (pooled zero past the channels), [c0, c1) is whole vectors,
    /// and hidden holds Reduced floats per image. Each weight row is read once for every image. The hidden layer
    /// is computed whole every time, so a gate value does not depend on how channels are split.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<TS, TV>(ReadOnlySpan<float> pooled, int batch, Span<float> gate, Span<float> hidden, int c0, int c1)
        where TS : struct, ISimd<TV> where TV : struct
    {
        int cp = PaddedChannels, rd = Weights.Reduced;
        for (int r = 0; r < rd; r++)
        {
            ReadOnlySpan<float> row = _fc1.AsSpan(r * cp, cp);
            for (int n = 0; n < batch; n++)
            {
                hidden[n * rd + r] = MathF.Max(VectorLoops<TS, TV>.Dot(row, pooled.Slice(n * cp, cp)) + _fc1Bias[r], 0f);
            }
        }
        for (int n = 0; n < batch; n++)
        {
            _fc2Bias.AsSpan(c0, c1 - c0).CopyTo(gate.Slice(n * cp + c0, c1 - c0));
        }
        for (int r = 0; r < rd; r++)
        {
            ReadOnlySpan<float> column = _fc2Transposed.AsSpan(r * cp + c0, c1 - c0);
            for (int n = 0; n < batch; n++)
            {
                VectorLoops<TS, TV>.MultiplyAdd(column, hidden[n * rd + r], gate.Slice(n * cp + c0, c1 - c0));
            }
        }
        for (int n = 0; n < batch; n++)
        {
            VectorLoops<TS, TV>.Sigmoid(gate.Slice(n * cp + c0, c1 - c0));
        }
    }

    /// <summary>Every channel's gate for one image, at a vector width chosen at run time.</summary>
    public void Run(VectorIsa isa, ReadOnlySpan<float> pooled, Span<float> gate, Span<float> hidden)
    {
        switch (isa)
        {
            case VectorIsa.Vector512:
                Run<Simd512, Vector512<float>>(pooled, 1, gate, hidden, 0, PaddedChannels);
                break;
            case VectorIsa.Vector256:
                Run<Simd256, Vector256<float>>(pooled, 1, gate, hidden, 0, PaddedChannels);
                break;
            default:
                Run<Simd128, Vector128<float>>(pooled, 1, gate, hidden, 0, PaddedChannels);
                break;
        }
    }
}
