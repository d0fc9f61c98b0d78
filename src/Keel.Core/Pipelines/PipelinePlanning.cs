namespace Keel.Core.Pipelines;

/// <summary>
/// The recorded state of one stage after it last succeeded, as kept in <c>keel.lock</c> (meant for git) and as the
/// run cache's key/value: everything that decides whether the stage must run again.
/// </summary>
/// <param name="Stage">Stage name.</param>
/// <param name="Cmd">The command as run (after interpolation).</param>
/// <param name="Deps">Dep path → content hash (a file's SHA-256, a folder's manifest hash, a dataset version's manifest hash).</param>
/// <param name="Params">Param key → canonical value (JSON text).</param>
/// <param name="Outs">Out path (outs and metrics files) → content hash after the stage ran.</param>
public sealed record StageLock(
    string Stage,
    string Cmd,
    IReadOnlyDictionary<string, string> Deps,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> Outs)
{
    /// <summary>
    /// SHA-256 (hex) over the command, deps and params in ordinal order: the run cache key. Two stages (or two runs)
    /// with equal inputs have equal keys, whatever their names.
    /// </summary>
    public string InputKey => StageInputKey.Compute(Cmd, Deps, Params);
}

/// <summary>Why a stage will (or will not) run.</summary>
public enum StageDecisionKind
{
    /// <summary>Command, dep hashes, params and outs match the lock: nothing to do.</summary>
    Skip,

    /// <summary>The inputs match a run-cache entry: outs are restored from the cache instead of running.</summary>
    Restore,

    /// <summary>The stage runs.</summary>
    Run,
}

/// <summary>One stage's decision with the reasons, e.g. "dep 'data/raw.csv' changed", "param 'train.lr' changed", "out 'model.onnx' deleted", "never run", "upstream stage 'prepare' will run".</summary>
public sealed record StageDecision(string Stage, StageDecisionKind Kind, IReadOnlyList<string> Reasons);
