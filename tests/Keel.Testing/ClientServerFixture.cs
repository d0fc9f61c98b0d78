using Keel.Client;
using Xunit;

namespace Keel.Testing;

/// <summary>A real Keel server for one test class, and a client for it. Tests use unique names, never global counts.</summary>
public sealed class ClientServerFixture : IAsyncLifetime
{
    private KeelTestServer? _server;
    private KeelClient? _client;

    public KeelTestServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    public KeelClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A further client for the same server with its own options (the caller disposes it).</summary>
    public KeelClient CreateClient(Action<KeelClientOptions> configure)
    {
        var options = new KeelClientOptions { TrackingUri = Server.BaseAddress };
        configure(options);
        return new KeelClient(options);
    }

    public async ValueTask InitializeAsync()
    {
        _server = await KeelTestServer.StartAsync(ct: TestContext.Current.CancellationToken);
        _client = new KeelClient(_server.BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
