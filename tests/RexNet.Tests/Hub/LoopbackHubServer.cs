using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RexNet.Tests.Hub;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that plays the hub for one file: HEAD/GET on /REPO/resolve/main/FILE
/// answers like huggingface.co does for an LFS file (302 to a CDN path with X-Repo-Commit, X-Linked-Etag and
/// X-Linked-Size), and GET on the CDN path serves the content. One connection per request, each handled inline.
/// </summary>
internal sealed class LoopbackHubServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public string Repo { get; }
    public string File { get; }
    public string Commit { get; } = "0123456789abcdef0123456789abcdef01234567";

    /// <summary>The bytes served; swap them to simulate corruption.</summary>
    public byte[] Content { get; set; }

    /// <summary>The sha256 announced as X-Linked-Etag.</summary>
    public string Etag { get; set; }

    /// <summary>When set, the next CDN response is cut off after this many body bytes (then it resets).</summary>
    public int? CutAfterBytes { get; set; }

    /// <summary>Whether the hub's HEAD answers with a 302 to the CDN path, as for LFS files.</summary>
    public bool RedirectToCdn { get; set; } = true;

    /// <summary>Host name the CDN redirect points at; "localhost" makes it a different host from the hub's 127.0.0.1.</summary>
    public string CdnHost { get; set; } = "127.0.0.1";

    /// <summary>Headers of the answer for any other repository: the hub's 401 for a repository that does not exist.</summary>
    public Dictionary<string, string> MissingRepositoryHeaders { get; set; } = new() { ["X-Error-Code"] = "RepoNotFound", ["X-Error-Message"] = "Repository not found" };

    public List<string> Requests { get; } = [];
    public List<string?> Authorizations { get; } = [];

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public LoopbackHubServer(string repo, string file, byte[] content)
    {
        Repo = repo;
        File = file;
        Content = content;
        Etag = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            using (client)
            {
                try
                {
                    await HandleAsync(client.GetStream());
                }
                catch (IOException)
                {
                    // The client went away; the next request gets a new connection.
                }
            }
        }
    }

    private async Task HandleAsync(NetworkStream stream)
    {
        var (method, path, headers) = await ReadRequestAsync(stream);
        lock (Requests)
        {
            Requests.Add($"{method} {path}");
            Authorizations.Add(headers.GetValueOrDefault("authorization"));
        }
        string resolve = $"/{Repo}/resolve/main/{File}";
        string cdn = $"/cdn/{Etag}";
        if (path == resolve)
        {
            var h = new Dictionary<string, string>
            {
                ["X-Repo-Commit"] = Commit,
                ["X-Linked-Etag"] = $"\"{Etag}\"",
                ["X-Linked-Size"] = Content.Length.ToString(),
                ["ETag"] = "\"0000000000000000000000000000000000000000\"",
            };
            if (RedirectToCdn)
            {
                h["Location"] = $"http://{CdnHost}:{((IPEndPoint)_listener.LocalEndpoint).Port}{cdn}";
                await WriteAsync(stream, "302 Found", h, [], 0);
                return;
            }
            await WriteBodyAsync(stream, method, h);
            return;
        }
        if (path == cdn && method == "GET")
        {
            await WriteBodyAsync(stream, method, []);
            return;
        }
        if (!path.StartsWith($"/{Repo}/", StringComparison.Ordinal))
        {
            await WriteAsync(stream, "401 Unauthorized", MissingRepositoryHeaders, [], 0);
            return;
        }
        await WriteAsync(stream, "404 Not Found", new() { ["X-Error-Code"] = "EntryNotFound" }, [], 0);
    }

    private async Task WriteBodyAsync(NetworkStream stream, string method, Dictionary<string, string> headers)
    {
        byte[] body = method == "HEAD" ? [] : Content;
        int send = body.Length;
        if (method == "GET" && CutAfterBytes is { } cut)
        {
            send = Math.Min(cut, body.Length);
            CutAfterBytes = null;
        }
        await WriteAsync(stream, "200 OK", headers, body, send, contentLength: Content.Length);
    }

    private static async Task WriteAsync(NetworkStream stream, string status, Dictionary<string, string> headers, byte[] body,
        int send, long? contentLength = null)
    {
        var head = new StringBuilder($"HTTP/1.1 {status}\r\n");
        foreach (var (k, v) in headers)
        {
            head.Append($"{k}: {v}\r\n");
        }
        head.Append($"Content-Length: {contentLength ?? body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(body.AsMemory(0, send));
        await stream.FlushAsync();
    }

    private static async Task<(string Method, string Path, Dictionary<string, string> Headers)> ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        // Requests are small; stop at the blank line or after 16 KiB.
        while (bytes.Count < 16384)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r')
            {
                break;
            }
        }
        var lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n");
        var first = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }
        return (first[0], first.Length > 1 ? first[1] : "", headers);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping the listener faults a pending accept; that is the expected end.
        }
        _stop.Dispose();
    }
}
