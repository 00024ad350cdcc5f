namespace RexNet.Cuda;

/// <summary>
/// How pointwise.cu covers one 1x1 conv: 64x64 output tiles over (output channel, image x pixel), and, when
/// there are too few tiles to fill the GPU, split-K: several blocks per tile, each over a share of the
/// input channels, the last of them adding the partial tiles up. Pure arithmetic from the kernel's constants.
/// </summary>
internal readonly record struct PointwiseTiling(int TilesN, int TilesM, int Splits, int KPerSplit)
{
    /// <summary>Blocks that fill one wave of an H100/H200 (132 multiprocessors): below it a layer splits K.</summary>
    public const int TargetBlocks = 132;

    /// <summary>Input channels each split sums at least (in 16-deep slices), so the partial tiles stay worth their traffic.</summary>
    public const int MinChannelsPerSplit = 128;

    public static int TileM { get; } = KernelCatalog.Constant("pointwise.cu", "POINTWISE_TILE_M");
    public static int TileN { get; } = KernelCatalog.Constant("pointwise.cu", "POINTWISE_TILE_N");
    public static int TileK { get; } = KernelCatalog.Constant("pointwise.cu", "POINTWISE_TILE_K");

    public int Tiles => TilesN * TilesM;
    public long ScratchFloats => Splits > 1 ? (long)Tiles * Splits * TileM * TileN : 0;
    public int Counters => Splits > 1 ? Tiles : 0;

    public static PointwiseTiling For(long columns, int cout, int cin)
    {
        int tilesN = CudaPlanRecorder.GridFor(columns, (uint)TileN);
        int tilesM = CudaPlanRecorder.GridFor(cout, (uint)TileM);
        int slices = (cin + TileK - 1) / TileK;
        int tiles = tilesN * tilesM;
        int wanted = tiles >= TargetBlocks ? 1 : (TargetBlocks + tiles - 1) / tiles;
        int splits = Math.Clamp(wanted, 1, Math.Max(1, slices * TileK / MinChannelsPerSplit));
        int slicesPerSplit = (slices + splits - 1) / splits;
        splits = (slices + slicesPerSplit - 1) / slicesPerSplit; // no empty split
        return new PointwiseTiling(tilesN, tilesM, splits, slicesPerSplit * TileK);
    }
}

/// <summary>
/// How depthwise3x3.cu covers a layer: each warp one (channel, chunk) item of 32 x <see cref="PerLane"/>
/// output pixels, 8 warps a block, a row of blocks per image (the SE's counter and partials are per image).
/// </summary>
internal readonly record struct DepthwiseTiling(int PerLane, int Chunks, int BlocksPerImage)
{
    public static int Warps { get; } = KernelCatalog.Constant("depthwise3x3.cu", "DEPTHWISE_BLOCK") / 32;
    public static int MaxPerLane { get; } = KernelCatalog.Constant("depthwise3x3.cu", "DEPTHWISE_MAX_PER_LANE");
    public static int MaxHidden { get; } = KernelCatalog.Constant("depthwise3x3.cu", "DEPTHWISE_SE_MAX_HIDDEN");

    /// <summary>The smallest outputs-per-lane that covers a plane (up to the kernel's maximum), so small 7x7 planes leave few lanes idle.</summary>
    public static DepthwiseTiling For(int channels, int plane)
    {
        int perLane = Math.Clamp((plane + 31) / 32, 1, MaxPerLane);
        int chunks = (plane + 32 * perLane - 1) / (32 * perLane);
        return new DepthwiseTiling(perLane, chunks, CudaPlanRecorder.GridFor((long)channels * chunks, (uint)Warps));
    }
}
