using Keel.Cli.Hosting;

namespace Keel.Cli.Quickstart;

/// <summary>The exact commands that show the quickstart's runs afterwards, for where they were logged.</summary>
internal sealed class InspectCommands
{
    private readonly string? _serverCommand;
    private readonly string _clientSuffix;
    private readonly string _experimentName;
    private readonly Uri _ui;

    private InspectCommands(string? serverCommand, string clientSuffix, string experimentName, Uri ui)
    {
        _serverCommand = serverCommand;
        _clientSuffix = clientSuffix;
        _experimentName = experimentName;
        _ui = ui;
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
            experimentName,
            new Uri("http://127.0.0.1:5000/"));
    }

    /// <summary>Runs logged to a running server: point the client commands at it unless the environment already does.</summary>
    public static InspectCommands Remote(Uri trackingUri, bool fromFlag, string experimentName) =>
        new(null, fromFlag ? $" --tracking-uri {Quote(trackingUri.ToString())}" : "", experimentName,
            trackingUri.AbsoluteUri.EndsWith('/') ? trackingUri : new Uri(trackingUri.AbsoluteUri + "/"));

    public IEnumerable<string> Lines(string bestRunId, string runnerUpRunId, Champion champion, string monitor, string pipeline)
    {
        yield return $"keel runs list --experiment-name {Quote(_experimentName)}{_clientSuffix}";
        yield return $"keel runs show {bestRunId}{_clientSuffix}";
        yield return $"keel runs compare {bestRunId} {runnerUpRunId}{_clientSuffix}";
        yield return $"keel artifacts ls {bestRunId} model{_clientSuffix}";
        yield return $"keel models versions {Quote(champion.ModelName)}{_clientSuffix}";
        yield return $"keel models lineage {Quote(champion.ModelUri)}{_clientSuffix}";
        yield return $"keel datasets versions {BreastCancerDataset.Name}{_clientSuffix}";
        yield return $"keel serve {Quote(champion.ModelUri)}{_clientSuffix}";
        yield return $"keel monitor show {Quote(monitor)}{_clientSuffix}";
        yield return $"keel monitor report --deployment {Quote(champion.ModelName)} --monitor {Quote(monitor)}{_clientSuffix}";
        yield return $"keel pipelines runs {Quote(pipeline)}{_clientSuffix}";
        yield return $"keel models history {Quote(champion.ModelName)}{_clientSuffix}";
        yield return $"keel models card {Quote(champion.ModelUri)}{_clientSuffix}";
        if (_serverCommand is not null)
        {
            yield return $"{_serverCommand,-48} # serves them to MLflow clients at http://127.0.0.1:5000";
        }
    }

    /// <summary>Where the web UI shows what the quickstart made (after <c>keel server</c> when the server was embedded).</summary>
    public IEnumerable<string> UiLines(string experimentId, Champion champion, string monitor)
    {
        yield return _serverCommand is null
            ? $"Web UI: {_ui}"
            : $"Web UI: run `{_serverCommand}`, then open {_ui}";
        yield return $"  runs       {new Uri(_ui, $"experiments/{Uri.EscapeDataString(experimentId)}/runs")}";
        yield return $"  model      {new Uri(_ui, $"models/{Uri.EscapeDataString(champion.ModelName)}/versions/{champion.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}")} (lineage graph)";
        yield return $"  dataset    {new Uri(_ui, $"datasets/{BreastCancerDataset.Name}")}";
        yield return $"  monitoring {new Uri(_ui, $"monitoring/{Uri.EscapeDataString(monitor)}")}";
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || "\"'$`&|;<>()*?!#".Contains(c, StringComparison.Ordinal)) ? $"\"{value}\"" : value;
}
