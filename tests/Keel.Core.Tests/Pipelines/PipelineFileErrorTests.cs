using Keel.Core.Common;
using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

/// <summary>Each bad file gives one error naming the file, the line, the stage and the key.</summary>
public sealed class PipelineFileErrorTests
{
    private static string Error(string yaml)
    {
        var error = Assert.Throws<KeelException>(() => PipelineFile.Parse(yaml, "keel.yaml", "churn"));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        return error.Message;
    }

    private static string StageError(string stageBody) => Error("stages:\n  train:\n" + stageBody);

    [Theory]
    [InlineData("stages:\n  a:\n    cmd: x\nnmae: typo\n", "keel.yaml:4: nmae: unknown key; expected name, schedule, triggers, stages")]
    [InlineData("", "keel.yaml:1: stages: the file is empty; expected a mapping with stages")]
    [InlineData("- a\n- b\n", "keel.yaml:1: stages: the file must be a mapping with name, schedule, triggers and stages")]
    [InlineData("name: churn\n", "keel.yaml:1: stages: is required")]
    [InlineData("stages: [a, b]\n", "keel.yaml:1: stages: expected a mapping of stage name to stage")]
    [InlineData("name: 'bad name'\nstages:\n  a:\n    cmd: x\n", "keel.yaml:1: name: 'bad name' is not a valid pipeline name (letters, digits, '_', '.', '-', starting with a letter or digit)")]
    [InlineData("stages:\n  a:\n    cmd: x\n  a:\n    cmd: y\n", "keel.yaml:4: stages: 'a' appears twice")]
    [InlineData("stages:\n  a:\n    cmd: x\n    deps: [{dataset: d, path: p, path: q}]\n", "keel.yaml:4: stages.a.deps[0]: 'path' appears twice")]
    [InlineData("name: a\nname: b\nstages: {a: {cmd: x}}\n", "keel.yaml:2: name: the key appears twice")]
    [InlineData("stages:\n  a:\n    cmd: 'x\n", "keel.yaml:3: not valid YAML: While scanning a quoted scalar, found unexpected end of stream.")]
    public void Parse_BadTopLevel_NamesLineAndKey(string yaml, string expected) => Assert.Equal(expected, Error(yaml));

    [Fact]
    public void Parse_InvalidDefaultName_AsksForAName() =>
        Assert.Equal("keel.yaml:1: name: the folder name 'my folder' is not a valid pipeline name; set name: in the file",
            Assert.Throws<KeelException>(() => PipelineFile.Parse("stages:\n  a:\n    cmd: x\n", "keel.yaml", "my folder")).Message);

    [Theory]
    [InlineData("    cmd: x\n    outz: [a]\n", "keel.yaml:4: stage 'train': outz: unknown key; expected cmd, deps, params, outs, metrics, retries, retry_backoff, timeout, env, wdir")]
    [InlineData("    deps: [a]\n", "keel.yaml:2: stage 'train': cmd: is required")]
    [InlineData("    cmd: ''\n", "keel.yaml:3: stage 'train': cmd: is empty")]
    [InlineData("    cmd: {a: b}\n", "keel.yaml:3: stage 'train': cmd: expected a command (text) or a list of commands")]
    [InlineData("    cmd: x\n    deps: a.csv\n", "keel.yaml:4: stage 'train': deps: expected a list")]
    [InlineData("    cmd: x\n    outs: [[a]]\n", "keel.yaml:4: stage 'train': outs: expected a path relative to the pipeline folder")]
    [InlineData("    cmd: x\n    retries: two\n", "keel.yaml:4: stage 'train': retries: 'two' is not a whole number")]
    [InlineData("    cmd: x\n    retries: -1\n", "keel.yaml:4: stage 'train': retries: -1 is negative; expected 0 or more extra attempts")]
    [InlineData("    cmd: x\n    retries: [1]\n", "keel.yaml:4: stage 'train': retries: expected a single value, not a list or mapping")]
    [InlineData("    cmd: x\n    timeout: 10\n", "keel.yaml:4: stage 'train': timeout: '10': expected a duration such as 500ms, 30s, 10m or 1h")]
    [InlineData("    cmd: x\n    retry_backoff: 5 minutes\n", "keel.yaml:4: stage 'train': retry_backoff: '5 minutes': expected a duration such as 500ms, 30s, 10m or 1h")]
    [InlineData("    cmd: x\n    timeout: 0s\n", "keel.yaml:4: stage 'train': timeout: must be longer than 0")]
    [InlineData("    cmd: x\n    env: [A]\n", "keel.yaml:4: stage 'train': env: expected a mapping of variable name to value")]
    [InlineData("    cmd: x\n    env: {1A: b}\n", "keel.yaml:4: stage 'train': env: '1A' is not an environment variable name (letters, digits, '_')")]
    [InlineData("    cmd: x\n    params: [train.lr, train.lr]\n", "keel.yaml:4: stage 'train': params: 'train.lr' is listed twice")]
    [InlineData("    cmd: x\n    params: ['train lr']\n", "keel.yaml:4: stage 'train': params: 'train lr' is not a dotted params key such as train.lr")]
    [InlineData("    cmd: x\n    deps: [{dataset: churn}]\n", "keel.yaml:4: stage 'train': deps: dataset 'churn' needs path: where to put its files")]
    [InlineData("    cmd: x\n    deps: [{dataset: churn, path: d, version: 0}]\n", "keel.yaml:4: stage 'train': deps: version '0' of dataset 'churn' must be a whole number from 1")]
    [InlineData("    cmd: x\n    deps: [{dataset: churn, path: d, tag: x}]\n", "keel.yaml:4: stage 'train': deps: unknown key 'tag'; a dataset dep has dataset, version and path")]
    [InlineData("    cmd: x\n    do: {cmd: y}\n", "keel.yaml:4: stage 'train': do: is only allowed with foreach")]
    public void Parse_BadStageKey_NamesLineStageAndKey(string body, string expected) => Assert.Equal(expected, StageError(body));

    [Theory]
    [InlineData("/data/raw.csv", "'/data/raw.csv' is absolute; paths are relative to the pipeline folder")]
    [InlineData("../shared/raw.csv", "'../shared/raw.csv' escapes the pipeline folder")]
    [InlineData("data/../../raw.csv", "'data/../../raw.csv' escapes the pipeline folder")]
    [InlineData("C:/data", "'C:/data' is absolute; paths are relative to the pipeline folder")]
    [InlineData("data\\\\raw.csv", "'data\\raw.csv' contains '\\'; separate folders with '/'")]
    public void Parse_PathOutsideTheFolder_IsRefusedInEveryKey(string path, string rule)
    {
        foreach (var key in new[] { "deps", "outs", "metrics" })
        {
            Assert.Equal($"keel.yaml:4: stage 'train': {key}: {rule}", StageError($"    cmd: x\n    {key}: [\"{path}\"]\n"));
        }
        Assert.Equal($"keel.yaml:4: stage 'train': wdir: {rule}", StageError($"    cmd: x\n    wdir: \"{path}\"\n"));
    }

    [Fact]
    public void Parse_OutIsTheFolderItself_IsRefused() =>
        Assert.Equal("keel.yaml:4: stage 'train': outs: cannot be the pipeline folder itself", StageError("    cmd: x\n    outs: [.]\n"));

    [Fact]
    public void Parse_Cycle_NamesTheCycleInFileOrder() =>
        Assert.Equal("keel.yaml:5: stage 'prepare': deps: cycle prepare → train → prepare", Error("""
            stages:
              prepare:
                cmd: p
                outs: [data]
                deps: [model.onnx]
              train:
                cmd: t
                deps: [data/x.csv]
                outs: [model.onnx]
            """));

    [Fact]
    public void Parse_LongerCycle_NamesEveryStage() =>
        Assert.Contains("cycle a → b → c → a", Error("""
            stages:
              a: {cmd: a, deps: [c.txt], outs: [a.txt]}
              b: {cmd: b, deps: [a.txt], outs: [b.txt]}
              c: {cmd: c, deps: [b.txt], outs: [c.txt]}
              d: {cmd: d, deps: [c.txt], outs: [d.txt]}
            """));

    [Fact]
    public void Parse_DuplicateOutsInAStage_NamesTheOut() =>
        Assert.Equal("keel.yaml:6: stage 'train': outs: 'model.onnx' is listed twice", StageError("    cmd: x\n    outs:\n      - model.onnx\n      - ./model.onnx\n"));

    [Fact]
    public void Parse_OutAlsoAMetricsFileOfTheStage_IsRefused() =>
        Assert.Equal("keel.yaml:5: stage 'train': metrics: 'm.json' is listed twice", StageError("    cmd: x\n    outs: [m.json]\n    metrics: [m.json]\n"));

    [Fact]
    public void Parse_TwoStagesWritingOneOut_NamesBoth() =>
        Assert.Equal("keel.yaml:7: stage 'b': outs: 'data/x.csv' is also written by stage 'a'", Error("""
            stages:
              a:
                cmd: a
                outs: [data/x.csv]
              b:
                cmd: b
                outs: [data/x.csv]
            """));

    [Fact]
    public void Parse_OutInsideAnotherStagesOutFolder_IsRefused() =>
        Assert.Equal("keel.yaml:7: stage 'b': outs: 'data/prepared/extra.csv' overlaps 'data/prepared', written by stage 'a'", Error("""
            stages:
              a:
                cmd: a
                outs: [data/prepared]
              b:
                cmd: b
                outs: [data/prepared/extra.csv]
            """));

    [Fact]
    public void Parse_StageDependingOnItsOwnOut_IsRefused() =>
        Assert.Equal("keel.yaml:4: stage 'train': deps: 'model.onnx' is an out of this stage; a stage cannot depend on its own out",
            StageError("    cmd: x\n    deps: [model.onnx]\n    outs: [model.onnx]\n"));

    [Fact]
    public void Parse_StageDependingOnAFolderHoldingItsOut_IsRefused() =>
        Assert.Equal("keel.yaml:4: stage 'train': deps: 'models' overlaps 'models/m.onnx', an out of this stage; a stage cannot depend on its own out",
            StageError("    cmd: x\n    deps: [models]\n    outs: [models/m.onnx]\n"));

    [Fact]
    public void Parse_DuplicateStageNamesAfterExpansion_AreRefused() =>
        Assert.Equal("keel.yaml:2: stage 'train@1': stages: two stages have this name after foreach/matrix expansion",
            StageError("    foreach: [1, '1']\n    do:\n      cmd: x\n"));

    [Theory]
    [InlineData("0 3 * *", "'0 3 * *' has 4 fields; expected 5 (minute hour day-of-month month day-of-week, UTC) such as '0 3 * * *'")]
    [InlineData("61 * * * *", "'61 * * * *': minute field '61': '61' is not a number from 0 to 59")]
    [InlineData("0 24 * * *", "'0 24 * * *': hour field '24': '24' is not a number from 0 to 23")]
    [InlineData("0 0 0 * *", "'0 0 0 * *': day of month field '0': '0' is not a number from 1 to 31")]
    [InlineData("0 0 * 13 *", "'0 0 * 13 *': month field '13': '13' is not a number from 1 to 12 or a month name")]
    [InlineData("0 0 * * MOO", "'0 0 * * MOO': day of week field 'MOO': 'MOO' is not a number from 0 to 7 or a day name")]
    [InlineData("*/0 * * * *", "'*/0 * * * *': minute field '*/0': step '0' must be a whole number from 1 to 60")]
    [InlineData("0 5-2 * * *", "'0 5-2 * * *': hour field '5-2': range '5-2' runs backwards")]
    [InlineData("@fortnightly", "unknown macro '@fortnightly'; expected @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually")]
    [InlineData("0 0 L * *", "'0 0 L * *': day of month field 'L': 'L' is not a number from 1 to 31")]
    public void Parse_InvalidCron_NamesTheField(string cron, string rule) =>
        Assert.Equal($"keel.yaml:1: schedule: {rule}", Error($"schedule: \"{cron}\"\nstages:\n  a:\n    cmd: x\n"));

    [Theory]
    [InlineData("triggers: [{pipeline: x}]", "keel.yaml:1: triggers[0]: unknown trigger 'pipeline'; expected dataset or monitor")]
    [InlineData("triggers: [{dataset: a, monitor: b}]", "keel.yaml:1: triggers[0]: expected one of {dataset: <name>} or {monitor: <name>}")]
    [InlineData("triggers: [churn]", "keel.yaml:1: triggers[0]: expected one of {dataset: <name>} or {monitor: <name>}")]
    [InlineData("triggers: [{monitor: ''}]", "keel.yaml:1: triggers[0]: monitor: expected the name of a monitor")]
    [InlineData("triggers: [{dataset: a}, {dataset: a}]", "keel.yaml:1: triggers[1]: dataset 'a' is listed twice")]
    [InlineData("triggers: {dataset: a}", "keel.yaml:1: triggers: expected a list")]
    public void Parse_InvalidTrigger_NamesTheEntry(string triggers, string expected) =>
        Assert.Equal(expected, Error($"{triggers}\nstages:\n  a:\n    cmd: x\n"));

    [Theory]
    [InlineData("    foreach: []\n    do: {cmd: x}\n", "keel.yaml:3: stage 'train': foreach: expected a non-empty list or mapping")]
    [InlineData("    foreach: 3\n    do: {cmd: x}\n", "keel.yaml:3: stage 'train': foreach: expected a non-empty list or mapping")]
    [InlineData("    foreach: [a]\n", "keel.yaml:2: stage 'train': do: is required with foreach: a mapping with cmd, deps, outs…")]
    [InlineData("    foreach: [a]\n    cmd: x\n", "keel.yaml:4: stage 'train': cmd: unknown key; with foreach, put the stage's keys under do")]
    [InlineData("    foreach: ['a b']\n    do: {cmd: x}\n", "keel.yaml:3: stage 'train': foreach: 'a b' cannot be part of a stage name (letters, digits, '_', '.', '+', '-'); use a mapping with such keys, or a list of mappings (named by index)")]
    [InlineData("    foreach: [{a: 1}]\n    do: {cmd: 'x ${item}'}\n", "keel.yaml:4: stage 'train@0': cmd: ${item} is a mapping; name one of its fields, e.g. ${item.<field>}")]
    [InlineData("    foreach: [{a: 1}]\n    do: {cmd: 'x ${item.b}'}\n", "keel.yaml:4: stage 'train@0': cmd: ${item.b}: the item has no field 'b'")]
    [InlineData("    foreach: [a]\n    do: {cmd: 'x ${key}'}\n", "keel.yaml:4: stage 'train@a': cmd: ${key} is only defined when foreach is a mapping")]
    [InlineData("    cmd: x ${item}\n", "keel.yaml:3: stage 'train': cmd: ${item} is only defined in a foreach or matrix stage")]
    [InlineData("    matrix: {lr: 0.1}\n    cmd: x\n", "keel.yaml:3: stage 'train': matrix.lr: expected a non-empty list of values")]
    [InlineData("    matrix: [0.1]\n    cmd: x\n", "keel.yaml:3: stage 'train': matrix: expected a mapping of name to a list of values, e.g. {lr: [0.01, 0.1], depth: [3, 5]}")]
    [InlineData("    foreach: [a, b]\n    do: {cmd: x, outs: [same.txt]}\n", "keel.yaml:4: stage 'train@b': outs: 'same.txt' is also written by stage 'train@a'")]
    public void Parse_BadExpansion_NamesStageAndKey(string body, string expected) => Assert.Equal(expected, StageError(body));

    [Fact]
    public void Parse_BadStageName_IsRefused() =>
        Assert.Equal("keel.yaml:2: stage 'tr@in': stages: is not a valid stage name (letters, digits, '_', '.', '-', starting with a letter, digit or '_'; '@' is added by foreach)",
            Error("stages:\n  tr@in:\n    cmd: x\n"));

    [Fact]
    public void Parse_DatasetPathInsideAnotherStagesOut_IsRefused() =>
        Assert.Equal("keel.yaml:6: stage 'b': deps: dataset 'churn' goes to 'data/x/churn.csv', which overlaps 'data/x', written by stage 'a'", Error("""
            stages:
              a: {cmd: a, outs: [data/x]}
              b:
                cmd: b
                deps:
                  - {dataset: churn, path: data/x/churn.csv}
            """));

    [Fact]
    public void Parse_ExponentialAliases_AreRefused()
    {
        var yaml = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 8; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        Assert.Equal("params.yaml: holds more than 100000 values.", Assert.Throws<KeelException>(() => PipelineParams.Parse(yaml.ToString(), "params.yaml")).Message);
        Assert.Equal("keel.yaml: holds more than 100000 values.", Error(yaml + "stages: {a: {cmd: x}}\n"));
    }
}
