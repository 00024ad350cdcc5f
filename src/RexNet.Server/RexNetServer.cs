using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RexNet.Server.Hosting;

namespace RexNet.Server;

/// <summary>`rexnet serve` in one call: open the ports, load the model, serve until SIGTERM or Ctrl+C, drain, exit.</summary>
internal static class RexNetServer
{
    /// <summary>Returns the exit code (0 after a clean drain); a model that cannot load throws its RexNetException.</summary>
    public static async Task<int> RunAsync(ServeOptions options, CancellationToken cancellation = default)
    {
        await using var server = ServerApp.Build(options);
        var logger = server.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RexNet.Server");
        await server.StartAsync(cancellation);
        logger.LogInformation("listening: REST (HTTP/1.1) on http://{Host}:{HttpPort}, gRPC (h2c) on {Host}:{GrpcPort}",
            options.Host, server.HttpPort, options.Host, server.GrpcPort);
        try
        {
            await server.LoadAsync();
        }
        catch (RexNetException)
        {
            await server.StopAsync();
            throw;
        }
        await server.App.WaitForShutdownAsync(cancellation);
        return 0;
    }
}
