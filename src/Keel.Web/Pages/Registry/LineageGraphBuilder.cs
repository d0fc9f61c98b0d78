using System.Globalization;
using Keel.Core.Lineage;

namespace Keel.Web.Pages.Registry;

/// <summary>Turns a model version's lineage and the deployments serving it into the graph's columns and edges.</summary>
public static class LineageGraphBuilder
{
    private const string ContextTag = "mlflow.data.context";

    public static LineageGraphModel Build(ModelVersionLineage lineage, IReadOnlyList<DeploymentRouteRef> routes)
    {
        ArgumentNullException.ThrowIfNull(lineage);
        ArgumentNullException.ThrowIfNull(routes);
        var version = lineage.ModelVersion;
        var edges = new List<LineageEdge>();
        var model = new LineageNode("model", LineageNodeKind.ModelVersion, "Model version",
            $"{version.Name} v{version.Version.ToString(CultureInfo.InvariantCulture)}",
            string.Join(" · ", new[] { version.CurrentStage }.Concat(version.Aliases.Select(a => "@" + a))),
            RegistryUrls.Version(version.Name, version.Version));

        var data = new List<LineageNode>();
        LineageNode run;
        if (lineage.Run is { } source)
        {
            run = new LineageNode("run", LineageNodeKind.Run, "Run", source.Info.RunName,
                source.ExperimentName is null ? null : $"experiment {source.ExperimentName}", RegistryUrls.Run(source.Info.RunId));
            for (var i = 0; i < source.Datasets.Count; i++)
            {
                data.Add(DatasetNode(i, source));
                edges.Add(new LineageEdge(data[^1].Id, run.Id));
            }
            if (data.Count == 0)
            {
                data.Add(new LineageNode("no-data", LineageNodeKind.Missing, "Data", "No dataset inputs logged", "log_input / LogInputsAsync", null));
            }
            edges.Add(new LineageEdge(run.Id, model.Id));
        }
        else
        {
            run = new LineageNode("run", LineageNodeKind.Missing, "Run", "No source run", "registered without a run", null);
            data.Add(new LineageNode("no-data", LineageNodeKind.Missing, "Data", "Unknown", null, null));
        }

        var deployments = routes
            .GroupBy(r => r.Deployment, StringComparer.Ordinal)
            .Select((g, i) => new LineageNode(
                "deployment-" + i.ToString(CultureInfo.InvariantCulture), LineageNodeKind.Deployment, "Deployment", g.Key,
                string.Join(", ", g.Select(r => r.Describe())), RegistryUrls.Deployment(g.Key)))
            .ToList();
        if (deployments.Count == 0)
        {
            deployments.Add(new LineageNode("not-deployed", LineageNodeKind.Missing, "Deployment", "Not deployed", "keel deploy create", null));
        }
        edges.AddRange(deployments.Where(d => d.Kind == LineageNodeKind.Deployment).Select(d => new LineageEdge(model.Id, d.Id)));

        return new LineageGraphModel(
            [("Data", data), ("Run", [run]), ("Model version", [model]), ("Deployments", deployments)],
            edges);
    }

    private static LineageNode DatasetNode(int index, RunLineage run)
    {
        var input = run.Datasets[index];
        var id = "dataset-" + index.ToString(CultureInfo.InvariantCulture);
        var context = input.Tags.FirstOrDefault(t => t.Key == ContextTag)?.Value;
        var registered = run.DatasetVersions.FirstOrDefault(d => d.InputIndex == index)?.Version;
        if (registered is null)
        {
            return new LineageNode(id, LineageNodeKind.Dataset, "Dataset (not registered)", input.Dataset.Name,
                context is null ? "digest " + LineageGraphModel.Shorten(input.Dataset.Digest, 14) : context, null);
        }
        var detail = registered.RowCount is { } rows ? $"{rows.ToString("N0", CultureInfo.InvariantCulture)} rows" : registered.Kind;
        return new LineageNode(id, LineageNodeKind.Dataset, context is null ? "Dataset version" : $"Dataset version ({context})",
            $"{registered.Name} v{registered.Version.ToString(CultureInfo.InvariantCulture)}", detail,
            RegistryUrls.DatasetVersion(registered.Name, registered.Version));
    }
}
