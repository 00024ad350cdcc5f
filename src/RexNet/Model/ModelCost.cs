namespace RexNet.Model;

/// <summary>Parameter and FLOP counts under the conventions that reproduce the seed's (PaddleClas) table.</summary>
/// <param name="TrainableParameters">What timm reports: conv and linear weights, biases, BN scale and shift.</param>
/// <param name="ParametersWithBnStatistics">PaddleClas' count: the above plus BN running mean and variance.</param>
/// <param name="Flops">
/// Multiply-adds of every conv and linear layer (no bias term), 2 per BatchNorm output element
/// (including the BN inside SE), and 1 per input element of each average pooling (SE squeezes and the
/// global pool). Activations, the SE scale and residual adds count nothing. This is the only variant of
/// "MACs + 2/BN element + pooling" that reproduces all five seed figures (0.415 … 3.445 G); see
/// <c>ModelZooTests</c>.
/// </param>
public sealed record ModelCost(long TrainableParameters, long ParametersWithBnStatistics, long Flops)
{
    public static ModelCost Compute(ModelSpec spec, int height = 224, int width = 224)
    {
        long trainable = 0, bnStats = 0, flops = 0;

        void ConvBn(int cin, int cout, int groups, int k, int oh, int ow)
        {
            long outElems = (long)cout * oh * ow;
            trainable += (long)cout * (cin / groups) * k * k + 2L * cout;
            bnStats += 2L * cout;
            flops += outElems * (cin / groups) * k * k + 2 * outElems;
        }

        int h = ModelSpec.ConvOutSize(height, 2), w = ModelSpec.ConvOutSize(width, 2);
        ConvBn(ModelSpec.InputChannels, spec.StemChannels, 1, 3, h, w);

        foreach (var b in spec.Blocks)
        {
            if (b.HasExpand)
            {
                ConvBn(b.InChannels, b.DwChannels, 1, 1, h, w);
            }
            h = ModelSpec.ConvOutSize(h, b.Stride);
            w = ModelSpec.ConvOutSize(w, b.Stride);
            ConvBn(b.DwChannels, b.DwChannels, b.DwChannels, 3, h, w);
            if (b.HasSe)
            {
                int c = b.DwChannels, rd = b.SeChannels;
                trainable += (long)c * rd + rd + 2L * rd + (long)rd * c + c;
                bnStats += 2L * rd;
                flops += (long)c * h * w + (long)c * rd + 2L * rd + (long)rd * c;
            }
            ConvBn(b.DwChannels, b.OutChannels, 1, 1, h, w);
        }

        ConvBn(spec.Blocks[^1].OutChannels, spec.PenultimateChannels, 1, 1, h, w);
        flops += (long)spec.PenultimateChannels * h * w;
        trainable += (long)spec.PenultimateChannels * spec.NumClasses + spec.NumClasses;
        flops += (long)spec.PenultimateChannels * spec.NumClasses;

        return new ModelCost(trainable, trainable + bnStats, flops);
    }
}
