using System.Text.Json.Serialization;
using Keel.Contracts.Mlflow;

namespace Keel.Contracts.KeelApi;

/// <summary>
/// JSON of the governance API: the settings of <see cref="KeelJsonContext"/> (snake_case, nulls written), in a context
/// of its own; versions may also be sent as strings of digits, as MLflow's API sends them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(PromoteModelRequest))]
[JsonSerializable(typeof(ApproveModelVersionRequest))]
[JsonSerializable(typeof(RollbackAliasRequest))]
[JsonSerializable(typeof(AliasMoveDto))]
[JsonSerializable(typeof(AliasHistoryResponse))]
[JsonSerializable(typeof(ApprovalDto))]
[JsonSerializable(typeof(ListApprovalsResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class GovernanceJsonContext : JsonSerializerContext;

/// <summary>Routes of the governance API under <see cref="KeelRoutes.ApiPrefix"/>.</summary>
public static class GovernanceRoutes
{
    /// <summary>Who is asking: recorded on alias moves and approvals, and compared for the no-self-approval rule.</summary>
    public const string UserHeader = "X-Keel-User";

    /// <summary>
    /// Under <c>models/{name}</c>: POST <c>promote</c> (<see cref="PromoteModelRequest"/>), POST <c>approve</c>,
    /// GET <c>approvals?version=</c>, POST <c>rollback</c>, GET <c>alias-history?alias=</c>, and GET
    /// <c>versions/{version}/card?format=md|html</c> (the model card).
    /// </summary>
    public const string Models = "models";
}
