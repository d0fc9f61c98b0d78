using Keel.Core.Models;
using Keel.Serving.Runtime;

namespace Keel.Serving.Routing;

/// <summary>
/// A scorer that spreads requests over several routes (see <see cref="TrafficRouter"/>). The protocol endpoints use
/// it when the registered <see cref="IModelScorer"/> implements it: they pass the value of
/// <see cref="RoutingHeader"/> as the routing key and report <see cref="ScoreResult.Route"/> in <c>X-Keel-Route</c>.
/// </summary>
public interface IRoutingScorer : IModelScorer
{
    /// <summary>The request header whose value keeps a caller on one route (the deployment's sticky header); null when routing is random.</summary>
    string? RoutingHeader { get; }

    /// <summary>
    /// Scores a batch on a route: the one <paramref name="routingKey"/> hashes to, always the same for the same key
    /// while the routes are unchanged, or a random one (by weight) when the key is null or empty.
    /// </summary>
    Task<ScoreResult> ScoreAsync(DataBatch input, string? routingKey, CancellationToken ct = default);
}
