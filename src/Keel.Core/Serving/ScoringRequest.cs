using System.Text.Json;
using Keel.Core.Models;

namespace Keel.Core.Serving;

/// <summary>
/// One parsed scoring request: the rows to score and, when the client sent them, the inference parameters
/// (MLflow's <c>params</c> object, detached from the request body so it outlives it).
/// </summary>
public sealed record ScoringRequest(DataBatch Batch, JsonElement? Params);
