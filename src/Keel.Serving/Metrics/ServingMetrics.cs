using System.Collections.Concurrent;
using System.Globalization;
using Keel.Serving.Runtime;
using Prometheus;

namespace Keel.Serving.Metrics;

/// <summary>
/// The serving host's Prometheus metrics, in a registry of their own so that several hosts in one process (tests,
/// canaries) never share counters. Pass it to the model host as its <see cref="IBatchObserver"/> and to
/// <see cref="KeelServingHost.Create"/>, which exposes it on <c>/metrics</c>.
/// </summary>
public sealed class ServingMetrics : IBatchObserver
{
    private readonly Counter _requests;
    private readonly Histogram _duration;
    private readonly Histogram _batchSize;
    private readonly Counter _errors;

    // Label children resolved once per version and protocol (WithLabels costs a lookup and an array per call); keyed
    // by reference, as a ServedVersion is made once per loaded version.
    private readonly ConcurrentDictionary<(ServedVersion Version, string Protocol), Answered> _answered = new(VersionAndProtocol.Instance);
    private readonly ConcurrentDictionary<ServedVersion, Histogram.Child> _batches = new(ReferenceEqualityComparer.Instance);

    public ServingMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter(
            "keel_serving_requests_total", "Scoring requests answered, by model version, protocol and HTTP status.",
            ["model", "version", "protocol", "status"]);
        _duration = factory.CreateHistogram(
            "keel_serving_request_duration_seconds", "Time from a scoring request's arrival to its answer, in seconds.",
            ["model", "version", "protocol"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        _batchSize = factory.CreateHistogram(
            "keel_serving_batch_size", "Rows in each predictor call after concurrent requests are coalesced.",
            ["model", "version"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 12) });
        _errors = factory.CreateCounter(
            "keel_serving_errors_total", "Scoring requests refused or failed, by kind (bad_request, not_found, payload_too_large, …).",
            ["model", "version", "protocol", "kind"]);
        PredictionLog = new PredictionLogMetrics(factory);
    }

    /// <summary>The prediction logger's counters (<c>keel_prediction_log_*</c>).</summary>
    public PredictionLogMetrics PredictionLog { get; }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Counts one answered request and how long it took.</summary>
    /// <param name="model">The model that answered, or the one being served when the request failed before scoring ("" before any has loaded).</param>
    /// <param name="version">That model's version, as text.</param>
    /// <param name="protocol"><c>mlflow</c>, <c>oip_rest</c> or <c>oip_grpc</c>.</param>
    /// <param name="status">The HTTP status (or gRPC status name) of the answer.</param>
    /// <param name="elapsed">Time from arrival to answer.</param>
    public void OnRequest(string model, string version, string protocol, string status, TimeSpan elapsed)
    {
        _requests.WithLabels(model, version, protocol, status).Inc();
        _duration.WithLabels(model, version, protocol).Observe(elapsed.TotalSeconds);
    }

    /// <summary>Counts one answered request of <paramref name="version"/> (null: before any version loaded) and how long it took.</summary>
    internal void OnRequest(ServedVersion? version, string protocol, int status, TimeSpan elapsed)
    {
        if (version is null || status != 200)
        {
            OnRequest(version?.ModelName ?? "", version?.Version ?? "", protocol, status.ToString(CultureInfo.InvariantCulture), elapsed);
            return;
        }

        var answered = _answered.GetOrAdd((version, protocol), static (key, metrics) => new Answered(
            metrics._requests.WithLabels(key.Version.ModelName, key.Version.Version, key.Protocol, "200"),
            metrics._duration.WithLabels(key.Version.ModelName, key.Version.Version, key.Protocol)), this);
        answered.Requests.Inc();
        answered.Duration.Observe(elapsed.TotalSeconds);
    }

    /// <summary>Counts one refused or failed request.</summary>
    public void OnError(string model, string version, string protocol, string kind) =>
        _errors.WithLabels(model, version, protocol, kind).Inc();

    /// <inheritdoc />
    public void OnBatch(ServedVersion version, int requests, int rows, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(version);
        _batches.GetOrAdd(version, static (v, histogram) => histogram.WithLabels(v.ModelName, v.Version), _batchSize).Observe(rows);
    }

    private sealed record Answered(Counter.Child Requests, Histogram.Child Duration);

    private sealed class VersionAndProtocol : IEqualityComparer<(ServedVersion Version, string Protocol)>
    {
        public static VersionAndProtocol Instance { get; } = new();

        public bool Equals((ServedVersion Version, string Protocol) x, (ServedVersion Version, string Protocol) y) =>
            ReferenceEquals(x.Version, y.Version) && string.Equals(x.Protocol, y.Protocol, StringComparison.Ordinal);

        public int GetHashCode((ServedVersion Version, string Protocol) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Version), obj.Protocol);
    }
}
