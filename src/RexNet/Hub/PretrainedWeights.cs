using RexNet.Model;

namespace RexNet.Hub;

/// <summary>timm's ImageNet-1k weights for a zoo model, from the hub cache or the hub.</summary>
public static class PretrainedWeights
{
    public const string FileName = "model.safetensors";

    /// <summary>
    /// Returns a local path to the model's timm safetensors file (the cache's snapshot link), downloading it if
    /// it is not cached. A model timm publishes no weights for is refused (InvalidArgument) with the reason.
    /// </summary>
    public static string Resolve(ZooEntry entry, HubSettings? settings = null, DownloadProgress? progress = null,
        Action<string>? notice = null)
    {
        string repository = entry.HubRepository ?? throw new RexNetException(RexNetErrorCode.InvalidArgument, entry.NoPretrainedReason!);
        return new HubDownloader(settings ?? HubSettings.FromEnvironment()) { Notice = notice }
            .Download(repository, FileName, progress);
    }
}
