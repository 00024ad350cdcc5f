using System.CommandLine;
using Microsoft.Extensions.Logging;
using RexNet.Cli.Options;
using RexNet.Server;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet serve`: the Open Inference Protocol over HTTP and gRPC; options become <see cref="ServeOptions"/>.</summary>
internal sealed class ServeCommand : RexNetCommand
{
    private static readonly ServeOptions Defaults = new();

    private readonly WeightOptions _weights = new();
    private readonly Option<string> _modelName = CliOptions.Path("--model-name", "the model's name in the protocol's URLs and metrics (default: the model id)", helpName: "NAME");
    private readonly Option<DeviceSpec> _device = CliOptions.Device(DeviceSpec.Auto);
    private readonly Option<string> _host = new("--host")
    {
        Description = "address both ports listen on: an IP address (0.0.0.0 in a container) or localhost", HelpName = "ADDRESS",
        DefaultValueFactory = _ => Defaults.Host,
    };
    private readonly Option<int> _httpPort = CliOptions.Int("--http-port", "REST port (HTTP/1.1); 0 picks a free one", Defaults.HttpPort, 0, ServeOptions.MaxPort, "PORT");
    private readonly Option<int> _grpcPort = CliOptions.Int("--grpc-port", "gRPC port (HTTP/2 cleartext); 0 picks a free one", Defaults.GrpcPort, 0, ServeOptions.MaxPort, "PORT");
    private readonly Option<int> _maxBatch = CliOptions.Int("--max-batch", "most images the batcher puts into one engine run", Defaults.MaxBatch, 1, 1024);
    private readonly Option<int> _maxDelay = CliOptions.Int("--max-delay-us", "how long the oldest queued request waits for others to join its batch, in microseconds",
        Defaults.MaxDelayMicroseconds, 0, 10_000_000, "US");
    private readonly Option<int> _maxQueue = CliOptions.Int("--max-queue", "queued requests beyond which new ones are refused (429, RESOURCE_EXHAUSTED)", Defaults.MaxQueue, 1, 1_000_000);
    private readonly Option<int?> _engines = CliOptions.OptionalInt("--engines", "engines serving in parallel (default: 1)", 1, RexNetEnginePool.MaxEngines);
    private readonly Option<int?> _threads = CliOptions.Threads("CPU threads per engine");
    private readonly InputSizeOptions _size = new(InputSizeOptions.PretrainedEvalSize);
    private readonly Option<int> _maxBodyMb = CliOptions.Int("--max-body-mb", "largest request body (REST) or message (gRPC), in MiB", (int)(Defaults.MaxBodyBytes >> 20), 1, 2047, "MB");
    private readonly Option<int> _maxImages = CliOptions.Int("--max-request-images", "most images one request may carry", Defaults.MaxRequestImages, 1, 65536);
    private readonly Option<int> _drain = CliOptions.Int("--drain-seconds", "how long SIGTERM waits for queued and running requests", (int)Defaults.DrainTimeout.TotalSeconds, 1, 3600, "S");
    private readonly Option<LogLevel?> _logLevel = CliOptions.Choice("--log-level", "what the server logs", LogLevel.Information);

    public ServeCommand() : base("serve", "Serve a model over the Open Inference Protocol (KServe v2, Triton): REST and gRPC with dynamic batching and Prometheus metrics.")
    {
        _weights.AddTo(this);
        Add(_modelName);
        Add(_device);
        Add(_host);
        Add(_httpPort);
        Add(_grpcPort);
        Add(_maxBatch);
        Add(_maxDelay);
        Add(_maxQueue);
        Add(_engines);
        Add(_threads);
        _size.AddTo(this);
        Add(_maxBodyMb);
        Add(_maxImages);
        Add(_drain);
        Add(_logLevel);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet serve --pretrained --model rexnet_100", "REST on 127.0.0.1:8080 and gRPC on :8081; POST /v2/models/rexnet_100/infer"),
        ("rexnet serve --weights /mnt/models/model.safetensors --host 0.0.0.0 --device cuda --engines 2", "in a container, two GPU engines"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        var options = ServeOptionsOf(parse);
        // Checked before any download or engine: a wrong option costs nothing.
        options.Validate();
        CliOptions.Threads(parse, _threads, console, Name);
        var (weights, model) = _weights.Resolve(parse, console);
        var entry = WeightOptions.EntryOf(weights, model);
        var (height, width) = _size.Resolve(parse, entry.Pretrained?.EvalSize ?? Defaults.Height);
        return RexNetServer.RunAsync(options with { Weights = weights, Model = entry.Name, Height = height, Width = width }).GetAwaiter().GetResult();
    }

    /// <summary>The options as given, before the weights are resolved (--weights stays the path it names).</summary>
    public ServeOptions ServeOptionsOf(ParseResult parse)
    {
        var (height, width) = _size.Resolve(parse, Defaults.Height);
        return new ServeOptions
        {
            Weights = parse.GetValue(_weights.Weights),
            Model = parse.GetValue(_weights.Model),
            ModelName = parse.GetValue(_modelName),
            Device = parse.GetValue(_device),
            Host = parse.GetValue(_host)!,
            HttpPort = parse.GetValue(_httpPort),
            GrpcPort = parse.GetValue(_grpcPort),
            MaxBatch = parse.GetValue(_maxBatch),
            MaxDelayMicroseconds = parse.GetValue(_maxDelay),
            MaxQueue = parse.GetValue(_maxQueue),
            Engines = parse.GetValue(_engines),
            Threads = parse.GetValue(_threads),
            Height = height,
            Width = width,
            MaxBodyBytes = parse.GetValue(_maxBodyMb) * 1024L * 1024,
            MaxRequestImages = parse.GetValue(_maxImages),
            DrainTimeout = TimeSpan.FromSeconds(parse.GetValue(_drain)),
            LogLevel = parse.GetValue(_logLevel) ?? LogLevel.Information,
        };
    }

    /// <summary>What a `rexnet serve` command line (without "serve") parses to, for checking deployment files against
    /// the server: a command line that does not parse is a <see cref="RexNetException"/> (InvalidArgument).</summary>
    public static ServeOptions Parse(IReadOnlyList<string> args)
    {
        var command = new ServeCommand();
        var parse = CliApp.CreateRoot([command]).Parse(["serve", .. args]);
        return UsageErrors.Find(parse) is { } error
            ? throw new RexNetException(RexNetErrorCode.InvalidArgument, error)
            : command.ServeOptionsOf(parse);
    }
}
