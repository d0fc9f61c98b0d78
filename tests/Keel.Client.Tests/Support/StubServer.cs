using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.Client.Tests.Support;

/// <summary>
/// A scripted HTTP server on Kestrel at 127.0.0.1 and a free port: answers requests with the queued responses, in
/// order (then with the fallback), and records every request it saw.
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StubResponse> _script = new();
    private readonly ConcurrentQueue<StubRequest> _requests = new();

    private StubServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public StubResponse Fallback { get; set; } = StubResponse.Json(200, "{}");

    public IReadOnlyList<StubRequest> Requests => [.. _requests];

    public static async Task<StubServer> StartAsync(string pathBase = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StubServer(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Urls.First();
        stub.BaseAddress = new Uri(address.TrimEnd('/') + pathBase + "/");
        return stub;
    }

    public StubServer Enqueue(params StubResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        _requests.Enqueue(new StubRequest(
            context.Request.Method, context.Request.Path + context.Request.QueryString, body.ToArray()));

        var response = _script.TryDequeue(out var next) ? next : Fallback;
        if (response.Delay > TimeSpan.Zero)
        {
            await Task.Delay(response.Delay, context.RequestAborted);
        }
        context.Response.StatusCode = response.Status;
        if (response.ContentType is not null)
        {
            context.Response.ContentType = response.ContentType;
        }
        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }
}

public sealed record StubRequest(string Method, string PathAndQuery, byte[] Body)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

public sealed record StubResponse(int Status, string Body, string? ContentType, TimeSpan Delay = default)
{
    public static StubResponse Json(int status, string body) => new(status, body, "application/json");

    public static StubResponse Error(int status, string code, string message) =>
        Json(status, $$"""{"error_code":"{{code}}","message":"{{message}}"}""");
}
