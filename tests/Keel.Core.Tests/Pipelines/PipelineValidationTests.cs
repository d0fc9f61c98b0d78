using Keel.Core.Common;
using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class PipelineValidationTests
{
    private const string Yaml = """
        stages:
          prepare:
            cmd: prepare
            deps:
              - prepare.py
              - data/raw.csv
            outs: [data/prepared]
          train:
            cmd: train
            deps:
              - data/prepared/train.csv
              - {dataset: churn, path: data/churn.csv}
        """;

    [Fact]
    public void CheckDepsExist_MissingPathNoStageWrites_NamesLineStageAndDep()
    {
        var spec = PipelineFile.Parse(Yaml, "keel.yaml", "p");
        var asked = new List<string>();

        var error = Assert.Throws<KeelException>(() => PipelineValidation.CheckDepsExist(spec, path =>
        {
            asked.Add(path);
            return path == "prepare.py";
        }));

        Assert.Equal("keel.yaml:6: stage 'prepare': deps: 'data/raw.csv' does not exist and no stage writes it", error.Message);
        Assert.Equal(["prepare.py", "data/raw.csv"], asked);
    }

    [Fact]
    public void CheckDepsExist_StageOutsAndDatasets_AreNotAskedAbout()
    {
        var spec = PipelineFile.Parse(Yaml, "keel.yaml", "p");
        var asked = new List<string>();

        PipelineValidation.CheckDepsExist(spec, path =>
        {
            asked.Add(path);
            return true;
        });

        Assert.Equal(["prepare.py", "data/raw.csv"], asked);
    }
}
