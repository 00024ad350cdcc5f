using RexNet.Imaging;

namespace RexNet.CApi;

/// <summary>Turns the C arguments of rexnet_engine_create into <see cref="EngineOptions"/> and how image files
/// are oriented, naming the argument that is wrong; ranges the library itself checks (input size, zoo
/// names) are left to it.</summary>
internal static unsafe class EngineArguments
{
    public static (EngineOptions Engine, ExifOrientation Exif) FromOptions(COptions* options)
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
        if (options->ApplyExifOrientation is not (0 or 1))
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"apply_exif_orientation must be 0 or 1, got {options->ApplyExifOrientation}");
        }
        var device = DeviceSpec.Parse(Utf8Strings.Require(options->Device, "device"));
        var engine = new EngineOptions
        {
            Model = Utf8Strings.Read(options->Model),
            Weights = Utf8Strings.Require(options->WeightsPath, "weights_path"),
            MaxBatch = options->MaxBatch,
            Height = options->Height,
            Width = options->Width,
            Threads = options->Threads == 0 ? null : options->Threads,
        }.WithDevice(device);
        return (engine, options->ApplyExifOrientation == 1 ? ExifOrientation.Apply : ExifOrientation.Ignore);
    }
}
