using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Datasets;
using Keel.Core.Deployments;
using Keel.Core.Lineage;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;
using Keel.Core.Registry;
using Keel.Monitoring.PredictionLogs;

namespace Keel.Monitoring.Runner;

/// <summary>A monitor's reference, ready to compare with: its columns, what it is, and the served model's recorded quality.</summary>
/// <param name="Description">e.g. <c>dataset churn-train v3 (training data of churn v2)</c>.</param>
/// <param name="Rows">Rows in the reference.</param>
/// <param name="Names">Its columns.</param>
/// <param name="Column">One column's values.</param>
/// <param name="Baseline">The served model version's recorded quality metrics (see <see cref="BaselineMetrics"/>); empty when unknown.</param>
internal sealed record ResolvedReference(
    string Description, int Rows, IReadOnlyList<string> Names, Func<string, FeatureValues> Column, IReadOnlyDictionary<string, double> Baseline);

/// <summary>
/// Finds what a monitor compares with. The served model is the deployment's route named <c>champion</c> (else its
/// first route), its model URI resolved to a model version; without a deployment of that name, the registered model of
/// that name at alias <c>champion</c> (else its newest version). The training data is the dataset version logged as
/// its run's input (digest = manifest hash, as lineage finds it), preferring an input tagged
/// <c>mlflow.data.context=training|train</c>.
/// </summary>
internal sealed class ReferenceResolver(
    IDeploymentStore deployments, RegistryService registry, ModelUriResolver uris, LineageService lineage, IDatasetStore datasets,
    DatasetTableReader tables, PredictionLogStore logs)
{
    private const string ContextTag = "mlflow.data.context";

    /// <summary>The reference of <paramref name="spec"/> for a run at <paramref name="runAt"/>; a missing one throws KeelException saying why.</summary>
    public async Task<ResolvedReference> ResolveAsync(MonitorSpec spec, DateTimeOffset runAt, CancellationToken ct)
    {
        switch (spec.Reference.Kind)
        {
            case MonitorReferenceKind.Dataset:
                {
                    var version = await datasets.GetVersionAsync(spec.Reference.Dataset!, spec.Reference.DatasetVersion!.Value, ct)
                        ?? throw KeelException.NotFound(Text($"Reference dataset '{spec.Reference.Dataset}' version {spec.Reference.DatasetVersion} not found."));
                    var baseline = await TryBaselineAsync(spec.Deployment, ct);
                    return await FromDatasetAsync(version, DatasetTableReader.Describe(version), baseline, ct);
                }
            case MonitorReferenceKind.Traffic:
                {
                    var end = runAt - spec.Reference.Offset!.Value;
                    var start = end - spec.Window;
                    var window = await logs.ReadWindowAsync(spec.Deployment, start, end, ct);
                    var rows = window.Records.Count(r => !r.Shadow);
                    if (rows == 0)
                    {
                        throw KeelException.NotFound(Text($"No predictions were logged for '{spec.Deployment}' in the reference window [{start:u}, {end:u})."));
                    }
                    var baseline = await TryBaselineAsync(spec.Deployment, ct);
                    return new ResolvedReference(Text($"traffic [{start:u}, {end:u})"), rows, window.InputNames, window.Input, baseline);
                }
            default:
                {
                    var served = await ServedVersionAsync(spec.Deployment, ct);
                    var graph = await lineage.GetModelVersionLineageAsync(served.Name, served.Version.ToString(CultureInfo.InvariantCulture), ct);
                    var run = graph.Run ?? throw KeelException.NotFound(
                        Text($"Model '{served.Name}' version {served.Version} has no run, so its training data is unknown; give the monitor a dataset reference."));
                    var inputs = run.DatasetVersions;
                    if (inputs.Count == 0)
                    {
                        throw KeelException.NotFound(Text(
                            $"The run of model '{served.Name}' version {served.Version} logged no registered dataset version as input; log the training dataset (digest = its manifest hash) or give the monitor a dataset reference."));
                    }
                    var training = inputs.FirstOrDefault(i => run.Datasets[i.InputIndex].Tags.Any(t => t.Key == ContextTag && t.Value is "training" or "train")) ?? inputs[0];
                    var baseline = BaselineMetrics.From(run.Metrics);
                    var description = Text($"{DatasetTableReader.Describe(training.Version)} (training data of {served.Name} v{served.Version})");
                    return await FromDatasetAsync(training.Version, description, baseline, ct);
                }
        }
    }

    private async Task<ResolvedReference> FromDatasetAsync(
        DatasetVersion version, string description, IReadOnlyDictionary<string, double> baseline, CancellationToken ct)
    {
        var table = await tables.ReadAsync(version, ct);
        return new ResolvedReference(description, table.Rows, table.Names, name => table.Columns[name], baseline);
    }

    /// <summary>The served model's recorded quality, or nothing when it cannot be found (a dataset or traffic reference does not need it).</summary>
    private async Task<IReadOnlyDictionary<string, double>> TryBaselineAsync(string deployment, CancellationToken ct)
    {
        try
        {
            var served = await ServedVersionAsync(deployment, ct);
            var graph = await lineage.GetModelVersionLineageAsync(served.Name, served.Version.ToString(CultureInfo.InvariantCulture), ct);
            return graph.Run is null ? new Dictionary<string, double>() : BaselineMetrics.From(graph.Run.Metrics);
        }
        catch (KeelException e) when (e.Code is ErrorCode.ResourceDoesNotExist or ErrorCode.InvalidParameterValue)
        {
            return new Dictionary<string, double>();
        }
    }

    /// <summary>The model version that answers <paramref name="deployment"/>'s traffic.</summary>
    internal async Task<(string Name, long Version)> ServedVersionAsync(string deployment, CancellationToken ct)
    {
        var found = await deployments.GetAsync(deployment, ct);
        string uri;
        if (found is not null)
        {
            var route = found.Spec.Routes.FirstOrDefault(r => r.Name == "champion") ?? found.Spec.Routes[0];
            uri = route.ModelUri;
        }
        else
        {
            RegisteredModel model;
            try
            {
                model = await registry.GetRegisteredModelAsync(deployment, ct);
            }
            catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
            {
                throw KeelException.NotFound($"No deployment or registered model is named '{deployment}', so the served model (and its training data) is unknown.");
            }
            uri = model.Aliases.Any(a => a.Alias == "champion") ? $"{ModelUri.ModelsScheme}{model.Name}@champion" : $"{ModelUri.ModelsScheme}{model.Name}/latest";
        }
        var resolved = await uris.ResolveAsync(uri, ct);
        return resolved is { ModelName: { } name, Version: { } version }
            ? (name, version)
            : throw KeelException.NotFound($"The model URI '{uri}' serving '{deployment}' names no registered model version, so its training data is unknown.");
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
