using Keel.Client.Internal;

namespace Keel.Client;

/// <summary>
/// Client of a Keel (or any MLflow-compatible) tracking server: experiments, runs, metrics, params, tags and
/// artifacts over MLflow's REST API. Thread-safe; create one per server and reuse it.
/// </summary>
/// <remarks>
/// Every call retries transient failures (HTTP 408, 429, 5xx, connection errors, timeouts) with exponential
/// backoff and jitter, as configured in <see cref="KeelClientOptions"/>; other error answers are thrown at once
/// as <see cref="KeelApiException"/>. A call whose attempts all time out throws <see cref="TimeoutException"/>;
/// one that cannot connect throws <see cref="HttpRequestException"/>.
/// </remarks>
public sealed partial class KeelClient : IDisposable
{
    /// <summary>Environment variable read first by <see cref="TrackingUriFromEnvironment"/>.</summary>
    public const string TrackingUriVariable = "KEEL_TRACKING_URI";

    /// <summary>Environment variable MLflow clients use, read when <see cref="TrackingUriVariable"/> is unset.</summary>
    public const string MlflowTrackingUriVariable = "MLFLOW_TRACKING_URI";

    private readonly MlflowTransport _transport;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _flushInterval;
    private readonly int _maxBatchSize;
    private readonly DirectTransfers _direct;
    private readonly string _user;

    /// <summary>Creates a client with default <see cref="KeelClientOptions"/> for the server at <paramref name="trackingUri"/>.</summary>
    /// <param name="trackingUri">Absolute http(s) address of the tracking server.</param>
    public KeelClient(Uri trackingUri)
        : this(new KeelClientOptions { TrackingUri = trackingUri })
    {
    }

    /// <summary>Creates a client that owns its <see cref="HttpClient"/> and disposes it with itself.</summary>
    /// <param name="options">Settings, read once here.</param>
    public KeelClient(KeelClientOptions options)
        : this(CreateHttpClient(), ownsHttpClient: true, options)
    {
    }

    /// <summary>
    /// Creates a client over a caller-owned <paramref name="httpClient"/>, which is not disposed with the client.
    /// Requests use absolute URIs built from <see cref="KeelClientOptions.TrackingUri"/>, so its
    /// <see cref="HttpClient.BaseAddress"/> is ignored; its own <see cref="HttpClient.Timeout"/> still applies.
    /// </summary>
    /// <param name="httpClient">The HTTP client to send requests with.</param>
    /// <param name="options">Settings, read once here.</param>
    public KeelClient(HttpClient httpClient, KeelClientOptions options)
        : this(httpClient, ownsHttpClient: false, options)
    {
    }

    private KeelClient(HttpClient httpClient, bool ownsHttpClient, KeelClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        try
        {
            Validate(options);
        }
        catch when (ownsHttpClient)
        {
            httpClient.Dispose();
            throw;
        }
        _timeProvider = options.TimeProvider;
        _flushInterval = options.FlushInterval;
        _maxBatchSize = options.MaxBatchSize;
        _direct = new DirectTransfers(options);
        _user = string.IsNullOrWhiteSpace(options.User) ? Environment.UserName : options.User.Trim();
        _transport = new MlflowTransport(httpClient, ownsHttpClient, options);
    }

    /// <summary>The tracking server's base address, always ending in '/'.</summary>
    public Uri TrackingUri => _transport.BaseUri;

    internal MlflowTransport Transport => _transport;

    internal TimeProvider TimeProvider => _timeProvider;

    internal TimeSpan FlushInterval => _flushInterval;

    internal int MaxBatchSize => _maxBatchSize;

    /// <summary>
    /// The tracking URI from <c>KEEL_TRACKING_URI</c>, or else <c>MLFLOW_TRACKING_URI</c>; null when neither is set
    /// (or both are empty).
    /// </summary>
    /// <exception cref="FormatException">The variable is set but is not an absolute http(s) URI.</exception>
    public static Uri? TrackingUriFromEnvironment()
    {
        foreach (var variable in (ReadOnlySpan<string>)[TrackingUriVariable, MlflowTrackingUriVariable])
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }
            if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && IsHttp(uri))
            {
                return uri;
            }
            throw new FormatException($"{variable}='{value}' is not an absolute http(s) URI such as http://127.0.0.1:5000.");
        }
        return null;
    }

    /// <summary>Disposes the <see cref="HttpClient"/> when this client created it.</summary>
    public void Dispose() => _transport.Dispose();

    internal long Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static HttpClient CreateHttpClient() =>
        // Per-attempt timeouts come from the resilience pipeline, so HttpClient's own is switched off.
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };

    private static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

    private static void Validate(KeelClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TrackingUri, nameof(options.TrackingUri));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        if (!options.TrackingUri.IsAbsoluteUri || !IsHttp(options.TrackingUri))
        {
            throw new ArgumentException($"The tracking URI '{options.TrackingUri}' must be an absolute http(s) URI.", nameof(options));
        }
        if (options.Timeout != System.Threading.Timeout.InfiniteTimeSpan
            && (options.Timeout < TimeSpan.FromMilliseconds(10) || options.Timeout > TimeSpan.FromHours(24)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "Timeout must be between 10 ms and 24 h, or infinite.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries, nameof(options.MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryDelay, TimeSpan.Zero, nameof(options.RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.FlushInterval, TimeSpan.Zero, nameof(options.FlushInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options.MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxBatchSize, LogBatchLimits.MaxEntities, nameof(options.MaxBatchSize));
        DirectTransfers.Validate(options);
    }
}
