using Keel.Core.Common;
using Keel.Core.Registry;
using CoreModelUri = Keel.Core.Registry.ModelUri;

namespace Keel.Cli.Commands;

/// <summary>
/// The model URIs each command accepts, checked with the server's own parser before any call, so a typo is a
/// usage error that names the rule; which model, run or file a URI points at is the server's to resolve.
/// </summary>
internal static class ModelUri
{
    private const string RegistryRule = "models:/<name>/<version>, models:/<name>/<stage> or models:/<name>@<alias>";
    private const string SourceRule = "runs:/<run-id>/<path> or mlflow-artifacts:/<path>";

    /// <summary>Any URI a model can be fetched from: a registry reference or an artifact source.</summary>
    public static string RequireAny(string uri) => Require(uri, _ => true, $"{RegistryRule}, {SourceRule}");

    /// <summary>A registry reference, which names exactly one model version.</summary>
    public static string RequireRegistry(string uri) => Require(uri, IsRegistry, RegistryRule);

    /// <summary>Where a new version's files are: inside Keel's artifact store, as the server requires.</summary>
    public static string RequireSource(string uri) => Require(uri, kind => !IsRegistry(kind), SourceRule);

    private static bool IsRegistry(ModelUriKind kind) => kind is ModelUriKind.Version or ModelUriKind.Alias or ModelUriKind.Stage or ModelUriKind.Latest;

    private static string Require(string uri, Func<ModelUriKind, bool> accepted, string rule)
    {
        CoreModelUri parsed;
        try
        {
            parsed = CoreModelUri.Parse(uri);
        }
        catch (KeelException e)
        {
            var reason = Reason(e.Message);
            // An unknown scheme is answered by the rule alone; a known one also says what is wrong with it.
            throw new CliException(
                reason.StartsWith("expected ", StringComparison.Ordinal) ? $"invalid model URI '{uri}': expected {rule}" : $"invalid model URI '{uri}': expected {rule} ({reason})",
                ExitCodes.Usage);
        }

        return accepted(parsed.Kind) ? uri : throw new CliException($"invalid model URI '{uri}': expected {rule}", ExitCodes.Usage);
    }

    // The parser's message names the parameter; the rule after it is what helps on a command line.
    private static string Reason(string message) =>
        message.IndexOf("': ", StringComparison.Ordinal) is var i and >= 0 ? message[(i + 3)..].TrimEnd('.') : message;
}
