using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Contracts.Mlflow;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Keel.Client.Internal;

/// <summary>HTTP plumbing shared by every call: URIs, JSON through <see cref="MlflowJson"/>, retries, errors.</summary>
internal sealed class MlflowTransport : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeSpan _timeout;
    private bool _disposed;

    public MlflowTransport(HttpClient http, bool ownsHttp, KeelClientOptions options)
    {
        _http = http;
        _ownsHttp = ownsHttp;
        _timeout = options.Timeout;
        BaseUri = NormalizeBase(options.TrackingUri);
        _pipeline = BuildPipeline(options);
    }

    public Uri BaseUri { get; }

    public Uri ApiUri(string route, string? query = null) =>
        new(BaseUri, MlflowRoutes.ApiPrefix.TrimStart('/') + "/" + route + query);

    /// <summary>The artifact proxy URI of <paramref name="path"/>, a '/'-separated path whose segments get escaped here.</summary>
    public Uri ArtifactUri(string path) =>
        new(BaseUri, MlflowRoutes.ArtifactProxyPrefix.TrimStart('/') + "/" + MlflowRoutes.ProxiedArtifacts + "/" + ArtifactPath.Escape(path));

    public Uri ArtifactListUri(string path) =>
        new(BaseUri, MlflowRoutes.ArtifactProxyPrefix.TrimStart('/') + "/" + MlflowRoutes.ProxiedArtifacts
            + Query([new("path", path)]));

    public async Task<TResponse> PostAsync<TRequest, TResponse>(string route, TRequest body, CancellationToken ct)
    {
        using var response = await PostCoreAsync(route, body, ct).ConfigureAwait(false);
        return await ReadAsync<TResponse>(response, ct).ConfigureAwait(false);
    }

    public async Task PostAsync<TRequest>(string route, TRequest body, CancellationToken ct)
    {
        using var response = await PostCoreAsync(route, body, ct).ConfigureAwait(false);
    }

    public async Task<TResponse> GetAsync<TResponse>(string route, IEnumerable<KeyValuePair<string, string?>> query, CancellationToken ct)
    {
        var uri = ApiUri(route, Query(query));
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseContentRead, ct)
            .ConfigureAwait(false);
        return await ReadAsync<TResponse>(response, ct).ConfigureAwait(false);
    }

    public async Task<TResponse> GetAsync<TResponse>(Uri uri, CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseContentRead, ct)
            .ConfigureAwait(false);
        return await ReadAsync<TResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request built by <paramref name="createRequest"/> (called again for every attempt, so a body can be
    /// re-read) and returns a successful answer; an error answer becomes a <see cref="KeelApiException"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, HttpCompletionOption completion, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    using var request = state.createRequest();
                    return await state.http.SendAsync(request, state.completion, token).ConfigureAwait(false);
                },
                (createRequest, http: _http, completion),
                ct).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TimeoutException(
                string.Create(CultureInfo.InvariantCulture, $"The tracking server did not answer within {_timeout.TotalSeconds:0.###} s."), e);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ToExceptionAsync(response, ct).ConfigureAwait(false);
            }
        }
        return response;
    }

    public static string Query(IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }
            builder.Append(builder.Length == 0 ? '?' : '&')
                .Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return builder.ToString();
    }

    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)MlflowJson.Options.GetTypeInfo(typeof(T));

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private Task<HttpResponseMessage> PostCoreAsync<TRequest>(string route, TRequest body, CancellationToken ct)
    {
        // Serialized once so every retry resends the same bytes, with a Content-Length any server accepts.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, Info<TRequest>());
        var uri = ApiUri(route);
        return SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new ByteArrayContent(bytes) { Headers = { ContentType = JsonMediaType } },
            },
            HttpCompletionOption.ResponseContentRead,
            ct);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync(Info<T>(), ct).ConfigureAwait(false)
        ?? throw new JsonException($"The tracking server answered {response.RequestMessage?.RequestUri} with an empty body.");

    private static async Task<KeelApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            var error = JsonSerializer.Deserialize(body, Info<ErrorResponse>());
            if (error is { ErrorCode: not null })
            {
                return new KeelApiException(error.ErrorCode, error.Message ?? string.Empty, status);
            }
        }
        catch (JsonException)
        {
            // Not MLflow error JSON (a proxy's HTML page, for instance): described from the status below.
        }

        var code = response.StatusCode switch
        {
            HttpStatusCode.NotFound => ErrorCodes.EndpointNotFound,
            >= HttpStatusCode.InternalServerError => ErrorCodes.InternalError,
            _ => ErrorCodes.BadRequest,
        };
        const int MaxBodyChars = 500;
        var excerpt = body.Length > MaxBodyChars ? body[..MaxBodyChars] + "…" : body;
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {status} {response.ReasonPhrase}: {excerpt}");
        return new KeelApiException(code, message.TrimEnd(' ', ':'), status);
    }

    private static Uri NormalizeBase(Uri trackingUri)
    {
        var text = trackingUri.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildPipeline(KeelClientOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                // 408, 429, 5xx, HttpRequestException, a timed-out attempt, and an HttpClient.Timeout of a
                // caller-owned client; a cancelled caller token is never retried.
                // 501 is not transient: it says an optional endpoint (multipart, presign) is not offered.
                ShouldHandle = static args => ValueTask.FromResult(
                    (HttpClientResiliencePredicates.IsTransient(args.Outcome) && args.Outcome.Result?.StatusCode != HttpStatusCode.NotImplemented)
                    || (args.Outcome.Exception is OperationCanceledException && !args.Context.CancellationToken.IsCancellationRequested)),
            });
        }
        if (options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            // Inside the retry, so it bounds each attempt rather than the whole call.
            builder.AddTimeout(options.Timeout);
        }
        return builder.Build();
    }
}
