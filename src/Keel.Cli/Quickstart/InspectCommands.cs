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

    /// <summary>
    /// Runs logged by the embedded server: client commands without a tracking URI read the same data dir, and
    /// <c>keel server</c> over it serves them to MLflow clients.
    /// </summary>
    public static InspectCommands Local(string dataDirectory, CliHost host, string experimentName)
    {
        var isDefault = DataDirectory.IsDefault(dataDirectory, host);
        return new(
            isDefault ? "keel server" : $"keel server --data-dir {Quote(dataDirectory)}",
            isDefault ? "" : $" --data-dir {Quote(dataDirectory)}",
            experimentName);
    }

    /// <summary>Runs logged to a running server: point the client commands at it unless the environment already does.</summary>
    public static InspectCommands Remote(Uri trackingUri, bool fromFlag, string experimentName) =>
        new(null, fromFlag ? $" --tracking-uri {Quote(trackingUri.ToString())}" : "", experimentName);

    public IEnumerable<string> Lines(string bestRunId, string runnerUpRunId, Champion champion)
    {
        yield return $"keel runs list --experiment-name {Quote(_experimentName)}{_clientSuffix}";
        yield return $"keel runs show {bestRunId}{_clientSuffix}";
        yield return $"keel runs compare {bestRunId} {runnerUpRunId}{_clientSuffix}";
        yield return $"keel artifacts ls {bestRunId} model{_clientSuffix}";
        yield return $"keel models versions {Quote(champion.ModelName)}{_clientSuffix}";
        yield return $"keel models lineage {Quote(champion.ModelUri)}{_clientSuffix}";
        yield return $"keel datasets versions {BreastCancerDataset.Name}{_clientSuffix}";
        yield return $"keel serve {Quote(champion.ModelUri)}{_clientSuffix}";
        if (_serverCommand is not null)
        {
            yield return $"{_serverCommand,-48} # serves them to MLflow clients at http://127.0.0.1:5000";
        }
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || "\"'$`&|;<>()*?!#".Contains(c, StringComparison.Ordinal)) ? $"\"{value}\"" : value;
}
