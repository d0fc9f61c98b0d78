using Keel.Core.Common;
using Keel.Core.Monitoring.Alerts;

namespace Keel.Core.Tests.Monitoring.Alerts;

public sealed class AlertRuleRulesTests
{
    private static string Refused(AlertRule rule, string field = "alerts[2]")
    {
        var error = Assert.Throws<KeelException>(() => AlertRuleRules.Validate(rule, field));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        return error.Message;
    }

    public static TheoryData<AlertRule> ValidRules() =>
    [
        new AlertRule("drift", AlertKind.Drift),
        new AlertRule("age.drift_1", AlertKind.Drift, Feature: "age in years"),
        new AlertRule("accuracy-floor", AlertKind.Quality, 0.85, "accuracy"),
        new AlertRule("auc", AlertKind.Quality, 0, "roc_auc"),
        new AlertRule("loss", AlertKind.Quality, 12.5, "log_loss"),
        new AlertRule("r2", AlertKind.Quality, -3, "r2"),
        new AlertRule("slow", AlertKind.Latency, 0.5),
        new AlertRule("errors", AlertKind.ErrorRate, 0),
        new AlertRule("ERRORS", AlertKind.ErrorRate, 1),
    ];

    [Theory]
    [MemberData(nameof(ValidRules))]
    public void Validate_ValidRule_Passes(AlertRule rule) => AlertRuleRules.Validate(rule, "alerts[0]");

    [Theory]
    [InlineData("", "Missing value for required parameter 'alerts[2].name'")]
    [InlineData("-drift", "Invalid value '-drift' for parameter 'alerts[2].name': alert rule names are 1 to 64 letters")]
    [InlineData("my rule", "for parameter 'alerts[2].name'")]
    [InlineData("a/b", "for parameter 'alerts[2].name'")]
    [InlineData("a\u0001b", "'a\\u0001b'")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "for parameter 'alerts[2].name'")]
    public void Validate_BadName_NamesFieldAndRule(string name, string expected) =>
        Assert.Contains(expected, Refused(new AlertRule(name, AlertKind.Drift)), StringComparison.Ordinal);

    [Fact]
    public void Validate_UndefinedKind_NamesKindField() =>
        Assert.Contains("parameter 'alerts[2].kind': expected one of drift, quality, latency, error_rate", Refused(new AlertRule("x", (AlertKind)42)),
            StringComparison.Ordinal);

    [Theory]
    [InlineData(AlertKind.Latency, null, "Missing value for required parameter 'alerts[2].threshold': latency rules need a threshold")]
    [InlineData(AlertKind.ErrorRate, null, "Missing value for required parameter 'alerts[2].threshold': error_rate rules need a threshold")]
    [InlineData(AlertKind.Latency, 0.0, "Invalid value '0' for parameter 'alerts[2].threshold': a latency threshold is a p99 latency in milliseconds above 0")]
    [InlineData(AlertKind.Latency, -5.0, "parameter 'alerts[2].threshold'")]
    [InlineData(AlertKind.Latency, double.PositiveInfinity, "parameter 'alerts[2].threshold': expected a finite number")]
    [InlineData(AlertKind.ErrorRate, 1.01, "Invalid value '1.01' for parameter 'alerts[2].threshold': an error-rate threshold is a share from 0 to 1")]
    [InlineData(AlertKind.ErrorRate, -0.1, "an error-rate threshold is a share from 0 to 1")]
    [InlineData(AlertKind.ErrorRate, double.NaN, "parameter 'alerts[2].threshold': expected a finite number")]
    [InlineData(AlertKind.Drift, 0.3, "Invalid value '0.3' for parameter 'alerts[2].threshold': drift rules take no threshold")]
    public void Validate_BadThreshold_NamesFieldAndRule(AlertKind kind, double? threshold, string expected) =>
        Assert.Contains(expected, Refused(new AlertRule("r", kind, threshold)), StringComparison.Ordinal);

    [Theory]
    [InlineData(null, 0.9, "Missing value for required parameter 'alerts[2].metric': a quality rule names one of accuracy, f1, log_loss")]
    [InlineData("Accuracy", 0.9, "Invalid value 'Accuracy' for parameter 'alerts[2].metric': expected one of accuracy")]
    [InlineData("auc", 0.9, "parameter 'alerts[2].metric'")]
    [InlineData("accuracy", null, "Missing value for required parameter 'alerts[2].threshold': quality rules need a threshold")]
    [InlineData("accuracy", 1.5, "Invalid value '1.5' for parameter 'alerts[2].threshold': accuracy thresholds are from 0 to 1")]
    [InlineData("f1", -0.01, "f1 thresholds are from 0 to 1")]
    [InlineData("rmse", -1.0, "Invalid value '-1' for parameter 'alerts[2].threshold': rmse thresholds are at least 0")]
    [InlineData("r2", 1.2, "r2 thresholds are at most 1")]
    public void Validate_BadQualityRule_NamesFieldAndRule(string? metric, double? threshold, string expected) =>
        Assert.Contains(expected, Refused(new AlertRule("q", AlertKind.Quality, threshold, metric)), StringComparison.Ordinal);

    [Theory]
    [InlineData(AlertKind.Latency)]
    [InlineData(AlertKind.ErrorRate)]
    [InlineData(AlertKind.Drift)]
    public void Validate_MetricOnNonQualityRule_Refused(AlertKind kind) =>
        Assert.Contains("parameter 'alerts[2].metric': only quality rules take a metric", Refused(new AlertRule("r", kind, 0.5, "accuracy")),
            StringComparison.Ordinal);

    [Theory]
    [InlineData(AlertKind.Latency)]
    [InlineData(AlertKind.ErrorRate)]
    [InlineData(AlertKind.Quality)]
    public void Validate_FeatureOnNonDriftRule_Refused(AlertKind kind)
    {
        var metric = kind == AlertKind.Quality ? "accuracy" : null;

        var message = Refused(new AlertRule("r", kind, 0.5, metric, "age"));

        Assert.Contains($"Invalid value 'age' for parameter 'alerts[2].feature': only drift rules take a feature (this rule's kind is {AlertKindNames.ToWire(kind)})",
            message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\nb")]
    public void Validate_BadFeature_NamesFeatureField(string feature) =>
        Assert.Contains("for parameter 'alerts[2].feature': a feature name is 1 to 1000 characters", Refused(new AlertRule("d", AlertKind.Drift, Feature: feature)),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_NullRule_NamesTheElement() =>
        Assert.Equal("Missing value for required parameter 'alerts[2]'.", Refused(null!));

    [Fact]
    public void ValidateAll_ValidList_Passes()
    {
        AlertRuleRules.ValidateAll([new AlertRule("drift", AlertKind.Drift), new AlertRule("Drift", AlertKind.Latency, 100)], "alerts");
        AlertRuleRules.ValidateAll([], "alerts");
        AlertRuleRules.ValidateAll(null!, "alerts");
    }

    [Fact]
    public void ValidateAll_DuplicateNames_NamesBothPositions()
    {
        var error = Assert.Throws<KeelException>(() => AlertRuleRules.ValidateAll(
            [new AlertRule("drift", AlertKind.Drift), new AlertRule("slow", AlertKind.Latency, 100), new AlertRule("drift", AlertKind.ErrorRate, 0.1)], "alerts"));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Equal("Invalid value 'drift' for parameter 'alerts[2].name': alert rule names must be unique within a monitor (alerts[0] has it too).", error.Message);
    }

    [Fact]
    public void ValidateAll_BrokenElement_NamesItsIndex()
    {
        var error = Assert.Throws<KeelException>(() => AlertRuleRules.ValidateAll(
            [new AlertRule("drift", AlertKind.Drift), new AlertRule("slow", AlertKind.Latency, -1)], "spec.alerts"));

        Assert.Contains("parameter 'spec.alerts[1].threshold'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAll_TooManyRules_NamesListAndLimit()
    {
        var rules = Enumerable.Range(0, AlertRuleRules.MaxRules + 1).Select(i => new AlertRule($"r{i}", AlertKind.Drift)).ToArray();

        var error = Assert.Throws<KeelException>(() => AlertRuleRules.ValidateAll(rules, "alerts"));

        Assert.Equal("Invalid value for parameter 'alerts': at most 100 alert rules per monitor (got 101).", error.Message);
    }

    [Fact]
    public void AlertKindNames_RoundTrip()
    {
        foreach (var kind in Enum.GetValues<AlertKind>())
        {
            Assert.True(AlertKindNames.TryParse(AlertKindNames.ToWire(kind), out var parsed));
            Assert.Equal(kind, parsed);
        }
        Assert.False(AlertKindNames.TryParse("ErrorRate", out _));
        Assert.False(AlertKindNames.TryParse(null, out _));
    }
}
