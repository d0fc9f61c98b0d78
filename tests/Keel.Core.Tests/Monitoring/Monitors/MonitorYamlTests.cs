using Keel.Core.Common;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Monitors;

public sealed class MonitorYamlTests
{
    private const string Full = """
        name: churn-drift
        deployment: churn
        reference: {kind: dataset, dataset: churn-train, version: 3}
        window: 1h30m
        schedule: "*/15 * * * *"
        features: [age, plan]
        feature_options:
          age: {method: psi, threshold: 0.2}
          plan: {kind: categorical}
        drift_share_threshold: 0.4
        task: classification
        prediction_output: label
        score_output: probability
        alerts:
          - {name: drift, kind: drift}
          - {name: accuracy, kind: quality, metric: accuracy, threshold: 0.8}
          - {name: slow, kind: latency, threshold: 250}
        webhooks: ["https://hooks.example.com/keel"]
        """;

    private static string Error(string yaml) => Assert.Throws<KeelException>(() => MonitorYaml.Parse(yaml)).Message;

    [Fact]
    public void Parse_FullFile_ReadsEveryField()
    {
        var spec = MonitorYaml.Parse(Full);

        Assert.Equal(("churn-drift", "churn"), (spec.Name, spec.Deployment));
        Assert.Equal(new MonitorReference(MonitorReferenceKind.Dataset, "churn-train", 3), spec.Reference);
        Assert.Equal(TimeSpan.FromMinutes(90), spec.Window);
        Assert.Equal("*/15 * * * *", spec.Schedule);
        Assert.Equal(["age", "plan"], spec.Features);
        Assert.Equal(new DriftOptions(DriftMethod.Psi, 0.2), spec.FeatureOptions["age"]);
        Assert.Equal(new DriftOptions(Kind: FeatureKind.Categorical), spec.FeatureOptions["plan"]);
        Assert.Equal(0.4, spec.DriftShareThreshold);
        Assert.Equal(TaskKind.Classification, spec.Task);
        Assert.Equal(("label", "probability"), (spec.PredictionOutput, spec.ScoreOutput));
        Assert.Equal(new AlertRule("accuracy", AlertKind.Quality, 0.8, "accuracy"), spec.Alerts[1]);
        Assert.Equal(new Uri("https://hooks.example.com/keel"), Assert.Single(spec.Webhooks));
    }

    [Fact]
    public void Parse_MinimalFile_TakesTheDefaults()
    {
        var spec = MonitorYaml.Parse("name: m\ndeployment: churn\n");

        Assert.Equal(MonitorReference.TrainingData, spec.Reference);
        Assert.Equal(MonitorYaml.DefaultWindow, spec.Window);
        Assert.Null(spec.Schedule);
        Assert.Empty(spec.Features);
        Assert.Equal(0.5, spec.DriftShareThreshold);
        Assert.Equal("prediction", spec.PredictionOutput);
        Assert.Null(spec.Task);
        Assert.Empty(spec.Alerts);
    }

    [Fact]
    public void Parse_JsonOfTheSameShapeWithNulls_ReadsLikeYaml()
    {
        var spec = MonitorYaml.Parse("""
            {"name": "m", "deployment": "churn", "reference": {"kind": null, "dataset": null, "version": null, "offset": "2h"},
             "window": "30m", "schedule": null, "features": [], "feature_options": {}, "drift_share_threshold": null, "task": null,
             "prediction_output": null, "score_output": null, "alerts": [], "webhooks": []}
            """);

        Assert.Equal(new MonitorReference(MonitorReferenceKind.Traffic, Offset: TimeSpan.FromHours(2)), spec.Reference);
        Assert.Equal(TimeSpan.FromMinutes(30), spec.Window);
    }

    [Fact]
    public void Serialize_RoundTripsToAnEqualSpec()
    {
        var spec = MonitorYaml.Parse(Full);

        var again = MonitorYaml.Parse(MonitorYaml.Serialize(spec));

        Assert.Equal(spec.Reference, again.Reference);
        Assert.Equal(spec.Window, again.Window);
        Assert.Equal(spec.Schedule, again.Schedule);
        Assert.Equal(spec.Features, again.Features);
        Assert.Equal(spec.FeatureOptions, again.FeatureOptions);
        Assert.Equal((spec.DriftShareThreshold, spec.Task, spec.PredictionOutput, spec.ScoreOutput), (again.DriftShareThreshold, again.Task, again.PredictionOutput, again.ScoreOutput));
        Assert.Equal(spec.Alerts, again.Alerts);
        Assert.Equal(spec.Webhooks, again.Webhooks);
    }

    [Theory]
    [InlineData("name: m\ndeployment: d\nwindw: 1h\n", "Unknown key 'windw'")]
    [InlineData("name: m\ndeployment: d\nreference: {kind: dataset, datset: x}\n", "Unknown key 'reference.datset'")]
    [InlineData("name: m\ndeployment: d\nfeature_options: {age: {methd: ks}}\n", "Unknown key 'feature_options.age.methd'")]
    [InlineData("name: m\ndeployment: d\nalerts: [{name: a, kind: drift, treshold: 1}]\n", "Unknown key 'alerts[0].treshold'")]
    public void Parse_UnknownKey_IsRefusedNamingIt(string yaml, string expected) =>
        Assert.Contains(expected, Error(yaml), StringComparison.Ordinal);

    [Theory]
    [InlineData("deployment: d\n", "'name'")]
    [InlineData("name: m\n", "'deployment'")]
    [InlineData("name: m\ndeployment: d\nwindow: 60\n", "'window'")]
    [InlineData("name: m\ndeployment: d\nwindow: 0s\n", "'window'")]
    [InlineData("name: m\ndeployment: d\nwindow: 400d\n", "'window'")]
    [InlineData("name: m\ndeployment: d\ndrift_share_threshold: 1.5\n", "'drift_share_threshold'")]
    [InlineData("name: m\ndeployment: d\ndrift_share_threshold: 0\n", "'drift_share_threshold'")]
    [InlineData("name: m\ndeployment: d\nfeature_options: {age: {method: ks, threshold: 1.5}}\n", "'feature_options.age.threshold'")]
    [InlineData("name: m\ndeployment: d\nfeature_options: {age: {method: psi, threshold: -1}}\n", "'feature_options.age.threshold'")]
    [InlineData("name: m\ndeployment: d\nfeature_options: {age: {method: magic}}\n", "'feature_options.age.method'")]
    [InlineData("name: m\ndeployment: d\nfeature_options: {age: {kind: text}}\n", "'feature_options.age.kind'")]
    [InlineData("name: m\ndeployment: d\nreference: {kind: dataset, dataset: x}\n", "'reference.version'")]
    [InlineData("name: m\ndeployment: d\nreference: {kind: dataset, dataset: x, version: 0}\n", "'reference.version'")]
    [InlineData("name: m\ndeployment: d\nreference: {kind: traffic}\n", "'reference.offset'")]
    [InlineData("name: m\ndeployment: d\nwindow: 2h\nreference: {kind: traffic, offset: 1h}\n", "'reference.offset'")]
    [InlineData("name: m\ndeployment: d\nreference: {kind: training_data, dataset: x}\n", "'reference'")]
    [InlineData("name: m\ndeployment: d\nreference: elsewhere\n", "'reference.kind'")]
    [InlineData("name: m\ndeployment: d\ntask: clustering\n", "'task'")]
    [InlineData("name: m\ndeployment: d\nfeatures: [age, age]\n", "'features[1]'")]
    [InlineData("name: m\ndeployment: d\nalerts: [{name: a, kind: quality, metric: accuracy, threshold: 2}]\n", "'alerts[0].threshold'")]
    [InlineData("name: m\ndeployment: d\nalerts: [{name: a, kind: latency}]\n", "'alerts[0].threshold'")]
    [InlineData("name: m\ndeployment: d\nalerts: [{name: a, kind: noise}]\n", "'alerts[0].kind'")]
    [InlineData("name: m\ndeployment: d\nalerts: [{name: a, kind: drift}, {name: a, kind: drift}]\n", "'alerts[1].name'")]
    [InlineData("name: m\ndeployment: d\nwebhooks: [\"ftp://example.com/x\"]\n", "'webhooks[0]'")]
    [InlineData("name: m\ndeployment: d\nwebhooks: [\"not a url\"]\n", "'webhooks[0]'")]
    [InlineData("name: a/b\ndeployment: d\n", "'name'")]
    [InlineData("name: m\ndeployment: d\nschedule: \"  \"\n", "'schedule'")]
    public void Parse_BrokenRule_NamesTheField(string yaml, string field) =>
        Assert.Contains(field, Error(yaml), StringComparison.Ordinal);

    [Theory]
    [InlineData("name: [unclosed\n")]
    [InlineData("- just\n- a list\n")]
    [InlineData("name: m\nname: n\ndeployment: d\n")]
    public void Parse_NotAMonitorMapping_IsInvalidParameter(string yaml)
    {
        var error = Assert.Throws<KeelException>(() => MonitorYaml.Parse(yaml));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public void Parse_NameGivenAndDifferentInFile_IsRefused()
    {
        var error = Assert.Throws<KeelException>(() => MonitorYaml.Parse("name: a\ndeployment: d\n", "b"));

        Assert.Contains("names monitor 'a', not 'b'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("15m", 900)]
    [InlineData("1h30m", 5400)]
    [InlineData("7d", 604800)]
    [InlineData("1w", 604800)]
    public void Duration_ParsesAndFormatsBack(string text, int seconds)
    {
        var duration = MonitorDuration.Parse(text, "window");

        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
        Assert.Equal(duration, MonitorDuration.Parse(MonitorDuration.Format(duration), "window"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    public void Duration_Malformed_NamesTheField(string text) =>
        Assert.Contains("'window'", Assert.Throws<KeelException>(() => MonitorDuration.Parse(text, "window")).Message, StringComparison.Ordinal);
}
