using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Keel.Client;
using Keel.Core.Models;
using Keel.Core.Models.Json;
using Keel.Core.Serving;
using Keel.Serving;
using Keel.Serving.Metrics;
using Keel.Serving.Monitoring;
using Keel.Serving.Runtime;
using Microsoft.AspNetCore.Builder;

namespace Keel.Cli.Quickstart;

/// <summary>One call to the served champion: the protocol, where it went, and what came back.</summary>
internal sealed record ServedAnswer(string Protocol, string Url, string AnsweredBy, string AnsweredVersion, string Body);

/// <summary>
/// Serves the champion (see <see cref="ServedChampion"/>) and calls it through MLflow's scoring protocol and the Open
/// Inference Protocol, as an application would; then sends the traffic the quickstart's monitor watches.
/// </summary>
internal static class QuickstartServing
{
    private const int Rows = 3;

    // Hot reload polls the alias this often: a promotion shows within about a second.
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(1);

    public static async Task<ServedChampion> ServeAndCallAsync(
        KeelClient client, Champion champion, BreastCancerTrainer trainer, TimeProvider time, CancellationToken ct)
    {
        var options = new ServingOptions { ModelUri = champion.ModelUri, Host = "127.0.0.1", Port = 0, GrpcPort = null, ReloadInterval = ReloadInterval };
        var metrics = new ServingMetrics();
        var model = await ModelHost.StartAsync(new RegistryModelSource(client, options.ModelUri), options, time, null, metrics, ct);
        var predictionLog = new PredictionLogger(options, new TrackingServerPredictionLogSink(client), metrics, champion.ModelName, time);
        var app = KeelServingHost.Create(options, model, metrics, services => services.AddPredictionLogger(predictionLog));
        var (features, _) = trainer.TestExample(Rows);
        var invocations = new JsonObject { ["dataframe_split"] = JsonNode.Parse(DataFrameSplitJson.Write(features)) };
        var http = new HttpClient();
        var served = new ServedChampion(model, predictionLog, app, http, invocations);
        try
        {
            await app.StartAsync(ct);
            http.BaseAddress = app.Addresses().Rest;
            var infer = new JsonObject { ["id"] = "quickstart", ["inputs"] = new JsonArray([.. features.Columns.Select(Tensor)]) };
            served.Answers =
            [
                await CallAsync(http, "MLflow /invocations", "invocations", invocations, ct),
                await CallAsync(http, "Open Inference Protocol v2", $"v2/models/{Uri.EscapeDataString(champion.ModelName)}/infer", infer, ct),
            ];
            served.Traffic = await QuickstartTraffic.SendAsync(http, trainer, time, ct);
            return served;
        }
        catch
        {
            await served.DisposeAsync();
            throw;
        }
    }

    private static JsonNode Tensor(DataColumn column) => new JsonObject
    {
        ["name"] = column.Name,
        ["shape"] = new JsonArray(column.RowCount),
        ["datatype"] = OipDataTypes.Of(column.Type),
        ["data"] = new JsonArray([.. column.As<float>().Select(v => (JsonNode)v)]),
    };

    public static async Task<ServedAnswer> CallAsync(HttpClient http, string protocol, string path, JsonObject body, CancellationToken ct)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await http.PostAsync(path, content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"the served model answered {(int)response.StatusCode} to {path}: {text}");
        }

        var version = Header(response, "X-Keel-Model-Version");
        var answeredBy = string.Create(CultureInfo.InvariantCulture, $"{Header(response, "X-Keel-Model")} version {version}");
        return new ServedAnswer(protocol, new Uri(http.BaseAddress!, path).ToString(), answeredBy, version, text);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "?";
}
