using RexNet.Model;

namespace RexNet.Hub;

/// <summary>timm's ImageNet-1k weights for a zoo model, from the hub cache or the hub.</summary>
public static class PretrainedWeights
{
    public const string FileName = "model.safetensors";

    /// <summary>
    /// Returns a local path to the model's timm safetensors file, downloading it if it is not cached. The path is
    /// the blob itself, not the snapshot symlink, because readers that size a file by FileInfo.Length see the link.
    /// </summary>
    public static string Resolve(ZooEntry entry, HubSettings? settings = null, DownloadProgress? progress = null,
        Action<string>? notice = null)
    {
        string snapshot = new HubDownloader(settings ?? HubSettings.FromEnvironment()) { Notice = notice }
            .Download(entry.HubRepository, FileName, progress);
        return FollowLinks(snapshot);
    }

    /// <summary>The final target of a chain of symbolic links, or the path itself.</summary>
    public static string FollowLinks(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
