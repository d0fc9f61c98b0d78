using System.Net.Http.Headers;
using Keel.Contracts.Mlflow;

namespace Keel.Benchmarks;

/// <summary>Load-generator HTTP: one client per simulated user, raw JSON bytes, as a non-.NET MLflow client sends them.</summary>
internal static class BenchHttp
{
    /// <summary>A client with its own connection pool, addressed at the MLflow API root.</summary>
    public static HttpClient Connect(Uri serverAddress) =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false })
        {
            BaseAddress = new Uri(serverAddress, MlflowRoutes.ApiPrefix.TrimStart('/') + "/"),
            Timeout = TimeSpan.FromSeconds(100),
        };

    public static ReadOnlyMemoryContent Json(ReadOnlyMemory<byte> body)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>POSTs and insists on 200; for setup and seeding, where any failure voids the run.</summary>
    public static async Task<byte[]> PostOkAsync(this HttpClient client, string route, ReadOnlyMemory<byte> body)
    {
        using var content = Json(body);
        using var response = await client.PostAsync(route, content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode
            ? bytes
            : throw new InvalidOperationException($"POST {route} returned {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
    }
}
