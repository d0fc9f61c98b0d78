using Keel.Core.Common;
using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class PipelineLoaderTests
{
    private const string Pipeline = """
        stages:
          prepare:
            cmd: python prepare.py --split ${prepare.split}
            deps: [prepare.py]
            outs: ["data/${prepare.folder}"]
          train:
            foreach: [0.01, 0.1]
            do:
              cmd: python train.py --lr ${item} --epochs ${train.epochs}
              deps: ["data/${prepare.folder}"]
              params: [train.seed]
              outs:
                - models/${item}.onnx
              env: {EPOCHS: "${train.epochs}"}
        """;

    private const string Params = """
        prepare: {split: 0.2, folder: prepared}
        train: {epochs: 10, seed: 1}
        """;

    private static LoadedPipeline Load(string pipeline, string? parameters, params string[] overrides) =>
        PipelineLoader.Load(pipeline, parameters, overrides, "keel.yaml", "churn");

    [Fact]
    public void Load_InterpolatesParamsAndAddsThemToTheStage()
    {
        var loaded = Load(Pipeline, Params);

        var prepare = loaded.Spec.Stages[0];
        Assert.Equal("python prepare.py --split 0.2", prepare.Cmd);
        Assert.Equal(["data/prepared"], prepare.Outs);
        Assert.Equal(["prepare.split", "prepare.folder"], prepare.Params);
        var train = loaded.Spec.Stages[2];
        Assert.Equal("train@0.1", train.Name);
        Assert.Equal("python train.py --lr 0.1 --epochs 10", train.Cmd);
        Assert.Equal("data/prepared", train.Deps[0].Path);
        Assert.Equal("10", train.Env["EPOCHS"]);
        Assert.Equal(["train.seed", "train.epochs", "prepare.folder"], train.Params);
        Assert.Equal(
            [new("prepare.folder", "\"prepared\""), new("train.epochs", "10"), new KeyValuePair<string, string>("train.seed", "1")],
            loaded.Params.ValuesFor(train));
        Assert.Equal(["prepare"], PipelineGraph.Build(loaded.Spec).Upstream("train@0.1"));
    }

    [Fact]
    public void Load_Overrides_ChangeTheCommand()
    {
        var loaded = Load(Pipeline, Params, "train.epochs=3", "prepare.split=0.5");

        Assert.Equal("python prepare.py --split 0.5", loaded.Spec.Stages[0].Cmd);
        Assert.Equal("python train.py --lr 0.01 --epochs 3", loaded.Spec.Stages[1].Cmd);
    }

    [Fact]
    public void Load_MissingInterpolatedParam_NamesStageKeyAndLine()
    {
        var error = Assert.Throws<KeelException>(() => Load(Pipeline, "prepare: {split: 0.2, folder: p}\ntrain: {seed: 1}\n"));

        Assert.Equal("keel.yaml:9: stage 'train@0.01': cmd: ${train.epochs}: 'train.epochs' is not in params.yaml", error.Message);
    }

    [Fact]
    public void Load_MissingListedParam_NamesStageKeyAndLine()
    {
        var error = Assert.Throws<KeelException>(() => Load(Pipeline, "prepare: {split: 0.2, folder: p}\ntrain: {epochs: 1}\n"));

        Assert.Equal("keel.yaml:11: stage 'train@0.01': params: 'train.seed' is not in params.yaml", error.Message);
    }

    [Fact]
    public void Load_NoParamsFile_AndNoReferences_Loads()
    {
        var loaded = Load("stages:\n  a:\n    cmd: echo \\${HOME}\n", null);

        Assert.Equal("echo ${HOME}", loaded.Spec.Stages[0].Cmd);
        Assert.Empty(loaded.Spec.Stages[0].Params);
    }

    [Fact]
    public void Load_ParamsFileBesideANestedPipeline_IsNamedInErrors()
    {
        var error = Assert.Throws<KeelException>(() =>
            PipelineLoader.Load("stages:\n  a:\n    cmd: x ${p}\n", "q: 1\n", [], "pipelines/churn/keel.yaml", "churn"));

        Assert.Equal("pipelines/churn/keel.yaml:3: stage 'a': cmd: ${p}: 'p' is not in pipelines/churn/params.yaml", error.Message);
    }

    [Fact]
    public void Load_ParamValueEscapingTheFolder_IsRefused()
    {
        var error = Assert.Throws<KeelException>(() => Load("stages:\n  a:\n    cmd: x\n    outs: ['${dir}/m']\n", "dir: ../elsewhere\n"));

        Assert.Equal("keel.yaml:4: stage 'a': outs: '../elsewhere/m' escapes the pipeline folder", error.Message);
    }

    [Fact]
    public void Load_ParamsMakingTwoOutsEqual_IsRefused()
    {
        var error = Assert.Throws<KeelException>(() => Load("""
            stages:
              a: {cmd: a, outs: ["${x}"]}
              b: {cmd: b, outs: ["${y}"]}
            """, "x: same\ny: same\n"));

        Assert.Equal("keel.yaml:3: stage 'b': outs: 'same' is also written by stage 'a'", error.Message);
    }

    [Fact]
    public void Load_DesignExampleWithWindowsLineEndings_Loads()
    {
        var yaml = """
            name: churn                      # optional; default = folder name
            schedule: "0 3 * * *"
            triggers:
              - dataset: churn-train
              - monitor: churn-drift
            stages:
              prepare:
                cmd: python prepare.py --split ${prepare.split}
                deps: [prepare.py, data/raw.csv]
                params: [prepare.split]
                outs: [data/prepared]
              train:
                foreach: [0.01, 0.1]
                do:
                  cmd: python train.py --lr ${item}
                  deps: [train.py, data/prepared, {dataset: churn-train, version: 3, path: data/churn.csv}]
                  outs: ["models/model-${item}.onnx"]
                  metrics: ["metrics/train-${item}.json"]
                  retries: 2
            """.ReplaceLineEndings("\r\n");

        var loaded = Load(yaml, "prepare:\r\n  split: 0.2\r\n");

        Assert.Equal(["prepare", "train@0.01", "train@0.1"], loaded.Spec.Stages.Select(s => s.Name));
        Assert.Equal("python prepare.py --split 0.2", loaded.Spec.Stages[0].Cmd);
        Assert.Equal(["prepare.split"], loaded.Spec.Stages[0].Params);
        Assert.Equal(["metrics/train-0.01.json"], loaded.Spec.Stages[1].Metrics);
        Assert.Equal(["prepare"], PipelineGraph.Build(loaded.Spec).Upstream("train@0.1"));
    }
}
