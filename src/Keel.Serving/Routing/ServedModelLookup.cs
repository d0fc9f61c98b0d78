using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Serving.Runtime;

namespace Keel.Serving.Routing;

// What a request's model name and optional version mean, the same for REST and gRPC. The name must be the one this
// server answers to (the heaviest route's model); a version is looked up among the routes that take traffic, so a
// canary's version is described and scored by the canary's route, not by the heaviest one.
internal static class ServedModelLookup
{
    // Behind a deployment every route taking traffic (heaviest first); otherwise the one version loaded.
    public static IReadOnlyList<RoutedVersion> Served(IModelScorer scorer, ServedVersion current) =>
        scorer is IRoutingScorer routing ? routing.Served : [new RoutedVersion(null, current)];

    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST naming the model or the version nothing serves, and what is served.</exception>
    public static RoutedVersion Find(IModelScorer scorer, ServedVersion current, string name, string? version)
    {
        if (!string.Equals(name, current.ModelName, StringComparison.Ordinal))
        {
            throw KeelException.NotFound($"Model '{name}' is not served here; this server serves model '{current.ModelName}'.");
        }

        var served = Served(scorer, current).Where(s => string.Equals(s.Version.ModelName, name, StringComparison.Ordinal)).ToList();
        if (string.IsNullOrEmpty(version))
        {
            // The heaviest route is the one whose version `current` is; a route still loading leaves it unnamed.
            return served.FirstOrDefault() ?? new RoutedVersion(null, current);
        }

        return served.FirstOrDefault(s => string.Equals(s.Version.Version, version, StringComparison.Ordinal))
            ?? throw KeelException.NotFound(
                $"Version '{version}' of model '{name}' is not served here; this server serves {Describe(served, current)}.");
    }

    /// <summary>Scores where the request points: a version's route when it names one, else by the sticky key (or at random).</summary>
    public static Task<ScoreResult> ScoreAsync(IModelScorer scorer, DataBatch batch, string name, string? version, string? routingKey, CancellationToken ct) =>
        scorer switch
        {
            IRoutingScorer routing when !string.IsNullOrEmpty(version) => routing.ScoreVersionAsync(batch, name, version, ct),
            IRoutingScorer routing => routing.ScoreAsync(batch, routingKey, ct),
            _ => scorer.ScoreAsync(batch, ct),
        };

    private static string Describe(List<RoutedVersion> served, ServedVersion current)
    {
        if (served.Count == 0)
        {
            return $"version '{current.Version}'";
        }

        var versions = served.Select(s => s.Route is null ? $"'{s.Version.Version}'" : $"'{s.Version.Version}' (route '{s.Route}')");
        return $"{(served.Count == 1 ? "version" : "versions")} {string.Join(", ", versions)}";
    }
}
