using Keel.Cli.Hosting;

namespace Keel.Cli.Quickstart;

/// <summary>The exact commands that show the quickstart's runs afterwards, for where they were logged.</summary>
internal sealed class InspectCommands
{
    private readonly string? _serverCommand;
    private readonly string _clientSuffix;
    private readonly string _experimentName;

    private InspectCommands(string? serverCommand, string clientSuffix, string experimentName)
    {
        _serverCommand = serverCommand;
        _clientSuffix = clientSuffix;
        _experimentName = experimentName;
    }

    /// <summary>Runs logged by the embedded server: a <c>keel server</c> over the same data dir serves them.</summary>
    public static InspectCommands Local(string dataDirectory, CliHost host, string experimentName) => new(
        DataDirectory.IsDefault(dataDirectory, host) ? "keel server" : $"keel server --data-dir {Quote(dataDirectory)}",
        "",
        experimentName);

    /// <summary>Runs logged to a running server: point the client commands at it unless the environment already does.</summary>
    public static InspectCommands Remote(Uri trackingUri, bool fromFlag, string experimentName) =>
        new(null, fromFlag ? $" --tracking-uri {Quote(trackingUri.ToString())}" : "", experimentName);

    public IEnumerable<string> Lines(string bestRunId, string runnerUpRunId)
    {
        if (_serverCommand is not null)
        {
            yield return $"{_serverCommand,-48} # in another terminal: serves what was just logged";
        }

        yield return $"keel runs list --experiment-name {Quote(_experimentName)}{_clientSuffix}";
        yield return $"keel runs show {bestRunId}{_clientSuffix}";
        yield return $"keel runs compare {bestRunId} {runnerUpRunId}{_clientSuffix}";
        yield return $"keel artifacts ls {bestRunId} model{_clientSuffix}";
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || "\"'$`&|;<>()*?!#".Contains(c, StringComparison.Ordinal)) ? $"\"{value}\"" : value;
}
