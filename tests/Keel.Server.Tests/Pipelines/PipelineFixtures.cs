namespace Keel.Server.Tests.Pipelines;

/// <summary>Pipeline files shared by the pipeline tests.</summary>
internal static class PipelineFixtures
{
    /// <summary>prepare → train → evaluate, and lint on its own.</summary>
    public const string Chain = """
        stages:
          prepare:
            cmd: python prepare.py --split ${prepare.split}
            deps: [prepare.py]
            outs: [data/prepared]
          train:
            cmd: python train.py
            deps: [train.py, data/prepared]
            outs: [model]
          evaluate:
            cmd: python evaluate.py
            deps: [model]
            metrics: [report.json]
          lint:
            cmd: echo ok > lint.txt
            outs: [lint.txt]
        """;

    public const string ChainParams = "prepare:\n  split: 0.2\n";

    public static string Named(string name, string extra = "") => $"name: {name}\n{extra}{Chain}";
}
