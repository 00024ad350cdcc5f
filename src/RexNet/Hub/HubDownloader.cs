using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace RexNet.Hub;

/// <summary>Progress of one download: bytes so far and the total when known.</summary>
public delegate void DownloadProgress(long received, long? total);

/// <summary>
/// Fetches one file of a hub repository into the shared hub cache and returns its snapshot path. A file that is
/// already cached (by this tool or by huggingface_hub) is reused. Content is streamed to BLOB.incomplete, checked
/// against the ETag's digest and the announced size, and only then renamed into place, so the cache never holds a
/// partial or corrupt blob.
/// </summary>
public sealed class HubDownloader(HubSettings settings)
{
    private const int MaxRedirects = 5;
    private const string Revision = "main";

    private readonly HubCache _cache = new(settings.CacheDirectory);

    public HubSettings Settings => settings;

    /// <summary>Called with one-line notices, e.g. that a cached copy is used because the hub is unreachable.</summary>
    public Action<string>? Notice { get; init; }

    public string Download(string repo, string file, DownloadProgress? progress = null) =>
        DownloadAsync(repo, file, progress, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The file's snapshot path. Network and hub failures are <see cref="HubException"/>s, and so is a
    /// cache the file system will not let us use (not a folder, not writable).</summary>
    public async Task<string> DownloadAsync(string repo, string file, DownloadProgress? progress, CancellationToken cancel)
    {
        try
        {
            return await FetchAsync(repo, file, progress, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HubException($"cannot use the hub cache {settings.CacheDirectory} for {repo}/{file}: {Describe(e)}; " +
                "set HF_HUB_CACHE (or HF_HOME) to a writable folder", e, RexNetErrorCode.InvalidFile);
        }
    }

    private async Task<string> FetchAsync(string repo, string file, DownloadProgress? progress, CancellationToken cancel)
    {
        if (settings.Offline)
        {
            return _cache.TryResolve(repo, Revision, file)
                ?? throw new HubException($"HF_HUB_OFFLINE is set and {repo}/{file} is not in the hub cache {settings.CacheDirectory}; {HowToGet(repo, file)}");
        }
        using var client = CreateClient();
        HubFileMetadata metadata;
        try
        {
            metadata = await HeadAsync(client, ResolveUri(repo, file), cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancel))
        {
            if (_cache.TryResolve(repo, Revision, file) is { } cached)
            {
                Notice?.Invoke($"cannot reach {settings.Endpoint} ({Describe(e)}); using the cached {repo}/{file}");
                return cached;
            }
            throw new HubException($"cannot reach {settings.Endpoint} for {repo}/{file}: {Describe(e)}; {HowToGet(repo, file)}", e);
        }

        string blob = _cache.BlobPath(repo, metadata.Etag);
        if (!File.Exists(blob))
        {
            await FetchBlobAsync(client, repo, file, metadata, blob, progress, cancel).ConfigureAwait(false);
        }
        return _cache.Link(repo, Revision, metadata.Commit, file, metadata.Etag);
    }

    private Uri ResolveUri(string repo, string file) =>
        new($"{settings.Endpoint}/{repo}/resolve/{Revision}/{file}");

    /// <summary>Redirects are followed by hand, so the token is only ever sent to the hub itself; time limits are
    /// per request and per stalled read instead of one for the whole (possibly long) download.</summary>
    private static HttpClient CreateClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(20) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <summary>HEAD without following the redirect to the CDN (its headers are the ones that matter), except
    /// relative redirects, which the hub uses for renamed repositories.</summary>
    private async Task<HubFileMetadata> HeadAsync(HttpClient client, Uri uri, CancellationToken cancel)
    {
        for (int hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = NewRequest(HttpMethod.Head, uri);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(settings.StallTimeout);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { IsAbsoluteUri: false } relative)
            {
                uri = new Uri(uri, relative);
                continue;
            }
            if (!IsRedirect(response.StatusCode) && !response.IsSuccessStatusCode)
            {
                throw StatusError(uri, response);
            }
            return HubFileMetadata.FromResponse(response, uri);
        }
        throw new HubException($"{uri}: more than {MaxRedirects} redirects");
    }

    private async Task FetchBlobAsync(HttpClient client, string repo, string file, HubFileMetadata metadata, string blob,
        DownloadProgress? progress, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        string incomplete = blob + ".incomplete";
        long received = 0;
        try
        {
            using var response = await GetFollowingRedirectsAsync(client, metadata.DownloadUri, cancel).ConfigureAwait(false);
            long? total = metadata.Size ?? response.Content.Headers.ContentLength;
            using var hash = NewHash(metadata);
            await using (var output = new FileStream(incomplete, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            await using (var body = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false))
            {
                var buffer = new byte[1 << 16];
                progress?.Invoke(0, total);
                while (true)
                {
                    using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                    stall.CancelAfter(settings.StallTimeout);
                    int n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }
                    await output.WriteAsync(buffer.AsMemory(0, n), cancel).ConfigureAwait(false);
                    hash?.AppendData(buffer, 0, n);
                    received += n;
                    progress?.Invoke(received, total);
                }
                output.Flush(flushToDisk: true);
            }
            if (total is { } expected && received != expected)
            {
                throw new HubException($"download of {repo}/{file} ended after {received} of {expected} bytes; run again to retry");
            }
            if (hash is not null)
            {
                string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (!string.Equals(actual, metadata.Etag, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HubException($"download of {repo}/{file} is corrupt: its {metadata.DigestKind} is {actual} but the hub announced {metadata.Etag}; nothing was cached, run again to retry", code: RexNetErrorCode.InvalidFile);
                }
            }
            File.Move(incomplete, blob, overwrite: true);
        }
        catch (Exception e) when (IsNetworkFailure(e, cancel))
        {
            throw new HubException($"download of {repo}/{file} was interrupted after {received} bytes ({Describe(e)}); nothing was cached, run again to retry", e);
        }
        finally
        {
            if (File.Exists(incomplete))
            {
                File.Delete(incomplete);
            }
        }
    }

    /// <summary>The hub answers LFS files with a redirect to a CDN; the token goes to the hub only.</summary>
    private async Task<HttpResponseMessage> GetFollowingRedirectsAsync(HttpClient client, Uri uri, CancellationToken cancel)
    {
        for (int hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = NewRequest(HttpMethod.Get, uri);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(settings.StallTimeout);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                uri = new Uri(uri, location);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                var error = StatusError(uri, response);
                response.Dispose();
                throw error;
            }
            return response;
        }
        throw new HubException($"{uri}: more than {MaxRedirects} redirects");
    }

    private HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("rexnet", "1.0"));
        if (settings.Token is { } token && IsHubHost(uri))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    private bool IsHubHost(Uri uri) =>
        Uri.TryCreate(settings.Endpoint, UriKind.Absolute, out var endpoint) &&
        Uri.Compare(uri, endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static IncrementalHash? NewHash(HubFileMetadata metadata)
    {
        switch (metadata.DigestKind)
        {
            case "sha256":
                return IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            case "git-sha1" when metadata.Size is { } size:
                // A git blob id is the sha1 of "blob SIZE\0" followed by the content.
                var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                hash.AppendData(Encoding.ASCII.GetBytes($"blob {size}\0"));
                return hash;
            default:
                return null;
        }
    }

    private static bool IsRedirect(HttpStatusCode code) => (int)code is >= 300 and < 400;

    /// <summary>
    /// A failed answer, read as huggingface_hub reads it: the X-Error-Code header tells a missing repository, revision
    /// or file and a gated repository apart; a 401 without it is what the hub answers for a repository that does not
    /// exist (or is private) rather than a request for a token, unless the hub says the token itself was refused.
    /// </summary>
    private HubException StatusError(Uri uri, HttpResponseMessage response)
    {
        int status = (int)response.StatusCode;
        string? errorCode = HubFileMetadata.Header(response, "X-Error-Code");
        string? errorMessage = HubFileMetadata.Header(response, "X-Error-Message");
        string tokenNote = settings.Token is null ? "no HF_TOKEN is set" : "HF_TOKEN was sent";
        return errorCode switch
        {
            "RepoNotFound" => new HubException($"{uri}: HTTP {status}: no such model repository on {settings.Endpoint} " +
                $"(if it is private or gated, set HF_TOKEN to a token that may read it; {tokenNote})"),
            "RevisionNotFound" => new HubException($"{uri}: HTTP {status}: the repository has no revision '{Revision}' on {settings.Endpoint}"),
            "EntryNotFound" => new HubException($"{uri}: HTTP {status}: the repository has no file of that name on {settings.Endpoint}"),
            "GatedRepo" => new HubException($"{uri}: HTTP {status}: the repository is gated: accept its terms on {settings.Endpoint} " +
                $"and set HF_TOKEN to a token of that account ({tokenNote})"),
            _ when status == 401 && errorMessage == "Invalid credentials in Authorization header" =>
                new HubException($"{uri}: HTTP 401: {settings.Endpoint} refused HF_TOKEN as invalid; set HF_TOKEN to a valid token or unset it"),
            _ when status == 401 => new HubException($"{uri}: HTTP 401: no such model repository on {settings.Endpoint} " +
                $"(the hub answers 401 for a repository that does not exist, or is private; {tokenNote})"),
            _ when status == 403 => new HubException($"{uri}: HTTP 403: access denied; set HF_TOKEN to a token that may read this repository ({tokenNote})"),
            _ when status == 404 => new HubException($"{uri}: HTTP 404: no such repository or file on {settings.Endpoint}"),
            _ => new HubException($"{uri}: HTTP {status} {response.StatusCode}"),
        };
    }

    private static bool IsNetworkFailure(Exception e, CancellationToken cancel) =>
        e is HttpRequestException or IOException ||
        (e is OperationCanceledException && !cancel.IsCancellationRequested);

    private static string Describe(Exception e) =>
        e is OperationCanceledException ? "timed out" : e.Message.ReplaceLineEndings(" ");

    /// <summary>How to get the file onto this machine some other way, from the endpoint in use.</summary>
    public string HowToGet(string repo, string file)
    {
        string endpoint = settings.Endpoint == HubSettings.DefaultEndpoint ? "" : $"HF_ENDPOINT={settings.Endpoint} ";
        return $"fetch it where {settings.Endpoint} is reachable with '{endpoint}hf download {repo} {file}' and copy the hub cache here, " +
               $"or download {settings.Endpoint}/{repo}/resolve/{Revision}/{file} and pass --weights FILE";
    }
}
