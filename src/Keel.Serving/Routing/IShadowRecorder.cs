namespace Keel.Serving.Routing;

/// <summary>Receives every comparison of a shadow's answer with the one returned (see <see cref="TrafficRouter"/>).</summary>
public interface IShadowRecorder
{
    /// <summary>Records one comparison; a failure is logged and never reaches the request.</summary>
    ValueTask RecordAsync(ShadowComparison comparison, CancellationToken ct = default);
}

/// <summary>What a shadow request came to, as the <c>outcome</c> label of <c>keel_serving_shadow_requests_total</c>.</summary>
public enum ShadowOutcome
{
    /// <summary>Every output column matched the answer returned (numbers within the tolerance).</summary>
    Agree,

    /// <summary>At least one output column differed, or was missing from the shadow's answer.</summary>
    Disagree,

    /// <summary>The shadow failed; the answer returned was unaffected.</summary>
    Error,

    /// <summary>Too many shadow requests were running, so this one was not sent (never recorded, only counted).</summary>
    Dropped,
}

/// <summary>How one output column of a shadow's answer compared with the answer returned.</summary>
/// <param name="Column">The output column's name.</param>
/// <param name="Equal">True when the values match (numbers within the tolerance, other types exactly).</param>
/// <param name="MaxAbsoluteDifference">For numeric columns of the same length, the largest absolute difference of two values; null otherwise.</param>
public sealed record ShadowColumnComparison(string Column, bool Equal, double? MaxAbsoluteDifference);

/// <summary>One request's answer from the route that answered, compared with a shadow's.</summary>
/// <param name="Timestamp">When the shadow finished.</param>
/// <param name="Deployment">The deployment's name.</param>
/// <param name="PrimaryRoute">The route whose answer was returned.</param>
/// <param name="PrimaryModel">The model that made it.</param>
/// <param name="PrimaryVersion">Its version.</param>
/// <param name="ShadowRoute">The shadow route.</param>
/// <param name="ShadowModel">The model the shadow served; null when it failed before answering.</param>
/// <param name="ShadowVersion">Its version; null when it failed before answering.</param>
/// <param name="Outcome"><see cref="ShadowOutcome.Agree"/>, <see cref="ShadowOutcome.Disagree"/> or <see cref="ShadowOutcome.Error"/>.</param>
/// <param name="Columns">One comparison per output column of the answer returned; empty on error.</param>
/// <param name="Error">Why the shadow failed; null unless <see cref="Outcome"/> is <see cref="ShadowOutcome.Error"/>.</param>
public sealed record ShadowComparison(
    DateTimeOffset Timestamp,
    string Deployment,
    string PrimaryRoute,
    string PrimaryModel,
    string PrimaryVersion,
    string ShadowRoute,
    string? ShadowModel,
    string? ShadowVersion,
    ShadowOutcome Outcome,
    IReadOnlyList<ShadowColumnComparison> Columns,
    string? Error);
