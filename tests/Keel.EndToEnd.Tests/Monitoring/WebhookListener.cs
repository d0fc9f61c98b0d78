using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Keel.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.EndToEnd.Tests.Monitoring;

/// <summary>A real HTTP endpoint on 127.0.0.1 that records every JSON body POSTed to <c>/hook</c>, as an alert receiver would.</summary>
internal sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookListener(WebApplication app) => _app = app;

    /// <summary>The address to configure as the webhook (known once started).</summary>
    public Uri Url => new(_app.BoundAddress(), "hook");

    public ConcurrentQueue<JsonNode> Received { get; } = new();

    public static async Task<WebhookListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var listener = new WebhookListener(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            listener.Received.Enqueue(JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!);
            return Results.Ok();
        });
        await app.StartAsync();
        return listener;
    }

    /// <summary>Waits until a body matching <paramref name="match"/> arrived (webhooks are sent in the background).</summary>
    public async Task<JsonNode> WaitForAsync(Func<JsonNode, bool> match, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (Received.FirstOrDefault(match) is { } body)
            {
                return body;
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"no matching webhook within {timeout}; received: [{string.Join(", ", Received.Select(b => b.ToJsonString()))}]");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
