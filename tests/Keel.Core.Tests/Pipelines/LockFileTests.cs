using Keel.Core.Common;
using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class LockFileTests
{
    private static readonly StageLock Train = new(
        "train@0.1",
        "python train.py --lr 0.1 --note 'a: b'",
        new Dictionary<string, string> { ["train.py"] = "aa11", ["data/prepared"] = "bb22" },
        new Dictionary<string, string> { ["train.lr"] = "0.1", ["train.name"] = "\"baseline\"", ["train.layers"] = "[64,32]", ["train.on"] = "true" },
        new Dictionary<string, string> { ["models/m.onnx"] = "0123", ["metrics.json"] = "cc33" });

    private static readonly StageLock Prepare = new(
        "prepare", "python prepare.py", new Dictionary<string, string> { ["prepare.py"] = "dd44" }, new Dictionary<string, string>(),
        new Dictionary<string, string> { ["data/prepared"] = "bb22" });

    [Fact]
    public void Serialize_WritesStagesAndKeysInOrdinalOrder() =>
        Assert.Equal("""
            schema: 1
            stages:
              prepare:
                cmd: python prepare.py
                deps:
                  prepare.py: dd44
                outs:
                  data/prepared: bb22
              train@0.1:
                cmd: "python train.py --lr 0.1 --note 'a: b'"
                deps:
                  data/prepared: bb22
                  train.py: aa11
                outs:
                  metrics.json: cc33
                  models/m.onnx: '0123'
                params:
                  train.layers: '[64,32]'
                  train.lr: '0.1'
                  train.name: '"baseline"'
                  train.on: 'true'

            """.ReplaceLineEndings("\n"), LockFile.Serialize([Train, Prepare]));

    [Fact]
    public void ParseSerialize_RoundTrips()
    {
        var text = LockFile.Serialize([Train, Prepare]);

        var stages = LockFile.Parse(text, "keel.lock");

        Assert.Equal(["prepare", "train@0.1"], stages.Select(s => s.Stage));
        var train = stages[1];
        Assert.Equal(Train.Cmd, train.Cmd);
        Assert.Equal(Train.Deps.OrderBy(p => p.Key, StringComparer.Ordinal), train.Deps);
        Assert.Equal(Train.Params.OrderBy(p => p.Key, StringComparer.Ordinal), train.Params);
        Assert.Equal(Train.Outs.OrderBy(p => p.Key, StringComparer.Ordinal), train.Outs);
        Assert.Equal(Train.InputKey, train.InputKey);
        Assert.Empty(stages[0].Params);
        Assert.Equal(text, LockFile.Serialize(stages));
    }

    [Fact]
    public void Parse_Blank_HasNoStages() => Assert.Empty(LockFile.Parse("", "keel.lock"));

    [Fact]
    public void Serialize_StageTwice_Throws() => Assert.Throws<ArgumentException>(() => LockFile.Serialize([Prepare, Prepare]));

    [Theory]
    [InlineData("schema: 2\nstages: {}\n", "keel.lock:1: schema: '2' is not supported; this Keel reads schema 1")]
    [InlineData("stages: {}\n", "keel.lock:1: schema: '' is not supported; this Keel reads schema 1")]
    [InlineData("schema: 1\nstage: {}\n", "keel.lock:2: stage: unknown key; expected schema, stages")]
    [InlineData("schema: 1\nstages: [a]\n", "keel.lock:2: stages: expected a mapping of stage name to its state")]
    [InlineData("schema: 1\nstages:\n  a: {deps: {}}\n", "keel.lock:3: stage 'a': cmd: is required")]
    [InlineData("schema: 1\nstages:\n  a: {cmd: x, outs: [m]}\n", "keel.lock:3: stage 'a': outs: expected a mapping")]
    [InlineData("schema: 1\nstages:\n  a: {cmd: x, deps: {f: [1]}}\n", "keel.lock:3: stage 'a': deps: 'f': expected a single value")]
    [InlineData("schema: 1\nstages:\n  a: {cmd: x, md5: 1}\n", "keel.lock:3: stage 'a': md5: unknown key; expected cmd, deps, params, outs")]
    public void Parse_Malformed_NamesLineAndKey(string text, string expected) =>
        Assert.Equal(expected, Assert.Throws<KeelException>(() => LockFile.Parse(text, "keel.lock")).Message);
}
