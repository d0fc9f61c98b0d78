using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Keel.Core.Deployments;
using Keel.Serving.Runtime;

namespace Keel.Serving.Routing;

// One deployment spec bound to its started hosts, and its leases: the router holds one while the table is current,
// and every request (and every shadow it sends) holds one until it finishes, so the hosts a route change leaves
// behind are disposed only after the last request that could reach them.
internal sealed class RoutingTable
{
    private readonly double[] _cumulative;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leases = 1;
    private int _retired;

    public RoutingTable(DeploymentSpec spec, IReadOnlyDictionary<string, ModelHost> hosts)
    {
        Spec = spec;
        Hosts = hosts;
        Routes = [.. spec.Routes.Select(r => new BoundRoute(r.Name, hosts[r.ModelUri]))];
        Shadows = [.. spec.Shadows.Select(s => new BoundRoute(s.Name, hosts[s.ModelUri]))];
        _cumulative = new double[spec.Routes.Count];
        var total = 0.0;
        for (var i = 0; i < spec.Routes.Count; i++)
        {
            total += spec.Routes[i].Weight;
            _cumulative[i] = total;
        }

        var heaviest = 0;
        for (var i = 1; i < spec.Routes.Count; i++)
        {
            heaviest = spec.Routes[i].Weight > spec.Routes[heaviest].Weight ? i : heaviest;
        }
        Primary = Routes[heaviest];
        // OrderByDescending is stable, so equal weights keep the spec's order and the first is Primary.
        Serving = [.. Routes.Select((route, i) => (route, weight: spec.Routes[i].Weight))
            .Where(r => r.weight > 0).OrderByDescending(r => r.weight).Select(r => r.route)];
    }

    public DeploymentSpec Spec { get; }

    // Model URI → its host; several routes naming one URI share it.
    public IReadOnlyDictionary<string, ModelHost> Hosts { get; }

    public IReadOnlyList<BoundRoute> Routes { get; }

    public IReadOnlyList<BoundRoute> Shadows { get; }

    // The heaviest route (the first of equals): what metadata endpoints describe.
    public BoundRoute Primary { get; }

    // The routes that take traffic, heaviest first: where a request naming a version is sent.
    public IReadOnlyList<BoundRoute> Serving { get; }

    // The heaviest route taking traffic whose host serves that version now; null when none does.
    public BoundRoute? Find(string modelName, string version)
    {
        foreach (var route in Serving)
        {
            if (route.Host.Current is { } current
                && string.Equals(current.ModelName, modelName, StringComparison.Ordinal)
                && string.Equals(current.Version, version, StringComparison.Ordinal))
            {
                return route;
            }
        }
        return null;
    }

    public Task Drained => _drained.Task;

    // A point in [0, 1) picks the route whose share of the cumulative weights covers it; a zero-weight route covers
    // nothing, so it never answers.
    public BoundRoute Pick(double point)
    {
        var target = point * _cumulative[^1];
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (target < _cumulative[i])
            {
                return Routes[i];
            }
        }

        // Rounding put the point on the total: the last route with weight.
        for (var i = _cumulative.Length - 1; i > 0; i--)
        {
            if (_cumulative[i] > _cumulative[i - 1])
            {
                return Routes[i];
            }
        }
        return Routes[0];
    }

    // The same key always lands on the same point, spread evenly over [0, 1) by SHA-256 (stable across processes
    // and runtimes, unlike string.GetHashCode).
    public static double PointOf(string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }

    public bool TryAcquire()
    {
        var leases = Volatile.Read(ref _leases);
        while (leases > 0)
        {
            var seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases)
            {
                return true;
            }
            leases = seen;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
        {
            _drained.TrySetResult();
        }
    }

    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }
    }
}

internal sealed record BoundRoute(string Name, ModelHost Host);
