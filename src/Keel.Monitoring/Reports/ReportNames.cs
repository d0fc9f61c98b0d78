using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.Reports;

/// <summary>The words a report uses for Core's enums: Evidently's names for the drift methods, snake_case otherwise.</summary>
public static class ReportNames
{
    /// <summary>Evidently's name of a drift method (<c>ks</c>, <c>chisquare</c>, <c>z</c>, <c>wasserstein</c>, <c>jensenshannon</c>, <c>psi</c>, <c>kl_div</c>).</summary>
    public static string Method(DriftMethod method) => method switch
    {
        DriftMethod.KolmogorovSmirnov => "ks",
        DriftMethod.ChiSquared => "chisquare",
        DriftMethod.ZTest => "z",
        DriftMethod.Wasserstein => "wasserstein",
        DriftMethod.JensenShannon => "jensenshannon",
        DriftMethod.Psi => "psi",
        DriftMethod.KullbackLeibler => "kl_div",
        _ => method.ToString(),
    };

    /// <summary>True for the statistical tests, whose verdict compares the p-value with the threshold.</summary>
    public static bool IsTest(DriftMethod method) => method is DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquared or DriftMethod.ZTest;

    /// <summary><c>numeric</c> or <c>categorical</c>.</summary>
    public static string Kind(FeatureKind kind) => kind == FeatureKind.Numeric ? "numeric" : "categorical";

    /// <summary><c>classification</c> or <c>regression</c>.</summary>
    public static string Task(TaskKind task) => task == TaskKind.Classification ? "classification" : "regression";

    /// <summary><c>drift</c>, <c>quality</c>, <c>latency</c> or <c>error_rate</c>.</summary>
    public static string Alert(AlertKind kind) => kind switch
    {
        AlertKind.Drift => "drift",
        AlertKind.Quality => "quality",
        AlertKind.Latency => "latency",
        AlertKind.ErrorRate => "error_rate",
        _ => kind.ToString(),
    };
}
