using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Keel.Cli;
using Keel.Client;
using Keel.Client.Models;
using Keel.Core.Models;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;
using Microsoft.ML;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel serve</c>'s prediction logging: the flags' limits, and a served request reaching the tracking server's log.</summary>
public sealed partial class ServePredictionLogTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private string TrackingUri => fixture.Server.BaseAddress.ToString();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("--log-predictions", "1.5")]
    [InlineData("--log-predictions", "-0.1")]
    [InlineData("--log-flush-rows", "0")]
    [InlineData("--log-flush-seconds", "0")]
    [InlineData("--log-flush-seconds", "3601")]
    [InlineData("--log-buffer-rows", "0")]
    public async Task Serve_OutOfRangeLogOption_ExitsTwoNamingIt(string option, string value)
    {
        var result = await KeelCommandLine.RunAsync("serve", "models:/m/1", option, value, "--tracking-uri", TrackingUri);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_LogsEachRequestToTheTrackingServerUnderTheModelName()
    {
        var name = await RegisterModelAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();
        var serving = KeelCli.RunAsync(
            ["serve", $"models:/{name}/1", "--port", "0", "--no-grpc", "--log-flush-seconds", "0.2", "--tracking-uri", TrackingUri],
            KeelCommandLine.Host(stdout, stderr), stop.Token);
        var url = await WaitForUrlAsync(stdout, serving);
        using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "invocations")
        {
            Content = new StringContent("""{"inputs": {"X": [0.1, 0.9]}}""", Encoding.UTF8, "application/json"),
            Headers = { { "X-Request-Id", "e2e-request" } },
        };
        using var scored = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
        Assert.Equal("e2e-request", scored.Headers.GetValues("X-Request-Id").Single());

        // Shipped within the flush interval, while the host keeps serving.
        using var client = new KeelClient(fixture.Server.BaseAddress);
        IReadOnlyList<Keel.Contracts.KeelApi.PredictionRecordDto> logged = [];
        for (var attempt = 0; attempt < 300 && logged.Count < 2; attempt++)
        {
            logged = await client.ListPredictionsAsync(name, ct: Ct);
            await Task.Delay(100, Ct);
        }
        await stop.CancelAsync();
        Assert.Equal(0, await serving);

        Assert.Equal(2, logged.Count);
        Assert.All(logged, r => Assert.Equal(("e2e-request", name, "1", "default", 200), (r.RequestId, r.Model, r.Version, r.Route, r.Status)));
        Assert.Equal([0.1, 0.9], logged.OrderBy(r => r.Row).Select(r => Math.Round(r.Inputs["X"].GetDouble(), 6)));
        Assert.Empty(stderr.Text);
    }

    private async Task<string> RegisterModelAsync()
    {
        var name = $"logged-{Guid.NewGuid():N}";
        var ml = new MLContext(seed: 3);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 100).Select(i => new Row { X = i / 100f, Label = i >= 50 }).ToList());
        var model = ml.Transforms.Concatenate("Features", nameof(Row.X)).Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(data);
        using var client = new KeelClient(fixture.Server.BaseAddress);
        await using var run = await client.StartRunAsync(runName: "serve-logging", ct: Ct);
        await run.LogModelAsync(model, data.Schema, new LogModelOptions
        {
            RegisteredModelName = name,
            InputExample = new DataBatch([DataColumn.Of(nameof(Row.X), new[] { 0.2f, 0.8f })]),
        }, Ct);
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

            Assert.False(serving.IsCompleted, $"keel serve exited early: {stdout.Text}");
            await Task.Delay(100, Ct);
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
