using Microsoft.Extensions.Logging;
using RexNet.Model;
using RexNet.Server;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet serve`: the Open Inference Protocol over HTTP and gRPC; flags become <see cref="ServeOptions"/>.</summary>
internal sealed class ServeCommand : ICommand
{
    public string Name => "serve";
    public string Summary => "serve a model over the Open Inference Protocol (KServe v2 / Triton): REST + gRPC, dynamic batching";
    public string Usage => "(--weights FILE | --pretrained) [--model M] [--model-name NAME] [--device auto|cpu|cuda|cuda:N] " +
                           "[--host 127.0.0.1] [--http-port 8080] [--grpc-port 8081] [--max-batch 8] [--max-delay-us 2000] " +
                           "[--max-queue 64] [--engines N] [--threads T] [--height 224 --width 224] [--max-body-mb 64] " +
                           "[--max-request-images 64] [--drain-seconds 25] [--log-level debug|information|warning|error]";
    public IReadOnlyCollection<string> Flags =>
    [
        .. ModelArguments.WeightFlags, "model-name", "host", "http-port", "grpc-port", "max-batch", "max-delay-us", "max-queue",
        "engines", "threads", "height", "width", "max-body-mb", "max-request-images", "drain-seconds", "log-level",
    ];
    public IReadOnlyCollection<string> Switches => [ModelArguments.PretrainedSwitch];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout) =>
        RexNetServer.RunAsync(Options(args, stderr)).GetAwaiter().GetResult();

    /// <summary>The flags as server options, checked; --pretrained resolves (downloads) the weights last.</summary>
    public static ServeOptions Options(Arguments args, TextWriter stderr)
    {
        args.NoPositionals();
        var defaults = new ServeOptions();
        var options = new ServeOptions
        {
            ModelName = args.Get("model-name"),
            Device = ModelArguments.Device(args, DeviceSpec.Auto),
            Host = args.Get("host") ?? defaults.Host,
            HttpPort = args.GetInt("http-port", defaults.HttpPort, 0, ServeOptions.MaxPort),
            GrpcPort = args.GetInt("grpc-port", defaults.GrpcPort, 0, ServeOptions.MaxPort),
            MaxBatch = args.GetInt("max-batch", defaults.MaxBatch, 1, 1024),
            MaxDelayMicroseconds = args.GetInt("max-delay-us", defaults.MaxDelayMicroseconds, 0, 10_000_000),
            MaxQueue = args.GetInt("max-queue", defaults.MaxQueue, 1, 1_000_000),
            Engines = args.Get("engines") is null ? null : args.GetInt("engines", 1, 1, 256),
            Threads = args.Get("threads") is null ? null : args.GetInt("threads", 1, 1, 1024),
            Height = args.GetInt("height", defaults.Height, ModelSpec.MinInputSize, 4096),
            Width = args.GetInt("width", defaults.Width, ModelSpec.MinInputSize, 4096),
            MaxBodyBytes = args.GetInt("max-body-mb", (int)(defaults.MaxBodyBytes >> 20), 1, 2047) * 1024L * 1024,
            MaxRequestImages = args.GetInt("max-request-images", defaults.MaxRequestImages, 1, 65536),
            DrainTimeout = TimeSpan.FromSeconds(args.GetInt("drain-seconds", (int)defaults.DrainTimeout.TotalSeconds, 1, 3600)),
            LogLevel = args.GetEnum("log-level", LogLevel.Information),
        };
        // Checked before any download or engine: a wrong flag costs nothing.
        options.Validate();
        var (weights, model) = ModelArguments.Weights(args, stderr);
        return options with { Weights = weights, Model = model };
    }
}
