using Keel.Core.Models;
using Keel.Serving.Runtime;

namespace Keel.Serving.Routing;

/// <summary>
/// A scorer that spreads requests over several routes (see <see cref="TrafficRouter"/>). The protocol endpoints use
/// it when the registered <see cref="IModelScorer"/> implements it: they pass the value of
/// <see cref="RoutingHeader"/> (REST header or gRPC metadata) as the routing key, send requests that name a version
/// to the route serving it, and report <see cref="ScoreResult.Route"/> in <c>X-Keel-Route</c>.
/// </summary>
public interface IRoutingScorer : IModelScorer
{
    /// <summary>The request header whose value keeps a caller on one route (the deployment's sticky header); null when routing is random.</summary>
    string? RoutingHeader { get; }

    /// <summary>
    /// The versions the routes that take traffic (weight above 0) serve now, heaviest route first (in spec order among
    /// equal weights); a route whose host has loaded nothing yet is left out. Shadows never appear here.
    /// </summary>
    IReadOnlyList<RoutedVersion> Served { get; }

    /// <summary>
    /// Scores a batch on a route: the one <paramref name="routingKey"/> hashes to, always the same for the same key
    /// while the routes are unchanged, or a random one (by weight) when the key is null or empty.
    /// </summary>
    Task<ScoreResult> ScoreAsync(DataBatch input, string? routingKey, CancellationToken ct = default);

    /// <summary>
    /// Scores a batch on the heaviest route that takes traffic and serves <paramref name="version"/> of
    /// <paramref name="modelName"/> (the first of <see cref="Served"/> that matches), whatever the weights would pick.
    /// </summary>
    /// <exception cref="Core.Common.KeelException">RESOURCE_DOES_NOT_EXIST when no such route serves that version now.</exception>
    Task<ScoreResult> ScoreVersionAsync(DataBatch input, string modelName, string version, CancellationToken ct = default);
}

/// <summary>A version being served and the deployment route serving it (null when one model is served without routes).</summary>
public sealed record RoutedVersion(string? Route, ServedVersion Version);
