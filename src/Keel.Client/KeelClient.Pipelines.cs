using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Contracts.KeelApi;

namespace Keel.Client;

// The pipeline control plane of a Keel tracking server (/api/keel/v1/pipelines and /pipeline-runs): registered
// pipelines, their workspace snapshots, triggers and run history with stage logs. Manual triggers record the user sent
// in the X-Keel-User header [default: the OS user name]. An MLflow server answers these with ENDPOINT_NOT_FOUND.
public sealed partial class KeelClient
{
    private const string PipelineUserHeader = "X-Keel-User";

    /// <summary>Registers (or replaces) the pipeline a <c>keel.yaml</c> names; the server validates it first.</summary>
    /// <param name="pipelineYaml">The <c>keel.yaml</c> text.</param>
    /// <param name="paramsYaml">The <c>params.yaml</c> text [default: none].</param>
    /// <param name="workspace">A path returned by <see cref="UploadPipelineWorkspaceAsync"/> [default: keep the one registered before].</param>
    /// <param name="defaultName">The name when the file has no <c>name:</c> (e.g. the folder's name) [default: "pipeline"].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> naming file, line, stage and key of a bad pipeline file.</exception>
    public Task<PipelineDto> RegisterPipelineAsync(string pipelineYaml, string? paramsYaml = null, string? workspace = null, string? defaultName = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineYaml);
        var request = new RegisterPipelineRequest { PipelineYaml = pipelineYaml, ParamsYaml = paramsYaml, Workspace = workspace, DefaultName = defaultName };
        return SendKeelAsync(HttpMethod.Post, PipelineRoutes.Pipelines, request, PipelineJsonContext.Default.RegisterPipelineRequest,
            PipelineJsonContext.Default.PipelineDto, ct);
    }

    /// <summary>
    /// Uploads a pipeline folder snapshot (a tar.gz file) that workers unpack to run its stages; returns the path to pass to
    /// <see cref="RegisterPipelineAsync"/>. The pipeline need not be registered yet.
    /// </summary>
    /// <param name="name">The pipeline's name.</param>
    /// <param name="tarGzPath">The tar.gz file (at most the server's limit, 256 MiB by default).</param>
    /// <param name="ct">Cancels the upload.</param>
    /// <exception cref="KeelApiException"><c>INVALID_PARAMETER_VALUE</c> when it is too large or not gzip.</exception>
    public async Task<UploadWorkspaceResponse> UploadPipelineWorkspaceAsync(string name, string tarGzPath, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(tarGzPath);
        var uri = KeelUri(PipelineRoute(name) + "/workspace");
        using var response = await _transport.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, uri)
            {
                Content = new StreamContent(File.OpenRead(tarGzPath)) { Headers = { ContentType = new(PipelineRoutes.WorkspaceMediaType) } },
            },
            HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(PipelineJsonContext.Default.UploadWorkspaceResponse, ct).ConfigureAwait(false)
            ?? throw new JsonException($"The tracking server answered {uri} with an empty body.");
    }

    /// <summary>Every registered pipeline, by name.</summary>
    /// <param name="ct">Cancels the call.</param>
    public Task<ListPipelinesResponse> ListPipelinesAsync(CancellationToken ct = default) =>
        GetKeelAsync(PipelineRoutes.Pipelines, PipelineJsonContext.Default.ListPipelinesResponse, ct);

    /// <summary>A registered pipeline with its stages in run order.</summary>
    /// <param name="name">The pipeline.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown pipeline.</exception>
    public Task<PipelineDto> GetPipelineAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return GetKeelAsync(PipelineRoute(name), PipelineJsonContext.Default.PipelineDto, ct);
    }

    /// <summary>Deletes a pipeline with its runs and workspace snapshots.</summary>
    /// <param name="name">The pipeline.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown pipeline.</exception>
    public Task DeletePipelineAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return DeleteKeelAsync(PipelineRoute(name), ct);
    }

    /// <summary>Starts a run of the pipeline; returns it with its ready stages queued.</summary>
    /// <param name="name">The pipeline.</param>
    /// <param name="parameters">Param overrides (dotted key → value) over <c>params.yaml</c> [default: none].</param>
    /// <param name="user">Who triggers it [default: the OS user name].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException">
    /// <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown pipeline; <c>INVALID_PARAMETER_VALUE</c> for bad params; <c>INVALID_STATE</c>
    /// when the server has no pipeline executor.
    /// </exception>
    public async Task<PipelineRunDto> TriggerPipelineAsync(string name, IReadOnlyDictionary<string, string>? parameters = null, string? user = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var uri = KeelUri(PipelineRoute(name) + "/trigger");
        var body = new TriggerPipelineRequest { Params = parameters?.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal) };
        var json = JsonSerializer.SerializeToUtf8Bytes(body, PipelineJsonContext.Default.TriggerPipelineRequest);
        var who = string.IsNullOrWhiteSpace(user) ? Environment.UserName : user;
        using var response = await _transport.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(json) { Headers = { ContentType = new("application/json") } } };
            request.Headers.TryAddWithoutValidation(PipelineUserHeader, who);
            return request;
        }, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync(PipelineJsonContext.Default.PipelineRunDto, ct).ConfigureAwait(false)
            ?? throw new JsonException($"The tracking server answered {uri} with an empty body.");
    }

    /// <summary>Runs of a pipeline (of every pipeline when <paramref name="name"/> is null), newest first.</summary>
    /// <param name="name">The pipeline [default: all].</param>
    /// <param name="maxResults">At most this many, 1 to 1000 [default: 50].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown pipeline.</exception>
    public Task<ListPipelineRunsResponse> ListPipelineRunsAsync(string? name = null, int? maxResults = null, CancellationToken ct = default)
    {
        var route = name is null ? PipelineRoutes.PipelineRuns : PipelineRoute(name) + "/runs";
        return GetKeelAsync(route + Internal.MlflowTransport.Query([new("max_results", maxResults?.ToString(CultureInfo.InvariantCulture))]),
            PipelineJsonContext.Default.ListPipelineRunsResponse, ct);
    }

    /// <summary>One pipeline run with its stages and their attempts.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> for an unknown run.</exception>
    public Task<PipelineRunDto> GetPipelineRunAsync(string runId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return GetKeelAsync(PipelineRoutes.PipelineRuns + "/" + Uri.EscapeDataString(runId), PipelineJsonContext.Default.PipelineRunDto, ct);
    }

    /// <summary>The log of a stage attempt as text.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="stage">The stage's name.</param>
    /// <param name="attempt">The attempt, from 1 [default: the latest].</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="KeelApiException"><c>RESOURCE_DOES_NOT_EXIST</c> naming the unknown run, stage or attempt, or a log not stored yet.</exception>
    public async Task<string> GetPipelineStageLogAsync(string runId, string stage, int? attempt = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        var uri = KeelUri(PipelineRoutes.PipelineRuns + "/" + Uri.EscapeDataString(runId) + "/stages/" + Uri.EscapeDataString(stage) + "/logs"
            + Internal.MlflowTransport.Query([new("attempt", attempt?.ToString(CultureInfo.InvariantCulture))]));
        using var response = await _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseContentRead, ct)
            .ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    private static string PipelineRoute(string name) => PipelineRoutes.Pipelines + "/" + Uri.EscapeDataString(name);
}
