using System.Globalization;
using System.Net.Http.Headers;
using Keel.Contracts.KeelApi;

namespace Keel.Client;

// A deployment's prediction logs and ground truth on a Keel tracking server: serving hosts upload Parquet segments,
// applications send labels by the request ids the serving host returned in X-Request-Id.
public sealed partial class KeelClient
{
    private static readonly MediaTypeHeaderValue ParquetMediaType = new(PredictionLogRoutes.ParquetContentType);

    /// <summary>
    /// Uploads one prediction-log segment (what <c>keel serve</c> does as it logs). Uploading a segment of the same
    /// name again replaces it, so a retried upload is harmless. Retried on transient failures.
    /// </summary>
    /// <param name="deployment">The deployment, or the served model's name (it need not exist as a deployment).</param>
    /// <param name="segmentName">The segment's name, <c>&lt;first&gt;-&lt;last&gt;-&lt;suffix&gt;</c> (see the server's rules).</param>
    /// <param name="parquet">The segment: a Parquet file of the prediction-log layout, at most 64 MiB.</param>
    /// <param name="ct">Cancels the upload.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming the rule the name or the body breaks.</exception>
    public async Task UploadPredictionLogSegmentAsync(string deployment, string segmentName, ReadOnlyMemory<byte> parquet, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        ArgumentException.ThrowIfNullOrWhiteSpace(segmentName);
        var uri = KeelUri(PredictionLogRoute(deployment, PredictionLogRoutes.Segments) + "/" + Uri.EscapeDataString(segmentName));
        using var response = await _transport.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, uri)
            {
                Content = new ReadOnlyMemoryContent(parquet) { Headers = { ContentType = ParquetMediaType, ContentLength = parquet.Length } },
            },
            HttpCompletionOption.ResponseContentRead,
            ct).ConfigureAwait(false);
    }

    /// <summary>Sends ground truth for logged predictions; a later label for the same request id and row replaces an earlier one.</summary>
    /// <param name="deployment">The deployment (or served model) the predictions were logged under.</param>
    /// <param name="labels">1 to 10,000 labels: request id, row (0 when null) and a number, string or bool.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>How many labels were stored.</returns>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming the field (<c>labels[2].request_id</c>) and the rule.</exception>
    public async Task<int> LogLabelsAsync(string deployment, IReadOnlyList<LabelDto> labels, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        ArgumentNullException.ThrowIfNull(labels);
        var response = await SendKeelAsync(HttpMethod.Post, PredictionLogRoute(deployment, PredictionLogRoutes.Labels), new LogLabelsRequest { Labels = labels },
            PredictionLogJsonContext.Default.LogLabelsRequest, PredictionLogJsonContext.Default.LogLabelsResponse, ct).ConfigureAwait(false);
        return response.Accepted;
    }

    /// <summary>The most recent logged predictions of a deployment in [<paramref name="since"/>, <paramref name="until"/>), newest first, with their labels.</summary>
    /// <param name="deployment">The deployment (or served model).</param>
    /// <param name="since">Start of the window; the server's default is one day before <paramref name="until"/>.</param>
    /// <param name="until">End of the window (exclusive); the server's default is now.</param>
    /// <param name="maxResults">Most rows returned (1 to 10,000; the server's default 100).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<PredictionRecordDto>> ListPredictionsAsync(
        string deployment, DateTimeOffset? since = null, DateTimeOffset? until = null, int? maxResults = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        var query = Internal.MlflowTransport.Query(
        [
            new("since", since?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
            new("until", until?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
            new("max_results", maxResults?.ToString(CultureInfo.InvariantCulture)),
        ]);
        var response = await GetKeelAsync(PredictionLogRoute(deployment, PredictionLogRoutes.Predictions) + query,
            PredictionLogJsonContext.Default.ListPredictionsResponse, ct).ConfigureAwait(false);
        return response.Predictions;
    }

    private static string PredictionLogRoute(string deployment, string what) => DeploymentRoute(deployment) + "/" + what;
}
