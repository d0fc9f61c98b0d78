using System.Net;
using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using Keel.Testing;

namespace Keel.Web.Tests;

/// <summary>
/// A real Keel server (Kestrel on 127.0.0.1, SQLite and local artifacts in a temporary folder) with the web UI, for
/// one test class, and the Core services over its stores for seeding. Tests create experiments with unique names.
/// </summary>
public sealed class UiServerFixture : IAsyncLifetime
{
    private KeelTestServer? _server;

    public KeelTestServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>The tracking rules over the server's own store (what the API and the UI use).</summary>
    public TrackingService Tracking { get; private set; } = null!;

    public ArtifactService Artifacts { get; private set; } = null!;

    /// <summary>A client that does not follow redirects and asks for HTML, as a browser would.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await KeelTestServer.StartAsync();
        Tracking = new TrackingService(Server.Stores.Tracking, TimeProvider.System);
        Artifacts = new ArtifactService(Server.Stores.Tracking, Server.Stores.Artifacts);
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };
        Http.DefaultRequestHeaders.Accept.ParseAdd("text/html");
    }

    public string Url(string relative) => new Uri(BaseAddress, relative).ToString();

    public Task<string> CreateExperimentAsync(string prefix) =>
        Tracking.CreateExperimentAsync($"{prefix}-{Guid.NewGuid():N}", null, null);

    /// <summary>A finished run with the given params and metrics (each metric one point at step 0).</summary>
    public async Task<Run> CreateRunAsync(
        string experimentId, string name, IReadOnlyDictionary<string, string>? parameters = null,
        IReadOnlyDictionary<string, double>? metrics = null, IReadOnlyList<Tag>? tags = null, long? startTime = null)
    {
        var run = await Tracking.CreateRunAsync(experimentId, "tester", name, startTime, tags);
        await Tracking.LogBatchAsync(run.Info.RunId,
            [.. (metrics ?? new Dictionary<string, double>()).Select(m => new Metric(m.Key, m.Value, run.Info.StartTime, 0))],
            [.. (parameters ?? new Dictionary<string, string>()).Select(p => new Param(p.Key, p.Value))],
            []);
        await Tracking.UpdateRunAsync(run.Info.RunId, "FINISHED", run.Info.StartTime + 1500, null);
        return await Tracking.GetRunAsync(run.Info.RunId);
    }

    public async Task PutArtifactAsync(Run run, string path, string content)
    {
        var target = ArtifactService.ResolveProxyUri(run.Info.ArtifactUri).Append(ArtifactPath.Parse(path, "path"));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        await Artifacts.PutAsync(target, stream);
    }

    public async Task PutArtifactAsync(Run run, string path, byte[] content)
    {
        var target = ArtifactService.ResolveProxyUri(run.Info.ArtifactUri).Append(ArtifactPath.Parse(path, "path"));
        using var stream = new MemoryStream(content);
        await Artifacts.PutAsync(target, stream);
    }

    /// <summary>GETs a UI page as a browser would (Accept: text/html), without following redirects.</summary>
    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetPageAsync(string relative)
    {
        var response = await Http.GetAsync(relative, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, body, response);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
