using System.Net;
using Microsoft.Extensions.Logging;
using RexNet.Weights;

namespace RexNet.Server;

/// <summary>
/// Everything `rexnet serve` is told: the model and its engines, the two listening ports, the batcher and the
/// request limits. The CLI fills it from flags; tests build it directly (often with <see cref="FoldedWeights"/>).
/// </summary>
internal sealed record ServeOptions
{
    /// <summary>Zoo model id (rexnet_100, ...) the weights must hold; null: the model the weights hold.</summary>
    public string? Model { get; init; }

    /// <summary>A timm-layout .safetensors file; ignored when <see cref="FoldedWeights"/> is set.</summary>
    public string? Weights { get; init; }

    /// <summary>Weights already in memory (random-init models in tests and benchmarks).</summary>
    public FoldedModel? FoldedWeights { get; init; }

    /// <summary>The model's protocol name; null means the model id.</summary>
    public string? ModelName { get; init; }

    public DeviceSpec Device { get; init; } = DeviceSpec.Auto;

    /// <summary>Address both ports bind to: loopback by default, 0.0.0.0 in containers.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>HTTP/1.1 REST port; 0 picks a free one (the chosen port is logged).</summary>
    public int HttpPort { get; init; } = 8080;

    /// <summary>HTTP/2 cleartext (h2c) gRPC port; 0 picks a free one.</summary>
    public int GrpcPort { get; init; } = 8081;

    /// <summary>Most images the batcher puts into one engine run; engines are built for this batch.</summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>How long the oldest queued request may wait for others to join its batch.</summary>
    public int MaxDelayMicroseconds { get; init; } = 2000;

    /// <summary>Requests waiting for an engine beyond which new ones are refused with 429 / RESOURCE_EXHAUSTED.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>Engines (each one stream or one CPU worker pool); null means one.</summary>
    public int? Engines { get; init; }

    /// <summary>CPU threads per engine; null lets the engine pool divide the cores among the engines.</summary>
    public int? Threads { get; init; }

    public int Height { get; init; } = 224;
    public int Width { get; init; } = 224;

    /// <summary>Largest request body (REST) or message (gRPC) accepted.</summary>
    public long MaxBodyBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Most images one request may carry; larger requests are refused before anything is allocated.</summary>
    public int MaxRequestImages { get; init; } = 64;

    /// <summary>How long SIGTERM waits for queued and running requests before the server exits anyway.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(25);

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>For `rexnet bench-serve` only: batches are formed and answered with zero logits and no engine runs, so
    /// what is measured is the HTTP and gRPC stacks, this server's code around the engine, and the clients.</summary>
    internal bool TransportOnly { get; init; }

    public int EffectiveEngines => Engines ?? 1;

    public const int MaxPort = 65535;

    /// <summary>What the engines are built from; the pool builds <see cref="EffectiveEngines"/> of them.</summary>
    public EngineOptions EngineOptions => new EngineOptions
    {
        Model = Model, Weights = Weights, FoldedWeights = FoldedWeights, MaxBatch = MaxBatch, Height = Height, Width = Width,
        Threads = Threads,
    }.WithDevice(Device);

    /// <summary>Refuses contradictory or out-of-range options with one message naming the option (weights are the
    /// engine's to check).</summary>
    public void Validate()
    {
        if (ModelName is { } name && !IsProtocolName(name))
        {
            throw Invalid($"--model-name '{name}' must be 1-128 characters of letters, digits, '.', '_' or '-'");
        }
        ParseHost(Host);
        CheckRange(HttpPort, 0, MaxPort, "--http-port");
        CheckRange(GrpcPort, 0, MaxPort, "--grpc-port");
        if (HttpPort != 0 && HttpPort == GrpcPort)
        {
            throw Invalid($"--http-port and --grpc-port are both {HttpPort}; REST and gRPC need separate ports");
        }
        CheckRange(MaxBatch, 1, 1024, "--max-batch");
        CheckRange(MaxDelayMicroseconds, 0, 10_000_000, "--max-delay-us");
        CheckRange(MaxQueue, 1, 1_000_000, "--max-queue");
        CheckRange(EffectiveEngines, 1, RexNetEnginePool.MaxEngines, "--engines");
        if (Threads is { } threads)
        {
            CheckRange(threads, 1, 1024, "--threads");
        }
        CheckRange(MaxRequestImages, 1, 65536, "--max-request-images");
        if (MaxBodyBytes < 1024 || MaxBodyBytes > int.MaxValue)
        {
            throw Invalid($"the body limit must be between 1 KiB and 2 GiB, got {MaxBodyBytes} bytes");
        }
        if (DrainTimeout <= TimeSpan.Zero)
        {
            throw Invalid("the drain timeout must be positive");
        }
    }

    /// <summary>The listening address: an IP literal, or "localhost" for the loopback address.</summary>
    public static IPAddress ParseHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        return IPAddress.TryParse(host, out var address)
            ? address
            : throw Invalid($"--host must be an IP address (127.0.0.1, 0.0.0.0, ::) or localhost, got '{host}'");
    }

    /// <summary>Names that are safe in URLs, metric labels and log lines without escaping.</summary>
    public static bool IsProtocolName(string name) =>
        name.Length is >= 1 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static void CheckRange(int value, int min, int max, string option)
    {
        if (value < min || value > max)
        {
            throw Invalid($"{option} must be in [{min}, {max}], got {value}");
        }
    }

    private static RexNetException Invalid(string message) => new(RexNetErrorCode.InvalidArgument, message);
}
