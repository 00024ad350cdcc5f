namespace RexNet.Server.Tests.Support;

/// <summary>One in-process server (ImageNet head, 32x32, no batching delay) shared by a test class's read-only tests.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    internal TestServers Servers { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Servers = await TestServers.InProcessAsync(TestModels.Options() with { MaxDelayMicroseconds = 0, MaxBatch = 4 });

    public async ValueTask DisposeAsync() => await Servers.DisposeAsync();
}
