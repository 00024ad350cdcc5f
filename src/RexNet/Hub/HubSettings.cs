namespace RexNet.Hub;

/// <summary>
/// Where and how to reach the Hugging Face hub, read from the same environment variables as Python's
/// huggingface_hub so that both share one cache and one configuration.
/// </summary>
public sealed record HubSettings
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>HF_ENDPOINT, without a trailing slash.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>HF_TOKEN, else the token file `hf auth login` (formerly huggingface-cli login) writes; sent as a Bearer token to the endpoint only.</summary>
    public string? Token { get; init; }

    /// <summary>HF_HUB_OFFLINE: use only what is cached.</summary>
    public bool Offline { get; init; }

    /// <summary>The hub cache root holding models--owner--name folders.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>How long a download may stall before it is abandoned.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static HubSettings FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>Resolution order as huggingface_hub documents it: HF_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub.</summary>
    public static HubSettings FromVariables(Func<string, string?> get)
    {
        string? Value(string name) => get(name) is { Length: > 0 } v ? v : null;
        string home = Value("HF_HOME") ?? Path.Combine(
            Value("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "huggingface");
        string cache = Value("HF_HUB_CACHE") ?? Path.Combine(home, "hub");
        string? token = Value("HF_TOKEN")?.Trim() ?? ReadTokenFile(Path.Combine(home, "token"));
        return new HubSettings
        {
            Endpoint = (Value("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/'),
            Token = token,
            Offline = IsTrue(Value("HF_HUB_OFFLINE")),
            CacheDirectory = cache,
        };
    }

    private static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string? ReadTokenFile(string path)
    {
        try
        {
            return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } t ? t : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
