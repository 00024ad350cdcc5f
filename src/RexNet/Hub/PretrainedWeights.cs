using RexNet.Model;

namespace RexNet.Hub;

/// <summary>timm's ImageNet-1k weights for a zoo model, from the hub cache or the hub.</summary>
public static class PretrainedWeights
{
    public const string FileName = "model.safetensors";

    /// <summary>
    /// Returns a local path to the model's timm safetensors file (the cache's snapshot link), downloading it if
    /// it is not cached.
    /// </summary>
    public static string Resolve(ZooEntry entry, HubSettings? settings = null, DownloadProgress? progress = null,
        Action<string>? notice = null)
    {
        return new HubDownloader(settings ?? HubSettings.FromEnvironment()) { Notice = notice }
            .Download(entry.HubRepository, FileName, progress);
    }
}
