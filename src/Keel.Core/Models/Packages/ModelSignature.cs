namespace Keel.Core.Models.Packages;

/// <summary>
/// What a model takes and returns, as MLflow records it in the <c>signature</c> section of an MLmodel file.
/// Any part may be absent (null).
/// </summary>
public sealed record ModelSignature(SignatureSchema? Inputs, SignatureSchema? Outputs = null, IReadOnlyList<ParamSpec>? Params = null)
{
    /// <summary>Reads MLflow's JSON text of the <c>signature.params</c> entry.</summary>
    public static IReadOnlyList<ParamSpec> ParseParams(string json) => SignatureJson.ParseParams(json);

    /// <summary>MLflow's JSON text for <paramref name="parameters"/>, as the MLflow client writes it.</summary>
    public static string ParamsToJson(IReadOnlyList<ParamSpec> parameters) => SignatureJson.Write(parameters);

    /// <summary>Equal when inputs, outputs and every param are equal.</summary>
    public bool Equals(ModelSignature? other) =>
        other is not null && Equals(Inputs, other.Inputs) && Equals(Outputs, other.Outputs)
        && (Params is null ? other.Params is null : other.Params is not null && Params.SequenceEqual(other.Params));

    public override int GetHashCode() => HashCode.Combine(Inputs, Outputs, Params?.Count);
}
