using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Contracts.KeelApi;
using Keel.Core.Models;
using Keel.Core.Models.Json;

namespace Keel.Cli.Quickstart;

/// <summary>What the quickstart sent to the served champion, for the monitor: two batches and the ground truth of the first.</summary>
/// <param name="NormalRows">Held-out rows sent as they are (the training distribution).</param>
/// <param name="DriftedRows">The same rows shifted, as a changed world would send them.</param>
/// <param name="NormalEnded">When the last normal request was answered; a monitor run at this time sees only normal traffic.</param>
/// <param name="Labels">The true diagnosis of every normal row, by request id and row.</param>
internal sealed record QuickstartTrafficSent(int NormalRows, int DriftedRows, DateTimeOffset NormalEnded, IReadOnlyList<LabelDto> Labels);

/// <summary>
/// Production-like traffic for the quickstart's monitor: the held-out test rows as they are, then the same rows with
/// every feature scaled up, in small requests with their own request ids (so labels can be sent for them later).
/// </summary>
internal static class QuickstartTraffic
{
    private const int RowsPerRequest = 8;

    // Larger cells, as if a measuring device had been recalibrated: every feature moves well out of its training range.
    internal const float DriftFactor = 1.6f;

    public static async Task<QuickstartTrafficSent> SendAsync(HttpClient http, BreastCancerTrainer trainer, TimeProvider time, CancellationToken ct)
    {
        var (features, malignant) = trainer.TestExample(trainer.TestRows);
        var labels = new List<LabelDto>();
        await SendBatchesAsync(http, features, "quickstart-normal", labels, malignant, ct);
        var normalEnded = time.GetUtcNow();
        var drifted = new DataBatch([.. features.Columns.Select(c => DataColumn.Of(c.Name, c.As<float>().Select(v => v * DriftFactor).ToArray()))]);
        await SendBatchesAsync(http, drifted, "quickstart-drifted", labels: null, malignant, ct);
        return new QuickstartTrafficSent(features.RowCount, drifted.RowCount, normalEnded, labels);
    }

    private static async Task SendBatchesAsync(
        HttpClient http, DataBatch rows, string idPrefix, List<LabelDto>? labels, bool[] malignant, CancellationToken ct)
    {
        for (var start = 0; start < rows.RowCount; start += RowsPerRequest)
        {
            var count = Math.Min(RowsPerRequest, rows.RowCount - start);
            var slice = new DataBatch([.. rows.Columns.Select(c => DataColumn.Of(c.Name, c.As<float>().Skip(start).Take(count).ToArray()))]);
            var requestId = string.Create(CultureInfo.InvariantCulture, $"{idPrefix}-{start / RowsPerRequest}");
            var body = new JsonObject { ["dataframe_split"] = JsonNode.Parse(DataFrameSplitJson.Write(slice)) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "invocations")
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Add("X-Request-Id", requestId);
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"the served model answered {(int)response.StatusCode} to the quickstart's traffic: {await response.Content.ReadAsStringAsync(ct)}");
            }

            for (var row = 0; labels is not null && row < count; row++)
            {
                labels.Add(new LabelDto { RequestId = requestId, Row = row, Label = JsonSerializer.SerializeToElement(malignant[start + row]) });
            }
        }
    }
}
