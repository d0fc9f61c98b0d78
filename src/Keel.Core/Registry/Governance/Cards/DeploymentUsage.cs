using Keel.Core.Common;
using Keel.Core.Deployments;

namespace Keel.Core.Registry.Governance.Cards;

/// <summary>
/// Which deployment revisions served a model version: routes naming it by number, or by an alias that named it when
/// the revision was made (from the alias history; the alias's current holder when the history does not reach back).
/// </summary>
internal static class DeploymentUsage
{
    public static async Task<IReadOnlyList<CardDeployment>> FindAsync(
        IDeploymentStore deployments, RegisteredModel model, long version, IReadOnlyList<AliasMove> history, CancellationToken ct)
    {
        var found = new List<CardDeployment>();
        foreach (var deployment in await deployments.ListAsync(ct))
        {
            foreach (var revision in (await deployments.GetHistoryAsync(deployment.Name, ct)).OrderBy(r => r.Revision))
            {
                var routes = revision.Spec.Routes.Select(r => (r.Name, r.ModelUri, Weight: (double?)r.Weight))
                    .Concat(revision.Spec.Shadows.Select(s => (Name: s.Name + " (shadow)", s.ModelUri, Weight: (double?)null)));
                foreach (var (route, uri, weight) in routes)
                {
                    if (Serves(uri, model, version, history, revision.LastUpdatedTimestamp))
                    {
                        found.Add(new CardDeployment(revision.Name, revision.Revision, revision.LastUpdatedTimestamp, route, uri, weight));
                    }
                }
            }
        }
        return found;
    }

    private static bool Serves(string uri, RegisteredModel model, long version, IReadOnlyList<AliasMove> history, long at)
    {
        ModelUri parsed;
        try
        {
            parsed = ModelUri.Parse(uri);
        }
        catch (KeelException)
        {
            return false;
        }
        if (parsed.ModelName != model.Name)
        {
            return false;
        }
        if (parsed.Kind == ModelUriKind.Version)
        {
            return parsed.Version == version;
        }
        if (parsed.Kind != ModelUriKind.Alias)
        {
            return false;
        }
        var moves = history.Where(m => m.Alias == parsed.Alias).ToArray();
        var holder = moves.Length == 0
            ? model.Aliases.FirstOrDefault(a => a.Alias == parsed.Alias)?.Version
            : moves.LastOrDefault(m => m.Timestamp <= at)?.NewVersion;
        return holder == version;
    }
}
