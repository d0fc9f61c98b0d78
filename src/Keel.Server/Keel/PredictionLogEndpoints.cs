using System.Globalization;
using System.Text.Json;
using Keel.Contracts.KeelApi;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Monitoring.PredictionLogs;
using Keel.Monitoring.PredictionLogs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Keel.Server.KeelApi;

/// <summary>
/// A deployment's prediction logs and ground truth, in the artifact store (see <see cref="PredictionLogStore"/>):
/// PUT <c>deployments/{name}/prediction-logs/{segment}</c> (a Parquet segment from a serving host), POST
/// <c>deployments/{name}/labels</c> and GET <c>deployments/{name}/predictions</c>. The deployment need not exist in
/// the deployment store: a host serving one model logs under the model's name. Bad input is a 400 naming the field.
/// </summary>
public static class PredictionLogEndpoints
{
    private const string ByName = KeelRoutes.Deployments + "/{name}/";
    private const int DefaultMaxResults = 100;
    private const int MaxResults = 10_000;

    public static IEndpointRouteBuilder MapPredictionLogEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPut(ByName + PredictionLogRoutes.Segments + "/{segment}", PutSegmentAsync);
        group.MapPost(ByName + PredictionLogRoutes.Labels, LogLabelsAsync);
        group.MapGet(ByName + PredictionLogRoutes.Predictions, ListAsync);
        return group;
    }

    private static async Task<IResult> PutSegmentAsync(string name, string segment, HttpContext http, IArtifactStore store)
    {
        // A declared size over the limit is refused before a byte is read; an undeclared one is cut off while reading.
        if (http.Request.ContentLength > PredictionLogStore.MaxSegmentBytes)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value for parameter 'body': a segment is at most {PredictionLogStore.MaxSegmentBytes} bytes (got {http.Request.ContentLength})."));
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = PredictionLogStore.MaxSegmentBytes + 1;
        }
        await new PredictionLogStore(store).WriteSegmentAsync(name, segment, http.Request.Body, http.RequestAborted);
        return Results.Text("{}", "application/json");
    }

    private static async Task<IResult> LogLabelsAsync(string name, HttpContext http, IArtifactStore store, TimeProvider time)
    {
        var request = await DatasetRequestBody.ReadAsync(http, PredictionLogJsonContext.Default.LogLabelsRequest, new LogLabelsRequest());
        var given = request.Labels ?? throw KeelException.InvalidParameter("Missing value for required parameter 'labels'.");
        var received = time.GetUtcNow();
        var labels = new GroundTruth[given.Count];
        for (var i = 0; i < given.Count; i++)
        {
            labels[i] = ToGroundTruth(given[i], i, received);
        }
        await new PredictionLogStore(store).AppendLabelsAsync(name, labels, http.RequestAborted);
        return Results.Json(new LogLabelsResponse { Accepted = labels.Length }, PredictionLogJsonContext.Default.LogLabelsResponse);
    }

    private static async Task ListAsync(string name, HttpContext http, IArtifactStore store, TimeProvider time)
    {
        var until = Time(http, "until") ?? time.GetUtcNow();
        var since = Time(http, "since") ?? until.AddDays(-1);
        var max = DatasetRequestBody.QueryNumber(http, "max_results") ?? DefaultMaxResults;
        if (max is < 1 or > MaxResults)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value '{max}' for parameter 'max_results': expected 1 to {MaxResults}."));
        }

        var window = await new PredictionLogStore(store).ReadWindowAsync(name, since, until, http.RequestAborted);
        // Clients may reuse a request id, so two records can share a key; both get the same label.
        var labels = new Dictionary<(string, int), GroundTruth>();
        foreach (var (record, label) in window.Labelled())
        {
            labels[(record.RequestId, record.Row)] = label;
        }
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteStartArray("predictions");
        for (var i = window.Records.Count - 1; i >= Math.Max(0, window.Records.Count - (int)max); i--)
        {
            var record = window.Records[i];
            WriteRecord(json, record, record.Shadow ? null : labels.GetValueOrDefault((record.RequestId, record.Row)));
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    private static GroundTruth ToGroundTruth(LabelDto? label, int index, DateTimeOffset received)
    {
        var field = string.Create(CultureInfo.InvariantCulture, $"labels[{index}]");
        if (label is null)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        if (label.RequestId is null)
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}.request_id'.");
        }
        var row = label.Row ?? 0;
        if (row is < 0 or > int.MaxValue)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value '{row}' for parameter '{field}.row': rows are whole numbers from 0 to {int.MaxValue}."));
        }
        object value = label.Label is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
            ? throw KeelException.InvalidParameter($"Missing value for required parameter '{field}.label'.")
            : element.ValueKind switch
            {
                JsonValueKind.String => element.GetString()!,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => element.TryGetInt64(out var whole) ? (object)whole : element.GetDouble(),
                _ => throw KeelException.InvalidParameter($"Invalid value for parameter '{field}.label': a label is a number, a string or a bool."),
            };
        return new GroundTruth(label.RequestId, (int)row, value, received);
    }

    // ISO 8601 (a time without offset is UTC) or milliseconds since the Unix epoch.
    private static DateTimeOffset? Time(HttpContext http, string parameter)
    {
        var text = DatasetRequestBody.Query(http, parameter);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms) && ms is >= -62135596800000 and <= 253402300799999)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw KeelException.InvalidParameter(
                $"Invalid value '{text}' for parameter '{parameter}': expected an ISO 8601 time (e.g. 2025-01-02T03:04:05Z) or milliseconds since the Unix epoch.");
    }

    private static void WriteRecord(Utf8JsonWriter json, PredictionRecord record, GroundTruth? label)
    {
        json.WriteStartObject();
        json.WriteString("request_id", record.RequestId);
        json.WriteNumber("row", record.Row);
        json.WriteNumber("timestamp", record.Timestamp.ToUnixTimeMilliseconds());
        json.WriteString("deployment", record.Deployment);
        json.WriteString("model", record.Model);
        json.WriteString("version", record.Version);
        json.WriteString("route", record.Route);
        json.WriteBoolean("shadow", record.Shadow);
        json.WritePropertyName("latency_ms");
        WriteValue(json, record.LatencyMs);
        json.WriteNumber("status", record.Status);
        WriteCells(json, "inputs", record.Inputs);
        WriteCells(json, "outputs", record.Outputs);
        json.WritePropertyName("label");
        WriteValue(json, label?.Label);
        json.WriteEndObject();
    }

    private static void WriteCells(Utf8JsonWriter json, string property, IReadOnlyDictionary<string, object?> cells)
    {
        json.WriteStartObject(property);
        foreach (var (key, value) in cells)
        {
            json.WritePropertyName(key);
            WriteValue(json, value);
        }
        json.WriteEndObject();
    }

    // JSON has no NaN or infinity; they are written as strings, as Keel's API writes metric values.
    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case int n:
                json.WriteNumberValue(n);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case double d:
                json.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
