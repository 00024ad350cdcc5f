using System.Net;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using RexNet.Server.Grpc;
using RexNet.Server.Metrics;
using RexNet.Server.Rest;
using RexNet.Server.Web;

namespace RexNet.Server.Hosting;

/// <summary>
/// The web application: Kestrel with REST (HTTP/1.1) and gRPC (h2c) on separate ports, the protocol's routes,
/// gRPC health and reflection, /metrics and the page at /. Built but not started; the model loads after the
/// ports are open, so the server is live before it is ready.
/// </summary>
internal sealed class ServerApp : IAsyncDisposable
{
    private readonly ListenOptions?[] _listeners = new ListenOptions?[2];
    private bool _disposed;

    public WebApplication App { get; }
    public ModelHost Host { get; }
    public ServeOptions Options { get; }

    private ServerApp(ServeOptions options, Action<WebApplicationBuilder>? configure, TimeProvider time)
    {
        options.Validate();
        Options = options;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "rexnet" });
        // Only our options configure the server: no appsettings.json or Kestrel section from the working directory.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        // A port that cannot be bound is reported once, as one line, by StartAsync; not again with a trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout);

        var address = ServeOptions.ParseHost(options.Host);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            kestrel.Listen(address, options.HttpPort, l =>
            {
                l.Protocols = HttpProtocols.Http1;
                _listeners[0] = l;
            });
            kestrel.Listen(address, options.GrpcPort, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                _listeners[1] = l;
            });
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddSingleton<Inference.InferenceService>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = (int)options.MaxBodyBytes;
            o.MaxSendMessageSize = null;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(o =>
            {
                o.Services.Map("", _ => true);
                o.Services.Map("inference.GRPCInferenceService", _ => true);
            })
            .AddCheck("model", () => Host!.IsReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not ready"));
        configure?.Invoke(builder);

        App = builder.Build();
        Host = App.Services.GetRequiredService<ModelHost>();
        var lifetime = App.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Register(Host.BeginDrain);

        RestEndpoints.Map(App);
        App.MapGrpcService<InferenceGrpcService>();
        App.MapGrpcHealthChecksService();
        App.MapGrpcReflectionService();
        App.MapMetrics("/metrics", App.Services.GetRequiredService<ServerMetrics>().Registry);
        IndexPage.Map(App, () => Host.Name);
        App.MapFallback(context => RestResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound,
            $"no such route: {context.Request.Method} {context.Request.Path}"));
    }

    public static ServerApp Build(ServeOptions options, Action<WebApplicationBuilder>? configure = null, TimeProvider? time = null) =>
        new(options, configure, time ?? TimeProvider.System);

    /// <summary>The REST port as bound (the real one when 0 was asked for); valid after <see cref="StartAsync"/>.</summary>
    public int HttpPort => BoundPort(0);

    /// <summary>The gRPC port as bound.</summary>
    public int GrpcPort => BoundPort(1);

    private int BoundPort(int which) =>
        (_listeners[which]?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("the server is not listening on sockets");

    /// <summary>Opens the ports; a port that cannot be bound is one clear error.</summary>
    public async Task StartAsync(CancellationToken cancellation = default)
    {
        try
        {
            await App.StartAsync(cancellation);
        }
        catch (IOException e)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument,
                $"cannot listen on {Options.Host} ports {Options.HttpPort} and {Options.GrpcPort}: {e.Message}", e);
        }
    }

    /// <summary>Builds the engines off the calling thread; the server turns ready when this completes.</summary>
    public Task LoadAsync() => Task.Run(Host.Load);

    /// <summary>Stops like SIGTERM does: not ready, no new connections, queued and running requests finish.</summary>
    public Task StopAsync() => App.StopAsync();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await App.StopAsync();
        Host.Dispose();
        await App.DisposeAsync();
    }
}
