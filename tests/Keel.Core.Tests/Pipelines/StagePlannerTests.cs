using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class StagePlannerTests
{
    private static readonly StageSpec Train = new(
        "train", "python train.py", ".", [new StageDep("train.py"), new StageDep("data")], ["train.lr"], ["m.onnx"], ["metrics.json"],
        0, TimeSpan.FromSeconds(1), null, new Dictionary<string, string>(), 3);

    private static readonly StageLock Locked = Lock("python train.py", ("train.py", "h1"), ("data", "h2"), ("train.lr", "0.1"), ("m.onnx", "o1"), ("metrics.json", "o2"));

    private static StageLock Lock(string cmd, (string, string) script, (string, string) data, (string, string) lr, params (string, string)[] outs) =>
        new("train", cmd, Map(script, data), Map(lr), Map(outs));

    private static Dictionary<string, string> Map(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static StageDecision Decide(StageLock current, StageLock? locked = null, bool cacheHit = false, string[]? missing = null,
        string[]? upstream = null, bool force = false) =>
        StagePlanner.Decide(Train, current, locked ?? Locked, missing ?? [], cacheHit, upstream ?? [], force);

    [Fact]
    public void Decide_NothingChanged_Skips()
    {
        var decision = Decide(Locked, cacheHit: true);

        Assert.Equal(new StageDecision("train", StageDecisionKind.Skip, []), decision with { Reasons = [] });
        Assert.Empty(decision.Reasons);
    }

    [Fact]
    public void Decide_NeverRun_Runs()
    {
        var decision = StagePlanner.Decide(Train, Locked, null, [], runCacheHit: false, []);

        Assert.Equal(StageDecisionKind.Run, decision.Kind);
        Assert.Equal(["never run"], decision.Reasons);
    }

    [Fact]
    public void Decide_NeverRunButCached_Restores()
    {
        var decision = StagePlanner.Decide(Train, Locked, null, [], runCacheHit: true, []);

        Assert.Equal(StageDecisionKind.Restore, decision.Kind);
        Assert.Equal(["never run"], decision.Reasons);
    }

    [Fact]
    public void Decide_CmdChanged_Runs() =>
        Assert.Equal(["cmd changed"], Decide(Locked with { Cmd = "python train.py --fast" }).Reasons);

    [Fact]
    public void Decide_DepChangedAddedRemoved_SaysWhich()
    {
        var current = Locked with { Deps = Map(("train.py", "h1-new"), ("extra.py", "h3")) };

        var decision = Decide(current);

        Assert.Equal(StageDecisionKind.Run, decision.Kind);
        Assert.Equal(["dep 'extra.py' added", "dep 'train.py' changed", "dep 'data' removed"], decision.Reasons);
    }

    [Fact]
    public void Decide_ParamChanged_ShowsOldAndNewValues() =>
        Assert.Equal(["param 'train.lr' changed (0.1 → 0.2)"], Decide(Locked with { Params = Map(("train.lr", "0.2")) }).Reasons);

    [Fact]
    public void Decide_OutDeletedOrModified_SaysWhich()
    {
        Assert.Equal(["out 'm.onnx' deleted"], Decide(Locked with { Outs = Map(("metrics.json", "o2")) }).Reasons);
        Assert.Equal(["out 'metrics.json' deleted"], Decide(Locked, missing: ["metrics.json"]).Reasons);
        Assert.Equal(["out 'm.onnx' modified"], Decide(Locked with { Outs = Map(("m.onnx", "edited"), ("metrics.json", "o2")) }).Reasons);
    }

    [Fact]
    public void Decide_OutDeletedAndInputsCached_Restores()
    {
        var decision = Decide(Locked with { Outs = Map(("metrics.json", "o2")) }, cacheHit: true);

        Assert.Equal(StageDecisionKind.Restore, decision.Kind);
    }

    [Fact]
    public void Decide_NewlyDeclaredOut_Runs()
    {
        var locked = Locked with { Outs = Map(("m.onnx", "o1")) };

        Assert.Equal(["out 'metrics.json' added"], Decide(Locked, locked).Reasons);
    }

    [Fact]
    public void Decide_OutNoLongerDeclared_Runs()
    {
        var locked = Locked with { Outs = Map(("m.onnx", "o1"), ("metrics.json", "o2"), ("old.bin", "o3")) };

        var decision = Decide(Locked, locked);

        Assert.Equal(StageDecisionKind.Run, decision.Kind);
        Assert.Equal(["out 'old.bin' removed"], decision.Reasons);
    }

    [Fact]
    public void Decide_UpstreamWillRun_RunsEvenWhenCached()
    {
        var decision = Decide(Locked, cacheHit: true, upstream: ["prepare"]);

        Assert.Equal(StageDecisionKind.Run, decision.Kind);
        Assert.Equal(["upstream 'prepare' will run"], decision.Reasons);
    }

    [Fact]
    public void Decide_Forced_RunsEvenWhenCached()
    {
        var decision = Decide(Locked, cacheHit: true, force: true);

        Assert.Equal(StageDecisionKind.Run, decision.Kind);
        Assert.Equal(["forced"], decision.Reasons);
    }

    [Fact]
    public void Decide_ChangedInputsWithCacheHit_Restores()
    {
        var decision = Decide(Locked with { Params = Map(("train.lr", "0.01")) }, cacheHit: true);

        Assert.Equal(StageDecisionKind.Restore, decision.Kind);
        Assert.Equal(["param 'train.lr' changed (0.1 → 0.01)"], decision.Reasons);
    }
}
