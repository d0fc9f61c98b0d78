namespace Keel.Core.Pipelines;

/// <summary>Decides whether a stage is skipped, restored from the run cache, or run, and says why.</summary>
public static class StagePlanner
{
    /// <summary>
    /// <see cref="StageDecisionKind.Skip"/> when the command, dep hashes, params and outs of <paramref name="current"/> equal
    /// <paramref name="locked"/>, no out is missing and no upstream stage will run; otherwise
    /// <see cref="StageDecisionKind.Restore"/> when <paramref name="runCacheHit"/> (the run cache has outs for
    /// <c>current.InputKey</c>), nothing upstream will run and the stage is not forced; otherwise <see cref="StageDecisionKind.Run"/>.
    /// Reasons: "forced", "never run", "cmd changed", "dep 'x' changed|added|removed", "param 'p' changed (0.1 → 0.2)",
    /// "param 'p' added|removed", "out 'x' deleted|modified|added|removed" (removed: no longer declared), "upstream 'prepare' will run".
    /// </summary>
    /// <param name="stage">The stage as parsed (its <see cref="StageSpec.Writes"/> are the outs to check).</param>
    /// <param name="current">The stage now: cmd, hashes of deps on disk, param values, and hashes of outs on disk (absent key = missing).</param>
    /// <param name="locked">The keel.lock entry, null when the stage never ran.</param>
    /// <param name="missingOuts">Outs known to be missing (in addition to those absent from <c>current.Outs</c>).</param>
    /// <param name="runCacheHit">True when the run cache holds outs for <c>current.InputKey</c>.</param>
    /// <param name="upstreamWillRun">Upstream stages that will run (or restore) in this run.</param>
    /// <param name="force">Run even when nothing changed (<c>keel run --force</c>).</param>
    public static StageDecision Decide(StageSpec stage, StageLock current, StageLock? locked, IReadOnlyCollection<string> missingOuts,
        bool runCacheHit, IReadOnlyList<string> upstreamWillRun, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(missingOuts);
        ArgumentNullException.ThrowIfNull(upstreamWillRun);
        var reasons = new List<string>();
        if (force)
        {
            reasons.Add("forced");
        }
        if (locked is null)
        {
            reasons.Add("never run");
        }
        else
        {
            if (!string.Equals(current.Cmd, locked.Cmd, StringComparison.Ordinal))
            {
                reasons.Add("cmd changed");
            }
            reasons.AddRange(Compare("dep", current.Deps, locked.Deps, showValues: false));
            reasons.AddRange(Compare("param", current.Params, locked.Params, showValues: true));
            foreach (var path in stage.Writes)
            {
                if (missingOuts.Contains(path) || !current.Outs.TryGetValue(path, out var hash))
                {
                    reasons.Add($"out '{path}' deleted");
                }
                else if (!locked.Outs.TryGetValue(path, out var lockedHash))
                {
                    reasons.Add($"out '{path}' added");
                }
                else if (!string.Equals(hash, lockedHash, StringComparison.Ordinal))
                {
                    reasons.Add($"out '{path}' modified");
                }
            }
            // An out no longer declared makes the lock entry stale, though nothing on disk changed.
            reasons.AddRange(locked.Outs.Keys.Where(k => !stage.Writes.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal)
                .Select(k => $"out '{k}' removed"));
        }
        reasons.AddRange(upstreamWillRun.Select(u => $"upstream '{u}' will run"));
        var kind = reasons.Count == 0 ? StageDecisionKind.Skip
            : runCacheHit && !force && upstreamWillRun.Count == 0 ? StageDecisionKind.Restore
            : StageDecisionKind.Run;
        return new StageDecision(stage.Name, kind, reasons);
    }

    private static IEnumerable<string> Compare(string what, IReadOnlyDictionary<string, string> now, IReadOnlyDictionary<string, string> then, bool showValues)
    {
        foreach (var (key, value) in now.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!then.TryGetValue(key, out var old))
            {
                yield return $"{what} '{key}' added";
            }
            else if (!string.Equals(value, old, StringComparison.Ordinal))
            {
                yield return showValues ? $"{what} '{key}' changed ({old} → {value})" : $"{what} '{key}' changed";
            }
        }
        foreach (var key in then.Keys.Where(k => !now.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            yield return $"{what} '{key}' removed";
        }
    }
}
