using Keel.Core.Data.Validation;
using Keel.Core.Pipelines;
using Keel.Core.Registry.Gates;

namespace Keel.Pipelines.Tests.Examples;

/// <summary>The pipelines in examples/ are what users copy first: each must load, expand and form the DAG its comments describe.</summary>
public sealed class ExamplePipelinesTests
{
    [Fact]
    public void PythonExample_LoadsWithItsParams_AndExpandsTheSweep()
    {
        var graph = Load("python");

        Assert.Equal(
            ["prepare", "train@0.1", "train@1.0", "train@10.0", "evaluate@0.1", "evaluate@1.0", "evaluate@10.0"],
            graph.TopologicalOrder);
        Assert.Equal(["prepare", "train@1.0"], graph.Upstream("evaluate@1.0").Order(StringComparer.Ordinal));
        var prepare = graph.Stage("prepare");
        Assert.Contains(prepare.Deps, d => d is { Dataset: "breast-cancer-wisconsin", Path: "raw/breast_cancer.csv" });
        Assert.Equal([new PipelineTrigger(PipelineTriggerKind.DatasetVersion, "breast-cancer-wisconsin"), new PipelineTrigger(PipelineTriggerKind.MonitorAlert, "breast-cancer-drift")],
            graph.Spec.Triggers);
    }

    [Fact]
    public void MlNetExample_LoadsWithItsParams_AndExpandsTheMatrix()
    {
        var graph = Load("mlnet");

        Assert.Equal(["build", "train@50-0.1", "train@50-0.2", "train@200-0.1", "train@200-0.2", "register"], graph.TopologicalOrder);
        Assert.Equal(["build", "train@200-0.1", "train@200-0.2", "train@50-0.1", "train@50-0.2"], graph.Upstream("register").Order(StringComparer.Ordinal));
        var train = graph.Stage("train@200-0.1");
        Assert.Equal(["build"], graph.Upstream(train.Name));
        Assert.Contains("--trees 200 --learning-rate 0.1 --leaves 20 --seed 1", train.Cmd, StringComparison.Ordinal);
        Assert.Equal(["models/model-200-0.1.zip"], train.Outs);
    }

    [Fact]
    public void MlNetExample_GateAndExpectationFiles_Parse()
    {
        var folder = Path.Combine(RepositoryRoot(), "examples", "pipelines", "mlnet");

        var gates = GateRulesYaml.Parse(File.ReadAllText(Path.Combine(folder, "gates.yaml")), "gates.yaml");
        var expectations = ExpectationsYaml.Parse(File.ReadAllText(Path.Combine(folder, "expectations.yaml")));

        Assert.Equal("label", gates.Label);
        Assert.NotNull(expectations);
    }

    private static PipelineGraph Load(string example)
    {
        var folder = Path.Combine(RepositoryRoot(), "examples", "pipelines", example);
        var loaded = PipelineLoader.Load(
            File.ReadAllText(Path.Combine(folder, "keel.yaml")), File.ReadAllText(Path.Combine(folder, "params.yaml")), [], "keel.yaml", example);
        return PipelineGraph.Build(loaded.Spec);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Keel.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Keel.slnx above {AppContext.BaseDirectory}");
    }
}
