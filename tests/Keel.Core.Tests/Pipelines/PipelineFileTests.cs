using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class PipelineFileTests
{
    private const string Full = """
        name: churn
        schedule: "0 3 * * *"
        triggers:
          - dataset: churn-train
          - monitor: churn-drift
        stages:
          prepare:
            cmd: python prepare.py --split ${prepare.split}
            deps: [prepare.py, ./data//raw.csv]
            params: [prepare.split]
            outs: [data/prepared/]
          train:
            cmd: python train.py
            deps:
              - train.py
              - data/prepared
              - {dataset: churn-train, version: 3, path: data/churn.csv}
            outs: [models/model.onnx]
            metrics: [metrics/train.json]
            retries: 2
            retry_backoff: 500ms
            timeout: 10m
            env: {SEED: 42, MODE: fast}
            wdir: src
        """;

    private static PipelineSpec Parse(string yaml) => PipelineFile.Parse(yaml, "keel.yaml", "folder");

    [Fact]
    public void Parse_FullFile_ReadsEveryKey()
    {
        var spec = Parse(Full);

        Assert.Equal("churn", spec.Name);
        Assert.Equal("0 3 * * *", spec.Schedule);
        Assert.Equal("keel.yaml", spec.FileName);
        Assert.Equal(
            [new PipelineTrigger(PipelineTriggerKind.DatasetVersion, "churn-train"), new PipelineTrigger(PipelineTriggerKind.MonitorAlert, "churn-drift")],
            spec.Triggers);
        Assert.Equal(["prepare", "train"], spec.Stages.Select(s => s.Name));

        var prepare = spec.Stages[0];
        Assert.Equal("python prepare.py --split ${prepare.split}", prepare.Cmd);
        Assert.Equal([new StageDep("prepare.py"), new StageDep("data/raw.csv")], prepare.Deps);
        Assert.Equal(["prepare.split"], prepare.Params);
        Assert.Equal(["data/prepared"], prepare.Outs);
        Assert.Equal(".", prepare.WorkingDirectory);
        Assert.Equal((0, TimeSpan.FromSeconds(1), (TimeSpan?)null), (prepare.Retries, prepare.RetryBackoff, prepare.Timeout));
        Assert.Equal(7, prepare.Line);

        var train = spec.Stages[1];
        Assert.Equal(new StageDep("data/churn.csv", "churn-train", 3), train.Deps[2]);
        Assert.True(train.Deps[2].IsDataset);
        Assert.Equal(["models/model.onnx"], train.Outs);
        Assert.Equal(["metrics/train.json"], train.Metrics);
        Assert.Equal(["models/model.onnx", "metrics/train.json"], train.Writes);
        Assert.Equal(2, train.Retries);
        Assert.Equal(TimeSpan.FromMilliseconds(500), train.RetryBackoff);
        Assert.Equal(TimeSpan.FromMinutes(10), train.Timeout);
        Assert.Equal("42", train.Env["SEED"]);
        Assert.Equal("fast", train.Env["MODE"]);
        Assert.Equal("src", train.WorkingDirectory);
        Assert.Equal(14, train.LineOf("deps"));
        Assert.Equal(17, train.LineOf("deps[2]"));
        Assert.Equal(12, train.LineOf("no-such-key"));
    }

    [Fact]
    public void Parse_NoName_UsesTheDefaultName()
    {
        var spec = PipelineFile.Parse("stages:\n  a:\n    cmd: 'true'\n", "p/keel.yaml", "my-folder");

        Assert.Equal("my-folder", spec.Name);
        Assert.Equal("p/keel.yaml", spec.FileName);
        Assert.Null(spec.Schedule);
        Assert.Empty(spec.Triggers);
    }

    [Fact]
    public void Parse_CmdList_JoinsCommandsWithAnd()
    {
        var spec = Parse("stages:\n  a:\n    cmd: [make data, make model]\n");

        Assert.Equal("make data && make model", spec.Stages[0].Cmd);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    public void Parse_Durations_AreRead(string text, int milliseconds)
    {
        var spec = Parse($"stages:\n  a:\n    cmd: x\n    timeout: {text}\n");

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), spec.Stages[0].Timeout);
    }

    [Theory]
    [InlineData("*/15 * * * *")]
    [InlineData("0 3 * * 1-5")]
    [InlineData("0,30 8-18/2 1 JAN-MAR sun")]
    [InlineData("0 0 ? * 7")]
    [InlineData("@daily")]
    public void Parse_ValidCron_IsKept(string cron)
    {
        Assert.Equal(cron, Parse($"schedule: \"{cron}\"\nstages:\n  a:\n    cmd: x\n").Schedule);
    }

    [Fact]
    public void Parse_ForeachScalars_NamesStagesByValueAndInterpolatesItem()
    {
        var spec = Parse("""
            stages:
              train:
                foreach: [0.01, 0.1]
                do:
                  cmd: python train.py --lr ${item} --split ${prepare.split}
                  outs: ["models/model-${item}.onnx"]
                  metrics:
                    - metrics/train-${ item }.json
                  env: {LR: "${item}"}
                  wdir: runs/${item}
            """);

        Assert.Equal(["train@0.01", "train@0.1"], spec.Stages.Select(s => s.Name));
        var second = spec.Stages[1];
        Assert.Equal("python train.py --lr 0.1 --split ${prepare.split}", second.Cmd);
        Assert.Equal(["models/model-0.1.onnx"], second.Outs);
        Assert.Equal(["metrics/train-0.1.json"], second.Metrics);
        Assert.Equal("0.1", second.Env["LR"]);
        Assert.Equal("runs/0.1", second.WorkingDirectory);
        Assert.Equal(2, second.Line);
    }

    [Fact]
    public void Parse_ForeachListOfMaps_NamesStagesByIndexAndReadsFields()
    {
        var spec = Parse("""
            stages:
              train:
                foreach:
                  - {model: tree, depth: 3}
                  - {model: linear, depth: 1}
                do:
                  cmd: train --model ${item.model} --depth ${item.depth}
                  deps: ["${item.model}.py"]
                  outs:
                    - out/${item.model}
            """);

        Assert.Equal(["train@0", "train@1"], spec.Stages.Select(s => s.Name));
        Assert.Equal("train --model linear --depth 1", spec.Stages[1].Cmd);
        Assert.Equal("linear.py", spec.Stages[1].Deps[0].Path);
        Assert.Equal(["out/linear"], spec.Stages[1].Outs);
    }

    [Fact]
    public void Parse_ForeachMap_NamesStagesByKeyAndInterpolatesKeyAndItem()
    {
        var spec = Parse("""
            stages:
              build:
                foreach:
                  us: {region: us-east-1}
                  eu: {region: eu-west-1}
                do:
                  cmd: build ${key} ${item.region}
                  outs: ['dist/${key}']
            """);

        Assert.Equal(["build@us", "build@eu"], spec.Stages.Select(s => s.Name));
        Assert.Equal("build eu eu-west-1", spec.Stages[1].Cmd);
        Assert.Equal(["dist/eu"], spec.Stages[1].Outs);
    }

    [Fact]
    public void Parse_Matrix_ExpandsTheCrossProductInOrder()
    {
        var spec = Parse("""
            stages:
              prepare:
                cmd: prep
                outs: [data]
              train:
                matrix:
                  lr: [0.01, 0.1]
                  depth: [3, 5]
                cmd: train --lr ${item.lr} --depth ${item.depth}
                deps: [data]
                outs:
                  - models/${item.lr}-${item.depth}.onnx
              report:
                cmd: report
                deps: [models]
            """);

        Assert.Equal(["prepare", "train@0.01-3", "train@0.01-5", "train@0.1-3", "train@0.1-5", "report"], spec.Stages.Select(s => s.Name));
        Assert.Equal("train --lr 0.1 --depth 5", spec.Stages[4].Cmd);
        Assert.Equal(["models/0.1-5.onnx"], spec.Stages[4].Outs);
    }

    [Fact]
    public void Parse_EscapedReference_IsLeftForTheLoader()
    {
        var spec = Parse("stages:\n  a:\n    foreach: [x]\n    do:\n      cmd: echo \\${item} ${item}\n");

        Assert.Equal("echo \\${item} x", spec.Stages[0].Cmd);
    }

    [Fact]
    public void Parse_PathsWithDotDotInside_AreNormalised()
    {
        var spec = Parse("stages:\n  a:\n    cmd: x\n    deps: [src/../data/./raw.csv]\n    outs: [out/]\n");

        Assert.Equal("data/raw.csv", spec.Stages[0].Deps[0].Path);
        Assert.Equal(["out"], spec.Stages[0].Outs);
    }

    [Fact]
    public void Parse_AnchorsAndMergeKeys_ShareStageSettings()
    {
        var spec = Parse("""
            stages:
              a: &defaults
                cmd: a
                retries: 3
                env: {MODE: fast}
              b:
                <<: *defaults
                cmd: b
            """);

        Assert.Equal(("b", 3, "fast"), (spec.Stages[1].Cmd, spec.Stages[1].Retries, spec.Stages[1].Env["MODE"]));
    }
}
