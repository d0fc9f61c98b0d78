using System.Globalization;
using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Core.Registry;

/// <summary>What a <see cref="ModelUri"/> names.</summary>
public enum ModelUriKind
{
    /// <summary><c>models:/&lt;name&gt;/&lt;version&gt;</c></summary>
    Version,

    /// <summary><c>models:/&lt;name&gt;@&lt;alias&gt;</c></summary>
    Alias,

    /// <summary><c>models:/&lt;name&gt;/&lt;stage&gt;</c>: the newest version in that stage.</summary>
    Stage,

    /// <summary><c>models:/&lt;name&gt;/latest</c>: the newest version of any stage.</summary>
    Latest,

    /// <summary><c>runs:/&lt;run_id&gt;/&lt;path&gt;</c></summary>
    Run,

    /// <summary><c>mlflow-artifacts:/&lt;path&gt;</c></summary>
    Artifacts,
}

/// <summary>
/// A parsed model reference, as MLflow's clients write them. Parsing checks only the text; whether the model,
/// alias or run exists is settled by <see cref="ModelUriResolver"/>. Sub-paths after a version are not supported.
/// </summary>
public sealed record ModelUri
{
    public const string ModelsScheme = "models:/";
    private const string Field = "uri";
    private const string LatestKeyword = "latest";

    private ModelUri(string text, ModelUriKind kind) => (Text, Kind) = (text, kind);

    /// <summary>The URI as given.</summary>
    public string Text { get; }

    public ModelUriKind Kind { get; }

    /// <summary>The registered model; null for <c>runs:/</c> and <c>mlflow-artifacts:/</c>.</summary>
    public string? ModelName { get; private init; }

    /// <summary>Set for <see cref="ModelUriKind.Version"/>.</summary>
    public long? Version { get; private init; }

    /// <summary>Set for <see cref="ModelUriKind.Alias"/>.</summary>
    public string? Alias { get; private init; }

    /// <summary>The canonical stage name for <see cref="ModelUriKind.Stage"/>.</summary>
    public string? Stage { get; private init; }

    /// <summary>Set for <see cref="ModelUriKind.Run"/>.</summary>
    public string? RunId { get; private init; }

    /// <summary>The artifact path below the run's root (<see cref="ModelUriKind.Run"/>, possibly the root) or the store's root.</summary>
    public ArtifactPath? Path { get; private init; }

    /// <summary>Parses a model URI; malformed input throws INVALID_PARAMETER_VALUE naming 'uri' and the rule.</summary>
    public static ModelUri Parse(string? uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'uri'.");
        }
        if (uri.StartsWith(ModelsScheme, StringComparison.Ordinal))
        {
            return ParseModels(uri, uri[ModelsScheme.Length..]);
        }
        if (uri.StartsWith(ModelSource.RunsScheme, StringComparison.Ordinal))
        {
            var path = ParsePath(uri, uri[ModelSource.RunsScheme.Length..]);
            var runId = path.Segments[0];
            return new ModelUri(uri, ModelUriKind.Run) { RunId = runId, Path = path.RelativeTo(ArtifactPath.Parse(runId, Field)) };
        }
        if (uri.StartsWith(ModelSource.ArtifactsScheme, StringComparison.Ordinal))
        {
            return new ModelUri(uri, ModelUriKind.Artifacts) { Path = ParsePath(uri, uri[ModelSource.ArtifactsScheme.Length..]) };
        }
        throw Invalid(uri,
            $"expected '{ModelsScheme}<name>/<version|stage|latest>', '{ModelsScheme}<name>@<alias>', "
            + $"'{ModelSource.RunsScheme}<run_id>/<path>' or '{ModelSource.ArtifactsScheme}<path>'");
    }

    public override string ToString() => Text;

    private static ModelUri ParseModels(string uri, string rest)
    {
        // A second '/' would start an authority (a remote registry, as in models://profile@databricks/…).
        if (rest.StartsWith('/'))
        {
            throw Invalid(uri, "models on another registry or host are not supported");
        }
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            var at = rest.LastIndexOf('@');
            if (at < 0)
            {
                throw Invalid(uri, $"a model URI needs a version, stage, 'latest' or alias: '{ModelsScheme}<name>/<version>' or '{ModelsScheme}<name>@<alias>'");
            }
            var name = Name(uri, rest[..at]);
            var alias = rest[(at + 1)..];
            if (alias.Length == 0 || !alias.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw Invalid(uri, "an alias must be non-empty and contain only letters, digits, '_' and '-'");
            }
            return new ModelUri(uri, ModelUriKind.Alias) { ModelName = name, Alias = alias };
        }

        var modelName = Name(uri, rest[..slash]);
        var reference = rest[(slash + 1)..];
        if (reference.Contains('/', StringComparison.Ordinal))
        {
            throw Invalid(uri, "paths below a model version are not supported; use '<name>/<version>' alone");
        }
        if (reference.Length > 0 && reference.All(char.IsAsciiDigit))
        {
            return long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
                ? new ModelUri(uri, ModelUriKind.Version) { ModelName = modelName, Version = version }
                : throw Invalid(uri, "model versions are positive integers");
        }
        if (reference.Equals(LatestKeyword, StringComparison.OrdinalIgnoreCase))
        {
            return new ModelUri(uri, ModelUriKind.Latest) { ModelName = modelName };
        }
        var stage = ModelStage.Parse(reference)
            ?? throw Invalid(uri, $"'{reference}' is not a version number, 'latest' or a stage ({string.Join(", ", ModelStage.All)}, any case)");
        return new ModelUri(uri, ModelUriKind.Stage) { ModelName = modelName, Stage = stage };
    }

    private static string Name(string uri, string name) =>
        name.Trim().Length == 0 || name.Any(c => char.IsControl(c) || c is '\\')
            ? throw Invalid(uri, "the model name must not be blank or contain '\\' or control characters")
            : name;

    // The same path rules as a model version's source: no absolute paths, traversal in any encoding, '?', '#' or '\'.
    private static ArtifactPath ParsePath(string uri, string rest)
    {
        try
        {
            return ArtifactPath.ParseEncoded(rest, Field, allowRoot: false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.InvalidParameterValue)
        {
            var rule = e.Message.IndexOf("': ", StringComparison.Ordinal) is var i and >= 0 ? e.Message[(i + 3)..].TrimEnd('.') : e.Message;
            throw Invalid(uri, rule);
        }
    }

    private static KeelException Invalid(string uri, string rule) =>
        KeelException.InvalidParameter($"Invalid value '{Printable(uri)}' for parameter 'uri': {rule}.");

    // Control characters would garble logs and terminals, so the quoted URI shows them escaped.
    private static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString()));
}
