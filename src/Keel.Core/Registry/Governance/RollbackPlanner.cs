namespace Keel.Core.Registry.Governance;

/// <summary>
/// Where a rollback goes, from an alias's history: the holders form a stack (a set or promote pushes, a rollback pops
/// back to the version it restored), so rolling back twice walks two steps back rather than flipping between two
/// versions. Deletes leave the stack alone: after a delete and a new set, rollback returns to the holder before.
/// </summary>
public static class RollbackPlanner
{
    /// <summary>
    /// The version the alias should return to, or null when there is none: the newest earlier holder that differs
    /// from <paramref name="current"/> and for which <paramref name="exists"/> is true.
    /// </summary>
    public static long? Target(IReadOnlyList<AliasMove> movesOldestFirst, long current, Func<long, bool> exists)
    {
        var holders = new List<long>();
        foreach (var move in movesOldestFirst)
        {
            if (move.NewVersion is not { } version)
            {
                continue;
            }
            if (move.Kind == AliasMoveKinds.Rollback && holders.LastIndexOf(version) is var at and >= 0)
            {
                holders.RemoveRange(at + 1, holders.Count - at - 1);
            }
            else if (holders.Count == 0 || holders[^1] != version)
            {
                holders.Add(version);
            }
        }
        for (var i = holders.Count - 1; i >= 0; i--)
        {
            if (holders[i] != current && exists(holders[i]))
            {
                return holders[i];
            }
        }
        return null;
    }
}
