using Xunit;

namespace Keel.Testing;

/// <summary>One real server per test class (xunit class fixture); tests use unique names within it.</summary>
public sealed class KeelServerFixture : IAsyncLifetime
{
    private KeelTestServer? _server;

    public KeelTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public HttpClient Client => Server.Client;

    public async ValueTask InitializeAsync() => _server = await KeelTestServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
