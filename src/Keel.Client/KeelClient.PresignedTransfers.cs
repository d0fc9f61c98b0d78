using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Client.Internal;
using Keel.Contracts.Mlflow;

namespace Keel.Client;

// Direct transfers: large artifact files move between this machine and the server's object store with
// presigned URLs, so the tracking server only signs. Everything here falls back to the artifact proxy.
public sealed partial class KeelClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    /// <summary>Settings from <see cref="KeelClientOptions"/>, and what the server turned out not to offer.</summary>
    private sealed class DirectTransfers(KeelClientOptions options)
    {
        public const int MinPartSize = 5 << 20;
        public const int MaxPartSize = 1 << 30;
        public const int MaxParts = 10_000;

        private volatile bool _multipartUnsupported;
        private volatile bool _presignUnsupported;
        private volatile bool _dataPresignUnsupported;

        public long Threshold { get; } = options.DirectTransferThreshold;

        public int PartSize { get; } = options.MultipartPartSize;

        public int MaxParallelParts { get; } = options.MaxParallelParts;

        // Learnt from the server's first refusal and kept for the client's lifetime: one wasted request, not one per file.
        public bool MultipartUnsupported { get => _multipartUnsupported; set => _multipartUnsupported = value; }

        public bool PresignUnsupported { get => _presignUnsupported; set => _presignUnsupported = value; }

        public bool DataPresignUnsupported { get => _dataPresignUnsupported; set => _dataPresignUnsupported = value; }

        public static void Validate(KeelClientOptions options)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(options.DirectTransferThreshold, nameof(options.DirectTransferThreshold));
            ArgumentOutOfRangeException.ThrowIfLessThan(options.MultipartPartSize, MinPartSize, nameof(options.MultipartPartSize));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MultipartPartSize, MaxPartSize, nameof(options.MultipartPartSize));
            ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxParallelParts, 1, nameof(options.MaxParallelParts));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxParallelParts, 64, nameof(options.MaxParallelParts));
        }
    }

    // A server without the endpoint (an older Keel, or MLflow without it) answers 404 ENDPOINT_NOT_FOUND; one whose
    // artifact store cannot presign answers 501 NOT_IMPLEMENTED. Either way the proxy still works.
    private static bool IsNotOffered(KeelApiException e) =>
        e.StatusCode == 501 || e.ErrorCode == ErrorCodes.EndpointNotFound;

    /// <summary><c>/api/2.0/mlflow-artifacts/&lt;route&gt;[/&lt;directory&gt;]</c>, segments escaped.</summary>
    private Uri ArtifactProxyRoute(string route, string directory) =>
        new(_transport.BaseUri, MlflowRoutes.ArtifactProxyPrefix.TrimStart('/') + "/" + route
            + (directory.Length == 0 ? string.Empty : "/" + ArtifactPath.Escape(directory)));

    private async Task<TResponse> PostJsonAsync<TRequest, TResponse>(Uri uri, TRequest body, CancellationToken ct)
    {
        // Serialized once so every retry resends the same bytes.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, MlflowTransport.Info<TRequest>());
        using var response = await _transport.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new ByteArrayContent(bytes) { Headers = { ContentType = JsonContentType } },
            },
            HttpCompletionOption.ResponseContentRead,
            ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(MlflowTransport.Info<TResponse>(), ct).ConfigureAwait(false)
            ?? throw new JsonException($"The tracking server answered {uri} with an empty body.");
    }

    private static void AddHeaders(HttpRequestMessage request, IReadOnlyDictionary<string, string>? headers)
    {
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            // Content headers (Content-Type, Content-MD5 …) belong to the body, the rest to the request.
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }
}
