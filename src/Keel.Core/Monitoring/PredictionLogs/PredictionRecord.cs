namespace Keel.Core.Monitoring.PredictionLogs;

/// <summary>
/// One logged prediction row. A request of N rows gives N records sharing <see cref="RequestId"/>, told apart by
/// <see cref="Row"/>; ground truth joins on (request id, row). Cell values are <see cref="double"/>,
/// <see cref="long"/>, <see cref="bool"/>, <see cref="string"/> or null.
/// </summary>
/// <param name="RequestId">The request's id (the <c>X-Request-Id</c> header when the client sent one, else generated; returned in the response).</param>
/// <param name="Row">The row's index within its request.</param>
/// <param name="Timestamp">When the request arrived.</param>
/// <param name="Deployment">The deployment (or, serving one model, the registered model's name).</param>
/// <param name="Model">The registered model that answered.</param>
/// <param name="Version">Its version.</param>
/// <param name="Route">The route (e.g. <c>champion</c>, <c>challenger</c>; <c>default</c> when serving one model).</param>
/// <param name="Shadow">True for a shadow route's answer (never returned to the caller).</param>
/// <param name="LatencyMs">Time from arrival to answer of the whole request, in milliseconds.</param>
/// <param name="Status">The HTTP status answered (200, or the error's status; then <paramref name="Outputs"/> is empty).</param>
/// <param name="Inputs">Feature name to value.</param>
/// <param name="Outputs">Output name to value (e.g. <c>prediction</c>, <c>probability</c>).</param>
public sealed record PredictionRecord(
    string RequestId,
    int Row,
    DateTimeOffset Timestamp,
    string Deployment,
    string Model,
    string Version,
    string Route,
    bool Shadow,
    double LatencyMs,
    int Status,
    IReadOnlyDictionary<string, object?> Inputs,
    IReadOnlyDictionary<string, object?> Outputs);

/// <summary>Ground truth for one logged row, joined by (request id, row).</summary>
public sealed record GroundTruth(string RequestId, int Row, object? Label, DateTimeOffset ReceivedAt);
