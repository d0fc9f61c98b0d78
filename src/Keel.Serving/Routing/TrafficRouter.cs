using Keel.Core.Common;
using Keel.Core.Deployments;
using Keel.Core.Models;
using Keel.Serving.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Serving.Routing;

/// <summary>
/// Serves a <see cref="DeploymentSpec"/>: one <see cref="ModelHost"/> per distinct model URI of its routes and
/// shadows; each request is answered by one route, picked by weight (at random, or by a hash of the routing key so
/// the same key keeps the same route), and a copy of it is sent in the background to every shadow, whose answer is
/// compared with the one returned and recorded. <see cref="UpdateAsync"/> changes the routes while serving.
/// </summary>
public sealed class TrafficRouter : IRoutingScorer, IAsyncDisposable
{
    private readonly Func<string, CancellationToken, Task<ModelHost>> _startHost;
    private readonly Random? _random;
    private readonly ShadowMirror _mirror;
    private readonly JsonLinesShadowRecorder? _ownRecorder;
    private readonly CancellationTokenSource _stopping;
    private readonly SemaphoreSlim _updateGate = new(1, 1);
    private RoutingTable _table;
    private int _disposed;

    private TrafficRouter(
        RoutingTable table, Func<string, CancellationToken, Task<ModelHost>> startHost, TrafficRouterOptions options,
        JsonLinesShadowRecorder? ownRecorder, CancellationTokenSource stopping)
    {
        _table = table;
        _startHost = startHost;
        _random = options.Seed is { } seed ? new Random(seed) : null;
        _ownRecorder = ownRecorder;
        _stopping = stopping;
        _mirror = new ShadowMirror(
            options.MaxPendingShadows, options.ShadowRecorder ?? ownRecorder,
            options.Metrics?.Registry ?? Prometheus.Metrics.NewCustomRegistry(), options.ShadowTolerance,
            options.Time ?? TimeProvider.System, options.Logger ?? NullLogger.Instance, stopping.Token, options.PredictionLog);
    }

    /// <summary>The spec being served now.</summary>
    public DeploymentSpec Spec => Volatile.Read(ref _table).Spec;

    /// <summary>The version the heaviest route serves (the first of equal weights): what metadata endpoints describe.</summary>
    public ServedVersion? Current => Volatile.Read(ref _table).Primary.Host.Current;

    /// <summary>The deployment's <see cref="DeploymentSpec.StickyHeader"/>.</summary>
    public string? RoutingHeader => Volatile.Read(ref _table).Spec.StickyHeader;

    /// <summary>
    /// Starts a host for every distinct model URI of <paramref name="spec"/>'s routes and shadows (zero-weight routes
    /// included, so raising their weight later needs no load) and serves the spec.
    /// </summary>
    /// <param name="spec">The routes, their weights and the shadows.</param>
    /// <param name="startHost">Starts the host serving a model URI, e.g. <see cref="ModelHost.StartAsync"/> over a <see cref="RegistryModelSource"/>; the router disposes the hosts it started.</param>
    /// <param name="options">Route choice and shadow settings; defaults when null.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the spec has no route, no positive weight, a negative or non-finite weight, or a route name used twice.</exception>
    public static async Task<TrafficRouter> StartAsync(
        DeploymentSpec spec, Func<string, CancellationToken, Task<ModelHost>> startHost, TrafficRouterOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(startHost);
        Validate(spec);
        options ??= new TrafficRouterOptions();
        if (options.MaxPendingShadows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxPendingShadows, "MaxPendingShadows must be at least 1.");
        }

        var hosts = await StartHostsAsync(spec, new Dictionary<string, ModelHost>(), startHost, ct).ConfigureAwait(false);
        JsonLinesShadowRecorder? recorder = null;
        try
        {
            if (options.ShadowRecorder is null && options.ShadowLogPath is { } path)
            {
                recorder = new JsonLinesShadowRecorder(path);
            }

            return new TrafficRouter(new RoutingTable(spec, hosts), startHost, options, recorder, new CancellationTokenSource());
        }
        catch
        {
            if (recorder is not null)
            {
                await recorder.DisposeAsync().ConfigureAwait(false);
            }
            await DisposeAllAsync(hosts.Values).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Scores a batch on a route picked at random by weight.</summary>
    public Task<ScoreResult> ScoreAsync(DataBatch input, CancellationToken ct = default) => ScoreAsync(input, routingKey: null, ct);

    /// <summary>
    /// Scores a batch on a route: the one <paramref name="routingKey"/> hashes to (SHA-256 of its UTF-8 bytes, a point
    /// in [0, 1) on the cumulative weights), or a random one by weight when the key is null or empty. The result names
    /// the route in <see cref="ScoreResult.Route"/>. Shadows get a copy after the answer is ready, in the background.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the input does not match the chosen route's signature.</exception>
    /// <exception cref="ObjectDisposedException">The router has been disposed.</exception>
    public async Task<ScoreResult> ScoreAsync(DataBatch input, string? routingKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var table = Acquire();
        try
        {
            var route = table.Pick(string.IsNullOrEmpty(routingKey) ? NextPoint() : RoutingTable.PointOf(routingKey));
            return await ScoreOnAsync(table, route, input, ct).ConfigureAwait(false);
        }
        finally
        {
            table.Release();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The router has been disposed.</exception>
    public async Task<ScoreResult> ScoreVersionAsync(DataBatch input, string modelName, string version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var table = Acquire();
        try
        {
            var route = table.Find(modelName, version) ?? throw KeelException.NotFound(
                $"No route of deployment '{table.Spec.Name}' that takes traffic serves version '{version}' of model '{modelName}'.");
            return await ScoreOnAsync(table, route, input, ct).ConfigureAwait(false);
        }
        finally
        {
            table.Release();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<RoutedVersion> Served
    {
        get
        {
            var serving = Volatile.Read(ref _table).Serving;
            var served = new List<RoutedVersion>(serving.Count);
            foreach (var route in serving)
            {
                if (route.Host.Current is { } current)
                {
                    served.Add(new RoutedVersion(route.Name, current));
                }
            }
            return served;
        }
    }

    /// <summary>
    /// Serves <paramref name="spec"/> from now on: hosts for model URIs it adds are started (and warmed) first while the
    /// old routes keep answering, then the routes are swapped at once; hosts it no longer names are disposed after
    /// the requests and shadows already routed to them have finished. Hosts for URIs both specs name are kept.
    /// </summary>
    /// <exception cref="KeelException">The spec is invalid (see <see cref="StartAsync"/>), or a new host failed to start; the old spec keeps serving.</exception>
    public async Task UpdateAsync(DeploymentSpec spec, CancellationToken ct = default)
    {
        Validate(spec);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _updateGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var old = Volatile.Read(ref _table);
            var started = await StartHostsAsync(spec, old.Hosts, _startHost, ct).ConfigureAwait(false);
            var hosts = new Dictionary<string, ModelHost>(StringComparer.Ordinal);
            foreach (var uri in ModelUris(spec))
            {
                hosts[uri] = old.Hosts.TryGetValue(uri, out var kept) ? kept : started[uri];
            }

            Volatile.Write(ref _table, new RoutingTable(spec, hosts));
            old.Retire();
            await old.Drained.ConfigureAwait(false);
            await DisposeAllAsync(old.Hosts.Where(h => !hosts.ContainsKey(h.Key)).Select(h => h.Value)).ConfigureAwait(false);
        }
        finally
        {
            _updateGate.Release();
        }
    }

    /// <summary>Completes when every shadow request sent so far has been compared and recorded.</summary>
    public Task WhenShadowsIdleAsync() => _mirror.IdleAsync();

    /// <summary>
    /// Waits for requests already routed, cancels the shadows still running (their comparisons are not recorded),
    /// disposes every host and closes the shadow log.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _updateGate.WaitAsync().ConfigureAwait(false);
        var table = Volatile.Read(ref _table);
        table.Retire();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await table.Drained.ConfigureAwait(false);
        await _mirror.IdleAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await DisposeAllAsync(table.Hosts.Values).ConfigureAwait(false);
        if (_ownRecorder is not null)
        {
            await _ownRecorder.DisposeAsync().ConfigureAwait(false);
        }
        _mirror.Dispose();
        _stopping.Dispose();
    }

    // The caller holds a lease on table until this completes, so the route's host outlives the request.
    private async Task<ScoreResult> ScoreOnAsync(RoutingTable table, BoundRoute route, DataBatch input, CancellationToken ct)
    {
        var result = await route.Host.ScoreAsync(input, ct).ConfigureAwait(false);
        var answer = result with { Route = route.Name };
        if (table.Shadows.Count > 0)
        {
            _mirror.Mirror(table, input, route, answer);
        }
        return answer;
    }

    private RoutingTable Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var table = Volatile.Read(ref _table);
            if (table.TryAcquire())
            {
                return table;
            }
            // That table was swapped out and drained after we read it; its successor is already published.
        }
    }

    private double NextPoint()
    {
        if (_random is null)
        {
            return Random.Shared.NextDouble();
        }

        // A seeded Random is not thread-safe.
        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    private static IEnumerable<string> ModelUris(DeploymentSpec spec) =>
        spec.Routes.Select(r => r.ModelUri).Concat(spec.Shadows.Select(s => s.ModelUri)).Distinct(StringComparer.Ordinal);

    // Starts the hosts for URIs not in existing, all at once; if one fails, the others started here are disposed.
    private static async Task<Dictionary<string, ModelHost>> StartHostsAsync(
        DeploymentSpec spec, IReadOnlyDictionary<string, ModelHost> existing, Func<string, CancellationToken, Task<ModelHost>> startHost,
        CancellationToken ct)
    {
        var uris = ModelUris(spec).Where(uri => !existing.ContainsKey(uri)).ToList();
        var starting = uris.Select(uri => StartOneAsync(startHost, uri, ct)).ToList();
        try
        {
            await Task.WhenAll(starting).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAllAsync(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result)).ConfigureAwait(false);
            throw;
        }

        var hosts = new Dictionary<string, ModelHost>(StringComparer.Ordinal);
        for (var i = 0; i < uris.Count; i++)
        {
            hosts[uris[i]] = starting[i].Result;
        }
        return hosts;
    }

    // A factory that throws instead of returning a faulted task must not leave the hosts already started behind.
    private static async Task<ModelHost> StartOneAsync(Func<string, CancellationToken, Task<ModelHost>> startHost, string uri, CancellationToken ct) =>
        await startHost(uri, ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"The host factory returned no host for {uri}.");

    private static async Task DisposeAllAsync(IEnumerable<ModelHost> hosts)
    {
        foreach (var host in hosts.Distinct())
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Validate(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Routes is not { Count: > 0 })
        {
            throw KeelException.InvalidParameter($"Deployment '{spec.Name}' has no route.");
        }

        foreach (var route in spec.Routes)
        {
            if (!double.IsFinite(route.Weight) || route.Weight < 0)
            {
                throw KeelException.InvalidParameter($"Route '{route.Name}' of deployment '{spec.Name}' has weight {route.Weight}; weights are non-negative numbers.");
            }
        }

        if (spec.Routes.Sum(r => r.Weight) <= 0)
        {
            throw KeelException.InvalidParameter($"Every route of deployment '{spec.Name}' has weight 0; at least one must take traffic.");
        }

        var names = spec.Routes.Select(r => r.Name).Concat(spec.Shadows.Select(s => s.Name)).ToList();
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw KeelException.InvalidParameter($"Deployment '{spec.Name}' names route '{duplicate.Key}' more than once.");
        }

        if (spec.Routes.Any(r => string.IsNullOrWhiteSpace(r.ModelUri)) || spec.Shadows.Any(s => string.IsNullOrWhiteSpace(s.ModelUri)))
        {
            throw KeelException.InvalidParameter($"Every route of deployment '{spec.Name}' needs a model URI.");
        }
    }
}
