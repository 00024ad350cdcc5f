namespace RexNet.Model;

/// <summary>One linear bottleneck (timm's LinearBottleneck), fully resolved to channel counts.</summary>
/// <param name="Index">Position in timm's <c>features</c> sequence; also its state_dict prefix.</param>
/// <param name="InChannels">Channels entering the block (the shortcut's width).</param>
/// <param name="OutChannels">Channels leaving the projection.</param>
/// <param name="DwChannels">Width of the depthwise stage (expanded, or the input width when there is no expansion).</param>
/// <param name="HasExpand">Whether a 1x1 expansion conv + BN + SiLU precedes the depthwise conv.</param>
/// <param name="Stride">Depthwise stride, 1 or 2.</param>
/// <param name="SeChannels">Squeeze-excitation bottleneck width, 0 when the block has no SE.</param>
/// <param name="UseShortcut">Whether the input is added to the first <see cref="InChannels"/> output channels.</param>
public sealed record BottleneckSpec(
    int Index, int InChannels, int OutChannels, int DwChannels, bool HasExpand, int Stride, int SeChannels, bool UseShortcut)
{
    public bool HasSe => SeChannels > 0;
    public string Prefix => $"features.{Index}";
}

/// <summary>
/// Pure data derived from a zoo entry with timm's rexnet.py arithmetic (_block_cfg, _build_blocks):
/// nothing here is written per model.
/// </summary>
public sealed record ModelSpec(
    string Name, int StemChannels, IReadOnlyList<BottleneckSpec> Blocks, int PenultimateChannels, int NumClasses)
{
    public const int InputChannels = 3;
    public const int MinInputSize = 32;

    /// <summary>timm's defaults for every ReXNet: initial 16, final 180 channels, SE ratio 1/12.</summary>
    private const int InitialChannels = 16;
    private const int FinalChannels = 180;
    private const double SeRatio = 1.0 / 12.0;
    private const double ExpandRatio = 6.0;
    private static readonly int[] StageLayers = [1, 2, 2, 3, 3, 5];
    private static readonly int[] StageStrides = [1, 2, 2, 2, 1, 2];

    /// <summary>The state_dict prefix of the final 1x1 conv (timm appends it to <c>features</c>).</summary>
    public string PenultimatePrefix => $"features.{Blocks.Count}";

    public static ModelSpec FromZoo(string name, int numClasses = 1000) => FromEntry(ModelZoo.Get(name), numClasses);

    public static ModelSpec FromEntry(ZooEntry entry, int numClasses = 1000)
    {
        double wm = entry.WidthMultiplier;
        int div = entry.ChannelDivisor;

        double stemBase = wm < 1.0 ? 32 / wm : 32;
        int stem = ChannelMath.MakeDivisible(ChannelMath.PythonRound(stemBase * wm), div);

        // _block_cfg with depth_mult 1: per-block output width grows linearly from 16 by 180 over the blocks.
        int blockCount = StageLayers.Sum();
        var strides = new List<int>();
        for (int s = 0; s < StageLayers.Length; s++)
        {
            strides.Add(StageStrides[s]);
            strides.AddRange(Enumerable.Repeat(1, StageLayers[s] - 1));
        }
        int noSeBlocks = StageLayers[0] + StageLayers[1];
        double baseChs = wm < 1.0 ? InitialChannels / wm : InitialChannels;

        var blocks = new List<BottleneckSpec>(blockCount);
        int prev = stem;
        for (int i = 0; i < blockCount; i++)
        {
            int outChs = ChannelMath.MakeDivisible(ChannelMath.PythonRound(baseChs * wm), div);
            baseChs += FinalChannels / (double)blockCount;

            bool expand = i >= StageLayers[0];
            int dw = expand ? ChannelMath.MakeDivisible(ChannelMath.PythonRound(prev * ExpandRatio), div) : prev;
            int se = i >= noSeBlocks ? ChannelMath.MakeDivisible((int)(dw * SeRatio), div) : 0;
            int stride = strides[i];
            blocks.Add(new BottleneckSpec(i, prev, outChs, dw, expand, stride, se, stride == 1 && prev <= outChs));
            prev = outChs;
        }

        int pen = ChannelMath.MakeDivisible(1280 * wm, div);
        return new ModelSpec(entry.Name, stem, blocks, pen, numClasses);
    }

    /// <summary>Output size of a 3x3 conv with padding 1 (timm's symmetric padding for k=3).</summary>
    public static int ConvOutSize(int size, int stride) => (size + 2 - 3) / stride + 1;

    /// <summary>Throws with a clear message when the input size is outside what the network accepts.</summary>
    public static void ValidateInputSize(int height, int width)
    {
        if (height < MinInputSize || width < MinInputSize)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"input size {height}x{width} is too small: height and width must be at least {MinInputSize}");
        }
    }
}
