using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace RexNet.Hub;

/// <summary>
/// What the hub's answer to HEAD .../resolve/REVISION/FILE says about a file: the commit the revision resolves to
/// (X-Repo-Commit), the content's id (X-Linked-Etag for LFS files, which is the sha256 of the content, else the
/// ETag, the git blob sha1), its size, and where to download it from (the CDN the 302 points at, for LFS files).
/// </summary>
internal sealed partial record HubFileMetadata(string Commit, string Etag, long? Size, Uri DownloadUri)
{
    public static HubFileMetadata FromResponse(HttpResponseMessage response, Uri requested)
    {
        string commit = Header(response, "X-Repo-Commit")
            ?? throw new HubException($"{requested}: the server's answer lacks the X-Repo-Commit header; is HF_ENDPOINT a Hugging Face hub?");
        if (!CommitPattern().IsMatch(commit))
        {
            throw new HubException($"{requested}: the server sent an invalid commit id '{commit}'");
        }
        string etag = Normalise(Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? Header(response, "ETag")
            ?? throw new HubException($"{requested}: the server's answer lacks an ETag header"));
        if (!EtagPattern().IsMatch(etag))
        {
            throw new HubException($"{requested}: the server sent an unusable ETag '{etag}'");
        }
        long? size = long.TryParse(Header(response, "X-Linked-Size"), out long linked) ? linked : response.Content.Headers.ContentLength;
        Uri download = response.Headers.Location is { } location ? new Uri(requested, location) : requested;
        return new HubFileMetadata(commit, etag, size, download);
    }

    /// <summary>Which digest the ETag is: 64 hex digits are an LFS sha256, 40 a git blob sha1.</summary>
    public string? DigestKind => Etag.Length switch
    {
        64 when HexPattern().IsMatch(Etag) => "sha256",
        40 when HexPattern().IsMatch(Etag) => "git-sha1",
        _ => null,
    };

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() :
        response.Content.Headers.TryGetValues(name, out var content) ? content.FirstOrDefault() : null;

    /// <summary>Strips the weak prefix and the quotes, as huggingface_hub does before naming the blob.</summary>
    private static string Normalise(string etag)
    {
        string e = etag.Trim();
        if (e.StartsWith("W/", StringComparison.Ordinal))
        {
            e = e[2..];
        }
        return e.Trim('"');
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();

    /// <summary>The ETag names a file in the cache: no separators, no dots, bounded length.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex EtagPattern();

    [GeneratedRegex("^[0-9a-fA-F]+$")]
    private static partial Regex HexPattern();
}
