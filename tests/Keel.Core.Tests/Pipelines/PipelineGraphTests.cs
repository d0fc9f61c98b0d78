using Keel.Core.Common;
using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class PipelineGraphTests
{
    // report comes first in the file but runs after train@…; lint is an independent branch that waits its turn in file order.
    private const string Yaml = """
        stages:
          report:
            cmd: report
            deps: [metrics]
            outs: [report.html]
          prepare:
            cmd: prepare
            deps: [data/raw.csv]
            outs: [data/prepared]
          train:
            foreach: [a, b]
            do:
              cmd: train ${item}
              deps: [data/prepared/train.csv]
              outs:
                - models/${item}
              metrics:
                - metrics/${item}.json
          evaluate:
            cmd: evaluate
            deps: [models/a/model.onnx, data/prepared]
            outs: [eval]
          lint:
            cmd: lint
            deps: [src]
        """;

    private static PipelineGraph Graph() => PipelineGraph.Build(PipelineFile.Parse(Yaml, "keel.yaml", "p"));

    [Fact]
    public void TopologicalOrder_PutsEveryStageAfterItsUpstreamInFileOrderOtherwise() =>
        Assert.Equal(["prepare", "train@a", "train@b", "report", "evaluate", "lint"], Graph().TopologicalOrder);

    [Fact]
    public void UpstreamAndDownstream_FollowPathOverlaps()
    {
        var graph = Graph();

        Assert.Equal(["prepare", "train@a"], graph.Upstream("evaluate"));
        Assert.Equal(["train@a", "train@b"], graph.Upstream("report"));
        Assert.Equal(["train@a", "train@b", "evaluate"], graph.Downstream("prepare"));
        Assert.Empty(graph.Upstream("prepare"));
        Assert.Empty(graph.Downstream("lint"));
    }

    [Fact]
    public void AllDownstream_IsWhatAFailureCancels()
    {
        var graph = Graph();

        Assert.Equal(["train@a", "train@b", "report", "evaluate"], graph.AllDownstream("prepare"));
        Assert.Equal(["report", "evaluate"], graph.AllDownstream("train@a"));
        Assert.Equal(["prepare", "train@a", "train@b"], graph.AllUpstream("report"));
    }

    [Fact]
    public void Select_TargetsPlusUpstreamInTopologicalOrder()
    {
        var graph = Graph();

        Assert.Equal(["prepare", "train@a", "evaluate"], graph.Select(["evaluate"]));
        Assert.Equal(["prepare", "train@a", "train@b", "lint"], graph.Select(["lint", "train"]));
        Assert.Equal(["prepare", "train@b"], graph.Select(["train@b"]));
        Assert.Equal(graph.TopologicalOrder, graph.Select([]));
    }

    [Fact]
    public void Select_UnknownTarget_ListsTheStages()
    {
        var error = Assert.Throws<KeelException>(() => Graph().Select(["trian"]));

        Assert.Equal("keel.yaml: unknown stage 'trian'; the stages are report, prepare, train@a, train@b, evaluate, lint.", error.Message);
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Theory]
    [InlineData("data/prepared", "prepare")]
    [InlineData("data/prepared/train.csv", "prepare")]
    [InlineData("./models/b/weights/x.bin", "train@b")]
    [InlineData("metrics/a.json", "train@a")]
    [InlineData("data/raw.csv", null)]
    [InlineData("data", null)]
    [InlineData("../x", null)]
    public void ProducerOf_FindsTheStageWhoseOutIsOrHoldsThePath(string path, string? producer) =>
        Assert.Equal(producer, Graph().ProducerOf(path));

    [Fact]
    public void Stage_UnknownName_Throws()
    {
        var graph = Graph();

        Assert.Equal("evaluate", graph.Stage("evaluate").Name);
        Assert.Throws<KeelException>(() => graph.Stage("nope"));
        Assert.Throws<KeelException>(() => graph.Upstream("nope"));
    }

    [Fact]
    public void Build_DepOnAFolderHoldingAnOut_IsAnEdge()
    {
        var graph = PipelineGraph.Build(PipelineFile.Parse("""
            stages:
              package:
                cmd: tar
                deps: [models]
              train:
                cmd: train
                outs: [models/m.onnx]
            """, "keel.yaml", "p"));

        Assert.Equal(["train", "package"], graph.TopologicalOrder);
    }

    [Fact]
    public void Build_DatasetDeps_AreNotEdges()
    {
        var graph = PipelineGraph.Build(PipelineFile.Parse("""
            stages:
              a:
                cmd: a
                deps: [{dataset: d, path: data/raw}]
                outs: [data/x]
              b:
                cmd: b
                deps: [{dataset: d, path: data/raw}, data/x]
            """, "keel.yaml", "p"));

        Assert.Empty(graph.Upstream("a"));
        Assert.Equal(["a"], graph.Upstream("b"));
    }

    [Fact]
    public void Build_LongChain_IsOrderedEndToEnd()
    {
        // Written last-stage-first, so the order comes from the edges, not the file.
        var yaml = new System.Text.StringBuilder("stages:\n");
        for (var i = 199; i >= 0; i--)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  s{i}: {{cmd: x, deps: [f{i - 1}], outs: [f{i}]}}\n");
        }

        var graph = PipelineGraph.Build(PipelineFile.Parse(yaml.ToString(), "keel.yaml", "p"));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"s{i}"), graph.TopologicalOrder);
        Assert.Equal(199, graph.AllDownstream("s0").Count);
        Assert.Equal(["s197", "s198", "s199"], graph.Select(["s199"]).TakeLast(3));
    }
}
