using System.Net;
using System.Text.Json.Nodes;
using Keel.Core.Deployments;
using Keel.Serving.Metrics;
using Keel.Serving.Routing;
using Keel.Serving.Tests.Http;
using Keel.Testing;

namespace Keel.Serving.Tests.Routing;

/// <summary>Shadow routes and routing headers, end to end through the serving host's HTTP endpoints.</summary>
public sealed class ShadowTrafficTests : IDisposable
{
    private const string Deployment = "churn-deploy";
    private readonly RoutingHosts _hosts = new(maxBatchSize: 8);
    private readonly TempDirectory _logs = new("keel-shadow-log");

    public void Dispose()
    {
        _hosts.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Invocations_WithShadowsOfAnotherVersionSlowAndFailing_AnswersByteForByteAsWithoutAndRecordsEachComparison()
    {
        var logPath = Path.Combine(_logs.Path, "shadows.jsonl");
        var plainMetrics = new ServingMetrics();
        var shadowMetrics = new ServingMetrics();
        await using var plain = await _hosts.RouterAsync(
            new DeploymentSpec(Deployment, [new TrafficRoute("stable", RoutingHosts.V1, 100)], []), new TrafficRouterOptions { Metrics = plainMetrics });
        await using var shadowed = await _hosts.RouterAsync(
            new DeploymentSpec(Deployment, [new TrafficRoute("stable", RoutingHosts.V1, 100)],
            [
                new ShadowRoute("same", RoutingHosts.V1),
                new ShadowRoute("candidate", RoutingHosts.V2),
                new ShadowRoute("slow", RoutingHosts.Slow),
                new ShadowRoute("broken", RoutingHosts.Broken),
            ]),
            new TrafficRouterOptions { Metrics = shadowMetrics, ShadowLogPath = logPath, MaxPendingShadows = 256 });
        await using var plainHost = await ServingHost.StartAsync(Options(), plain, plainMetrics);
        await using var shadowHost = await ServingHost.StartAsync(Options(), shadowed, shadowMetrics);
        _hosts.SlowObserver.Hold();

        const int Requests = 20;
        var rows = RoutingHosts.Requests(Requests, seed: 8);
        for (var i = 0; i < Requests; i++)
        {
            var age = rows[i].Columns[0].As<float>()[0];
            var dose = rows[i].Columns[1].As<float>()[0];
            var marker = rows[i].Columns[2].As<float>()[0];
            var mlflow = FormattableString.Invariant($$$"""{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": [[{{{age}}}, {{{dose}}}, {{{marker}}}]]}}""");
            var oip = FormattableString.Invariant(
                $$"""{"id": "r{{i}}", "inputs": [{"name": "Age", "shape": [1], "datatype": "FP32", "data": [{{age}}]}, {"name": "Dose", "shape": [1], "datatype": "FP32", "data": [{{dose}}]}, {"name": "Marker", "shape": [1], "datatype": "FP32", "data": [{{marker}}]}]}""");
            foreach (var (path, body) in new[] { ("/invocations", mlflow), ($"/v2/models/{RoutingHosts.ModelName}/infer", oip) })
            {
                using var expected = await plainHost.PostJsonAsync(path, body);
                using var actual = await shadowHost.PostJsonAsync(path, body);

                Assert.Equal(HttpStatusCode.OK, actual.StatusCode);
                Assert.Equal(await expected.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken),
                    await actual.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
                Assert.Equal("stable", actual.Header("X-Keel-Route"));
                Assert.Equal("1", actual.Header("X-Keel-Model-Version"));
                Assert.Equal(expected.Header("X-Keel-Model-Version"), actual.Header("X-Keel-Model-Version"));
            }
        }

        // Every answer above came back while the slow shadow was still held.
        Assert.DoesNotContain(Lines(logPath), l => l["shadow"]!["route"]!.GetValue<string>() == "slow");
        _hosts.SlowObserver.Release();
        await shadowed.WhenShadowsIdleAsync();

        var lines = Lines(logPath);
        Assert.Equal(4 * 2 * Requests, lines.Count);
        Assert.All(lines, l =>
        {
            Assert.Equal(Deployment, l["deployment"]!.GetValue<string>());
            Assert.Equal("stable", l["primary"]!["route"]!.GetValue<string>());
            Assert.Equal("1", l["primary"]!["version"]!.GetValue<string>());
            Assert.True(DateTimeOffset.TryParse(l["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _));
        });
        var byShadow = lines.ToLookup(l => l["shadow"]!["route"]!.GetValue<string>());
        Assert.All(byShadow["same"], l =>
        {
            Assert.Equal("agree", l["outcome"]!.GetValue<string>());
            Assert.Equal(0.0, l["columns"]!["Probability"]!["max_abs_diff"]!.GetValue<double>());
            Assert.True(l["columns"]!["PredictedLabel"]!["equal"]!.GetValue<bool>());
        });
        Assert.All(byShadow["candidate"].Concat(byShadow["slow"]), l =>
        {
            Assert.Equal("disagree", l["outcome"]!.GetValue<string>());
            Assert.Equal("2", l["shadow"]!["version"]!.GetValue<string>());
            Assert.True(l["columns"]!["Probability"]!["max_abs_diff"]!.GetValue<double>() > 0.01);
            Assert.Null(l["columns"]!["PredictedLabel"]!["max_abs_diff"]);
            Assert.Null(l["error"]);
        });
        Assert.All(byShadow["broken"], l =>
        {
            Assert.Equal("error", l["outcome"]!.GetValue<string>());
            Assert.StartsWith("KeelException:", l["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("'Weight'", l["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("3", l["shadow"]!["version"]!.GetValue<string>());
            Assert.Empty(l["columns"]!.AsObject());
        });

        var metrics = await shadowHost.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2 * Requests, Counter(text, "same", "agree"));
        Assert.Equal(2 * Requests, Counter(text, "candidate", "disagree"));
        Assert.Equal(2 * Requests, Counter(text, "slow", "disagree"));
        Assert.Equal(2 * Requests, Counter(text, "broken", "error"));
        Assert.DoesNotContain("keel_serving_shadow_requests_total{", await (await plainHost.GetAsync("/metrics")).Content.ReadAsStringAsync(
            TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScoreAsync_TooManyShadowsPending_DropsAndCountsTheRestWithoutWaiting()
    {
        var ct = TestContext.Current.CancellationToken;
        var metrics = new ServingMetrics();
        var recorded = new List<ShadowComparison>();
        await using var router = await _hosts.RouterAsync(
            new DeploymentSpec(Deployment, [new TrafficRoute("stable", RoutingHosts.V1, 100)], [new ShadowRoute("slow", RoutingHosts.Slow)]),
            new TrafficRouterOptions { Metrics = metrics, MaxPendingShadows = 2, ShadowRecorder = new ListRecorder(recorded) });
        _hosts.SlowObserver.Hold();

        foreach (var batch in RoutingHosts.Requests(10, seed: 9))
        {
            Assert.Equal("stable", (await router.ScoreAsync(batch, ct)).Route);
        }
        _hosts.SlowObserver.Release();
        await router.WhenShadowsIdleAsync();

        Assert.Equal(8, await CounterAsync(metrics, "slow", "dropped"));
        Assert.Equal(2, await CounterAsync(metrics, "slow", "disagree"));
        lock (recorded)
        {
            Assert.Equal(2, recorded.Count);
            Assert.All(recorded, c => Assert.Equal(ShadowOutcome.Disagree, c.Outcome));
        }
    }

    [Fact]
    public async Task Invocations_StickyHeader_SameKeySameRouteAndHeadersNameIt()
    {
        await using var router = await _hosts.RouterAsync(RoutingHosts.Spec("X-User",
            new TrafficRoute("stable", RoutingHosts.V1, 50), new TrafficRoute("canary", RoutingHosts.V2, 50)));
        await using var host = await ServingHost.StartAsync(Options(), router);
        const string Body = """{"dataframe_split": {"columns": ["Age", "Dose", "Marker"], "data": [[5.0, 2.0, 0.5]]}}""";

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var user = 0; user < 20; user++)
        {
            var routes = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < 5; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/invocations")
                {
                    Content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("X-User", $"user-{user}");
                using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var route = response.Header("X-Keel-Route")!;
                Assert.Equal(route == "stable" ? "1" : "2", response.Header("X-Keel-Model-Version"));
                routes.Add(route);
            }
            Assert.Single(routes);
            seen.UnionWith(routes);
        }

        Assert.Equal(["canary", "stable"], seen.Order(StringComparer.Ordinal));
    }

    private static ServingOptions Options() => new() { ModelUri = $"deployments:/{Deployment}", Host = "127.0.0.1", Port = 0, GrpcPort = null };

    private static List<JsonNode> Lines(string path) =>
        File.Exists(path) ? [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)] : [];

    private static async Task<double> CounterAsync(ServingMetrics metrics, string shadow, string outcome)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        return Counter(System.Text.Encoding.UTF8.GetString(stream.ToArray()), shadow, outcome);
    }

    private static double Counter(string exposition, string shadow, string outcome)
    {
        var prefix = $"keel_serving_shadow_requests_total{{deployment=\"{Deployment}\",shadow=\"{shadow}\",outcome=\"{outcome}\"}} ";
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class ListRecorder(List<ShadowComparison> comparisons) : IShadowRecorder
    {
        public ValueTask RecordAsync(ShadowComparison comparison, CancellationToken ct = default)
        {
            lock (comparisons)
            {
                comparisons.Add(comparison);
            }
            return ValueTask.CompletedTask;
        }
    }
}
