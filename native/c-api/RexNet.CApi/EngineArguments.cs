namespace RexNet.CApi;

/// <summary>Turns the C arguments of rexnet_engine_create into <see cref="EngineOptions"/>, naming the
/// argument that is wrong; ranges the library itself checks (input size, zoo names) are left to it.</summary>
internal static unsafe class EngineArguments
{
    public static EngineOptions FromOptions(COptions* options)
    {
        if (options is null)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, "options is NULL");
        }
        if (options->Size < (nuint)sizeof(COptions))
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"options->size is {options->Size}, not sizeof(rexnet_options) = {sizeof(COptions)}: call rexnet_options_init first");
        }
        if (options->MaxBatch is < 1 or > EngineOptions.MaxBatchLimit)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"max_batch must be in 1..{EngineOptions.MaxBatchLimit}, got {options->MaxBatch}");
        }
        if (options->Threads < 0)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"threads must be 0 (one per core) or more, got {options->Threads}");
        }
        var device = DeviceSpec.Parse(Utf8Strings.Require(options->Device, "device"));
        return new EngineOptions
        {
            Model = Utf8Strings.Read(options->Model),
            Weights = Utf8Strings.Require(options->WeightsPath, "weights_path"),
            MaxBatch = options->MaxBatch,
            Height = options->Height,
            Width = options->Width,
            Threads = options->Threads == 0 ? null : options->Threads,
        }.WithDevice(device);
    }
}
