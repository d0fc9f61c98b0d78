using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.ScaleOut;

/// <summary>The MLflow calls the scale-out tests repeat: a log-batch of distinct steps, and a full metric history.</summary>
internal static class ScaleOutHttp
{
    public static string KeelDll => Path.Combine(AppContext.BaseDirectory, "keel.dll");

    /// <summary>
    /// The log-batch body of batch <paramref name="batch"/>: keys k0…, steps batch*steps … batch*steps+steps-1, and a
    /// timestamp and values that depend only on the batch, so a resend is byte-for-byte the same request.
    /// </summary>
    public static string LogBatchBody(string runId, int batch, int keys, int steps)
    {
        var metrics = new List<object>(keys * steps);
        for (var s = 0; s < steps; s++)
        {
            for (var k = 0; k < keys; k++)
            {
                metrics.Add(new { key = $"k{k}", value = batch + (s * 0.5), timestamp = 1_700_000_000_000L + batch, step = (batch * steps) + s });
            }
        }
        return JsonSerializer.Serialize(new { run_id = runId, metrics });
    }

    public static async Task<HttpResponseMessage> PostLogBatchAsync(HttpClient client, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await client.PostAsync(MlflowHttp.Api + "runs/log-batch", content, ct);
    }

    /// <summary>Every stored step of one metric, following next_page_token, duplicates kept.</summary>
    public static async Task<List<long>> HistoryStepsAsync(HttpClient client, string runId, string key)
    {
        var steps = new List<long>();
        string? token = null;
        do
        {
            var query = $"metrics/get-history?run_id={runId}&metric_key={key}&max_results=5000" +
                (token is null ? "" : $"&page_token={WebUtility.UrlEncode(token)}");
            var page = await client.GetOkAsync(query);
            steps.AddRange(page["metrics"]?.AsArray().Select(m => (long)m!["step"]!) ?? []);
            token = (string?)page["next_page_token"];
        }
        while (!string.IsNullOrEmpty(token));
        return steps;
    }
}
