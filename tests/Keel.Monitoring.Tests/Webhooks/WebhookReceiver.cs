using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keel.Monitoring.Tests.Webhooks;

/// <summary>One request as the receiver saw it.</summary>
internal sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, TimeSpan At);

/// <summary>
/// A real Kestrel webhook receiver on 127.0.0.1 and [::1] (port 0 each). It counts TCP connections as well as
/// requests, so a test can show that a refused target was never even connected to.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private int _connections;

    private WebhookReceiver(Func<int, HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
            {
                Interlocked.Increment(ref _connections);
                return next(connection);
            }));
            kestrel.Listen(IPAddress.IPv6Loopback, 0, listen => listen.Use(next => connection =>
            {
                Interlocked.Increment(ref _connections);
                return next(connection);
            }));
        });
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _requests.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers,
                body.ToArray(), _clock.Elapsed));
            await respond(_requests.Count, context);
        });
    }

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>
    /// Waits until Kestrel has accepted at least <paramref name="expected"/> connections (at most 5 s): a client's connect
    /// completes before the server's accept loop runs, so the count can lag behind a finished client call.
    /// </summary>
    public async Task<int> WaitForConnectionsAsync(int expected)
    {
        var waited = Stopwatch.StartNew();
        while (Connections < expected && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(10);
        }

        return Connections;
    }

    public int Port { get; private set; }

    public int PortV6 { get; private set; }

    public Uri Url(string pathAndQuery = "/hook") => new($"http://127.0.0.1:{Port}{pathAndQuery}");

    /// <summary>Starts a receiver; <paramref name="respond"/> gets the 1-based request number (default: 200 to all).</summary>
    public static async Task<WebhookReceiver> StartAsync(Func<int, HttpContext, Task>? respond = null)
    {
        var receiver = new WebhookReceiver(respond ?? ((_, _) => Task.CompletedTask));
        await receiver._app.StartAsync(TestContext.Current.CancellationToken);
        var addresses = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        foreach (var address in addresses.Select(a => new Uri(a)))
        {
            if (address.HostNameType == UriHostNameType.IPv6)
            {
                receiver.PortV6 = address.Port;
            }
            else
            {
                receiver.Port = address.Port;
            }
        }
        return receiver;
    }

    /// <summary>Answers with <paramref name="status"/>, optionally with a Retry-After in seconds.</summary>
    public static Task Status(HttpContext context, int status, int? retryAfterSeconds = null)
    {
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
