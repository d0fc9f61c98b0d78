using Keel.Core.Data.Validation;

namespace Keel.Core.Registry.Gates;

/// <summary>How one gate came out. A skipped gate (no champion to compare with) does not fail the validation.</summary>
public enum GateOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>The kinds of gate, as the report names them.</summary>
public static class GateKinds
{
    public const string MinMetric = "metric_min";
    public const string MaxMetric = "metric_max";
    public const string Regression = "regression";
    public const string Latency = "latency";
    public const string Fairness = "fairness";
    public const string Data = "data";
}

/// <summary>
/// One gate checked: its <see cref="GateKinds">kind</see>, what it concerns (a metric, a column), how it came out,
/// the number observed and the threshold it was held to (null when not applicable), and a sentence saying why.
/// </summary>
public sealed record GateCheck(string Kind, string Subject, GateOutcome Outcome, double? Observed, double? Threshold, string Detail);

/// <summary>Every gate of one validation, in the order the rules state them.</summary>
public sealed record GateReport(IReadOnlyList<GateCheck> Checks)
{
    /// <summary>True when no gate failed (skipped ones do not count).</summary>
    public bool Passed => Checks.All(c => c.Outcome != GateOutcome.Failed);

    public int FailedCount => Checks.Count(c => c.Outcome == GateOutcome.Failed);
}

/// <summary>
/// What was measured, for <see cref="GateEvaluator"/>: the candidate's and the champion's metrics on the same rows
/// (the champion's null when there is none), the candidate's latency, the fairness groups and the data checks
/// (each null when its rule is absent or it could not be measured).
/// </summary>
public sealed record GateObservations(
    IReadOnlyDictionary<string, double> Candidate,
    IReadOnlyDictionary<string, double>? Champion,
    double? MsPerRow,
    FairnessResult? Fairness,
    ValidationReport? Data);
