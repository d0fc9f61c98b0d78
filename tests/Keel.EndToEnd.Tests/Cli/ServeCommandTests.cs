using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Keel.Cli;
using Keel.Client;
using Keel.Client.Models;
using Keel.Contracts.KeelApi;
using Keel.Core.Models;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.EndToEnd.Tests.Cli;

public sealed partial class ServeCommandTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private string TrackingUri => fixture.Server.BaseAddress.ToString();

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("models:/")]
    [InlineData("s3://bucket/model")]
    public async Task Serve_MalformedUri_ExitsTwoWithOneLine(string uri)
    {
        var result = await KeelCommandLine.RunAsync("serve", uri, "--port", "0", "--no-grpc", "--tracking-uri", TrackingUri);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"error: invalid model URI '{uri}'", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("models:/no-such-model-{0}/1")]
    [InlineData("models:/no-such-model-{0}@champion")]
    public async Task Serve_UnknownModel_ExitsOneWithOneLine(string pattern)
    {
        var uri = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, Guid.NewGuid().ToString("N"));

        var result = await KeelCommandLine.RunAsync("serve", uri, "--port", "0", "--no-grpc", "--tracking-uri", TrackingUri);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: RESOURCE_DOES_NOT_EXIST: ", line, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("example.com")]
    public async Task Serve_NonLoopbackHostWithoutInsecure_IsRefused(string host)
    {
        var result = await KeelCommandLine.RunAsync("serve", "models:/m/1", "--host", host, "--tracking-uri", TrackingUri);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: refusing to listen on '{host}'", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--max-batch-size", "0")]
    [InlineData("--reload-interval", "0")]
    [InlineData("--max-request-bytes", "0")]
    public async Task Serve_OutOfRangeOption_ExitsTwoNamingIt(string option, string value)
    {
        var result = await KeelCommandLine.RunAsync("serve", "models:/m/1", option, value, "--tracking-uri", TrackingUri);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_RegisteredModel_AnswersPingAndInvocationsUntilCancelled()
    {
        var name = await RegisterModelAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();

        var serving = KeelCli.RunAsync(
            ["serve", $"models:/{name}/1", "--port", "0", "--grpc-port", "0", "--tracking-uri", TrackingUri],
            KeelCommandLine.Host(stdout, stderr), stop.Token);
        var url = await WaitForUrlAsync(stdout, serving);
        using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
        var ping = await http.GetAsync("ping", TestContext.Current.CancellationToken);
        var scored = await http.PostAsync("invocations",
            new StringContent("""{"inputs": {"X": [0.1, 0.9]}}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var metrics = await http.GetStringAsync("metrics", TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        var exitCode = await serving;

        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        Assert.Equal("1", scored.Headers.GetValues("X-Keel-Model-Version").Single());
        var predictions = JsonNode.Parse(await scored.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["predictions"]!.AsArray();
        Assert.Equal(2, predictions.Count);
        Assert.Contains("keel_serving_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
        Assert.Empty(stderr.Text);
        Assert.Contains($"Serving {name} version 1", stdout.Text, StringComparison.Ordinal);
        Assert.Matches(@"gRPC:\s+http://127\.0\.0\.1:\d+", stdout.Text);
        Assert.Contains($"{url}/metrics", stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_DeploymentFile_RoutesByWeightAndRecordsShadowComparisons()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = await RegisterModelAsync();
        using var scratch = new TempDirectory("keel-e2e-serve-deployment");
        var file = Path.Combine(scratch.Path, "deployment.yaml");
        var shadowLog = Path.Combine(scratch.Path, "shadow.jsonl");
        await File.WriteAllTextAsync(file, $"""
            name: churn-live
            routes:
            - name: champion
              model_uri: models:/{name}/1
              weight: 100
            - name: challenger
              model_uri: models:/{name}/1
              weight: 0
            shadows:
            - name: candidate
              model_uri: models:/{name}/1
            """, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();

        var serving = KeelCli.RunAsync(
            ["serve", "--deployment", file, "--shadow-log", shadowLog, "--port", "0", "--no-grpc", "--tracking-uri", TrackingUri],
            KeelCommandLine.Host(stdout, stderr), stop.Token);
        var url = await WaitForUrlAsync(stdout, serving);
        using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
        var routes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var scored = await http.PostAsync("invocations",
                new StringContent("""{"inputs": {"X": [0.1, 0.9]}}""", Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            routes.Add(scored.Headers.GetValues("X-Keel-Route").Single());
        }

        await WaitUntilAsync(() => File.Exists(shadowLog) && File.ReadAllLines(shadowLog).Length >= 20);
        await stop.CancelAsync();
        var exitCode = await serving;

        Assert.Equal(0, exitCode);
        Assert.All(routes, route => Assert.Equal("champion", route));
        Assert.Contains("Serving deployment churn-live (champion weight 100", stdout.Text, StringComparison.Ordinal);
        Assert.All(File.ReadAllLines(shadowLog), line => Assert.Contains("\"candidate\"", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_DeploymentName_FollowsUpdatesAndRollbacksOnTheServer()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = await RegisterModelAsync();
        var deployment = $"live-{Guid.NewGuid():N}";
        using var client = new KeelClient(fixture.Server.BaseAddress);
        DeploymentSpecDto Weights(double a, double b) => new()
        {
            Routes =
            [
                new DeploymentRouteDto { Name = "a", ModelUri = $"models:/{name}/1", Weight = a },
                new DeploymentRouteDto { Name = "b", ModelUri = $"models:/{name}/1", Weight = b },
            ],
        };
        await client.CreateDeploymentAsync(deployment, Weights(100, 0), ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stdout = new SynchronizedWriter();

        var serving = KeelCli.RunAsync(
            ["serve", "--deployment-name", deployment, "--reload-interval", "0.2", "--port", "0", "--no-grpc", "--tracking-uri", TrackingUri],
            KeelCommandLine.Host(stdout, new SynchronizedWriter()), stop.Token);
        var url = await WaitForUrlAsync(stdout, serving);
        using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
        async Task<string> RouteAsync()
        {
            using var scored = await http.PostAsync("invocations", new StringContent("""{"inputs": {"X": [0.5]}}""", Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            return scored.Headers.GetValues("X-Keel-Route").Single();
        }

        var before = await RouteAsync();
        await client.UpdateDeploymentAsync(deployment, Weights(0, 100), ct);
        var updated = await EventuallyAsync(RouteAsync, "b");
        await client.RollbackDeploymentAsync(deployment, ct: ct);
        var rolledBack = await EventuallyAsync(RouteAsync, "a");
        await stop.CancelAsync();

        Assert.Equal("a", before);
        Assert.Equal("b", updated);
        Assert.Equal("a", rolledBack);
        Assert.Equal(0, await serving);
    }

    private static async Task<string> EventuallyAsync(Func<Task<string>> read, string expected)
    {
        var value = await read();
        for (var attempt = 0; attempt < 150 && value != expected; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            value = await read();
        }

        return value;
    }

    [Fact]
    public async Task Serve_BothModelUriAndDeployment_IsAUsageError()
    {
        var result = await KeelCommandLine.RunAsync("serve", "models:/x/1", "--deployment", "d.yaml", "--tracking-uri", TrackingUri);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("either a model URI, --deployment <file.yaml> or --deployment-name <name>: exactly one", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 300 && !condition(); attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "the condition did not hold within 30 s");
    }

    private async Task<string> RegisterModelAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var name = $"serve-{Guid.NewGuid():N}";
        var ml = new MLContext(seed: 3);
        var rows = Enumerable.Range(0, 100).Select(i => new Row { X = i / 100f, Label = i >= 50 }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Concatenate("Features", nameof(Row.X))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())
            .Fit(data);
        using var client = new KeelClient(fixture.Server.BaseAddress);
        await using var run = await client.StartRunAsync(runName: "serve", ct: ct);
        await run.LogModelAsync(model, data.Schema, new LogModelOptions
        {
            RegisteredModelName = name,
            InputExample = new DataBatch([DataColumn.Of(nameof(Row.X), new[] { 0.2f, 0.8f })]),
        }, ct);
        return name;
    }

    private static async Task<string> WaitForUrlAsync(SynchronizedWriter stdout, Task<int> serving)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (ListeningUrl().Match(stdout.Text) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }

            Assert.False(serving.IsCompleted, $"keel serve exited early with {(serving.IsCompleted ? serving.Result : 0)}: {stdout.Text}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"keel serve printed no URL within 60 s: {stdout.Text}");
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningUrl();

    private sealed class Row
    {
        public float X { get; set; }

        public bool Label { get; set; }
    }
}
