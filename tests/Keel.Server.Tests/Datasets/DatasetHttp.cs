using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keel.Server.Tests.Datasets;

/// <summary>Calls to <c>/api/keel/v1/datasets</c> and <c>/api/keel/v1/data/objects</c>, and a pushed manifest to version.</summary>
internal static class DatasetHttp
{
    public const string Datasets = "api/keel/v1/datasets";
    public const string Objects = "api/keel/v1/data/objects";

    public static string Path(string name) => Datasets + "/" + Uri.EscapeDataString(name);

    public static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(this HttpClient client, HttpMethod method, string route, object? body = null)
    {
        using var request = new HttpRequestMessage(method, route);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!);
    }

    public static async Task<JsonNode> OkAsync(this HttpClient client, HttpMethod method, string route, object? body = null)
    {
        var (status, json) = await client.SendAsync(method, route, body);
        return status == HttpStatusCode.OK ? json : throw new InvalidOperationException($"{method} {route} returned {(int)status}: {json.ToJsonString()}");
    }

    public static async Task<(HttpStatusCode Status, JsonNode Body)> PutObjectAsync(this HttpClient client, string hash, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/octet-stream");
        using var response = await client.PutAsync(Objects + "/" + hash, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(text)!);
    }

    /// <summary>Pushes one chunk and a single-file manifest over it; returns the manifest's hash and the file's size.</summary>
    public static async Task<(string Manifest, long Size)> PushFileAsync(this HttpClient client, string fileName = "train.csv")
    {
        var chunk = Encoding.UTF8.GetBytes($"a,b\n1,2\n{Guid.NewGuid():N}\n");
        var chunkHash = Hash(chunk);
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"version":1,"kind":"file","files":[{"path":"{{fileName}}","size":{{chunk.Length}},"chunks":[{"h":"{{chunkHash}}","n":{{chunk.Length}}}]}]}""");
        await client.PutObjectAsync(chunkHash, chunk);
        var manifestHash = Hash(manifest);
        var (status, body) = await client.PutObjectAsync(manifestHash, manifest);
        return status == HttpStatusCode.OK ? (manifestHash, chunk.Length) : throw new InvalidOperationException(body.ToJsonString());
    }

    public static async Task<string> NewDatasetAsync(this HttpClient client)
    {
        var name = $"ds-{Guid.NewGuid():N}";
        await client.OkAsync(HttpMethod.Post, Datasets, new { name, description = "d" });
        return name;
    }
}
