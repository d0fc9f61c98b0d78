using Keel.Core.Common;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring.Monitors;

/// <summary>
/// The words monitor files, the API and the CLI use for enum values. Drift methods take Evidently's stattest names
/// (<c>ks</c>, <c>chisquare</c>, <c>z</c>, <c>wasserstein</c>, <c>jensenshannon</c>, <c>psi</c>, <c>kl_div</c>), so an
/// Evidently user recognises them; the spelled-out names (<c>kolmogorov_smirnov</c>, …) are accepted too.
/// </summary>
public static class MonitorNames
{
    private static readonly (DriftMethod Method, string Name, string Alternative)[] Methods =
    [
        (DriftMethod.KolmogorovSmirnov, "ks", "kolmogorov_smirnov"),
        (DriftMethod.ChiSquared, "chisquare", "chi_squared"),
        (DriftMethod.ZTest, "z", "z_test"),
        (DriftMethod.Wasserstein, "wasserstein", "wasserstein_distance"),
        (DriftMethod.JensenShannon, "jensenshannon", "jensen_shannon"),
        (DriftMethod.Psi, "psi", "population_stability_index"),
        (DriftMethod.KullbackLeibler, "kl_div", "kullback_leibler"),
    ];

    private static readonly (MonitorReferenceKind Kind, string Name)[] ReferenceKinds =
        [(MonitorReferenceKind.TrainingData, "training_data"), (MonitorReferenceKind.Dataset, "dataset"), (MonitorReferenceKind.Traffic, "traffic")];

    public static string Of(DriftMethod method) => Methods.First(m => m.Method == method).Name;

    public static string Of(AlertKind kind) => AlertKindNames.ToWire(kind);

    public static string Of(MonitorReferenceKind kind) => ReferenceKinds.First(k => k.Kind == kind).Name;

    public static string Of(FeatureKind kind) => kind == FeatureKind.Numeric ? "numeric" : "categorical";

    public static string Of(TaskKind task) => task == TaskKind.Classification ? "classification" : "regression";

    public static DriftMethod ParseMethod(string? text, string field) =>
        Methods.FirstOrDefault(m => Is(text, m.Name) || Is(text, m.Alternative)) is { Name: not null } found
            ? found.Method
            : throw Invalid(text, field, Methods.Select(m => m.Name));

    public static AlertKind ParseAlertKind(string? text, string field) =>
        AlertKindNames.TryParse(text?.Trim().ToLowerInvariant(), out var kind) ? kind : throw Invalid(text, field, AlertKindNames.All);

    public static MonitorReferenceKind ParseReferenceKind(string? text, string field) =>
        ReferenceKinds.FirstOrDefault(k => Is(text, k.Name)) is { Name: not null } found
            ? found.Kind
            : throw Invalid(text, field, ReferenceKinds.Select(k => k.Name));

    public static FeatureKind ParseFeatureKind(string? text, string field) => text?.Trim().ToUpperInvariant() switch
    {
        "NUMERIC" or "NUMERICAL" => FeatureKind.Numeric,
        "CATEGORICAL" or "CATEGORY" => FeatureKind.Categorical,
        _ => throw Invalid(text, field, ["numeric", "categorical"]),
    };

    public static TaskKind ParseTask(string? text, string field) => text?.Trim().ToUpperInvariant() switch
    {
        "CLASSIFICATION" => TaskKind.Classification,
        "REGRESSION" => TaskKind.Regression,
        _ => throw Invalid(text, field, ["classification", "regression"]),
    };

    private static bool Is(string? text, string name) => string.Equals(text?.Trim(), name, StringComparison.OrdinalIgnoreCase);

    private static KeelException Invalid(string? text, string field, IEnumerable<string> allowed) =>
        text is null
            ? KeelException.InvalidParameter($"Missing value for required parameter '{field}'.")
            : KeelException.InvalidParameter($"Invalid value '{text}' for parameter '{field}': expected one of {string.Join(", ", allowed)}.");
}
