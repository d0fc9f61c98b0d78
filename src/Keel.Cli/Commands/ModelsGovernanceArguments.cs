using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary>Arguments and options shared by <c>keel models promote|approve|rollback|history|card</c>.</summary>
internal static class ModelsGovernanceArguments
{
    public static Argument<string> VersionUri() => new("model-uri")
    {
        Description = "models:/<name>/<version> (or models:/<name>@<alias>, models:/<name>/<stage>, resolved to its version now)",
    };

    public static Option<string> Alias(string description) => new("--alias", "-a") { Description = description, Required = true };

    public static Option<string?> User() => new("--user")
    {
        Description = "Who does it, recorded in the alias history [default: $KEEL_USER, else the OS user name]",
    };

    /// <summary>The <c>--user</c> flag, else <c>KEEL_USER</c>, else the OS user name.</summary>
    public static string UserName(ParseResult parse, Option<string?> user, CliHost host) =>
        parse.GetValue(user) is { Length: > 0 } flag ? flag : host.Variable("KEEL_USER") ?? Environment.UserName;

    /// <summary>The model name and version a registry URI names now.</summary>
    public static async Task<(string Name, long Version)> ResolveVersionAsync(ClientInvocation call, Argument<string> argument, CancellationToken ct)
    {
        var uri = ModelUri.RequireRegistry(call.Parse.GetRequiredValue(argument));
        var resolved = await call.Client.ResolveModelUriAsync(uri, ct);
        return resolved is { ModelName: { } name, Version: { } version }
            ? (name, version)
            : throw new CliException($"'{uri}' resolved to {resolved.ArtifactUri}, not to a model version");
    }
}
