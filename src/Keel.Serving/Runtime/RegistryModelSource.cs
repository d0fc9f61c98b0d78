using System.Globalization;
using Keel.Client;
using Keel.Client.Models;
using Keel.Models.Packages;

namespace Keel.Serving.Runtime;

/// <summary>
/// Resolves a model URI on a Keel tracking server (<c>models:/name@alias</c>, <c>models:/name/3</c>,
/// <c>models:/name/latest</c>, <c>runs:/…</c>, <c>mlflow-artifacts:/…</c>) and downloads the version it names.
/// A registered version is named by its model and version number; a <c>runs:/</c> or <c>mlflow-artifacts:/</c>
/// URI by its last path segment ("model" when there is none) and its run id ("1" when the server knows none).
/// </summary>
public sealed class RegistryModelSource : IModelSource
{
    private readonly KeelClient _client;

    /// <param name="client">The SDK client of the tracking server; not disposed by this source.</param>
    /// <param name="modelUri">The URI to follow.</param>
    public RegistryModelSource(KeelClient client, string modelUri)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelUri);
        _client = client;
        ModelUri = modelUri;
    }

    /// <summary>The URI this source follows.</summary>
    public string ModelUri { get; }

    /// <exception cref="KeelApiException">RESOURCE_DOES_NOT_EXIST for an unknown model, version, alias or run.</exception>
    public async Task<ModelVersionRef> ResolveAsync(CancellationToken ct = default)
    {
        var resolved = await _client.ResolveModelUriAsync(ModelUri, ct).ConfigureAwait(false);
        var name = resolved.ModelName ?? NameFromPath(ModelUri);
        var version = resolved.Version?.ToString(CultureInfo.InvariantCulture) ?? resolved.RunId ?? "1";
        return new ModelVersionRef(name, version, resolved.ArtifactUri, resolved.RunId);
    }

    /// <remarks>Loads from the resolved artifact location, so the files are those of <paramref name="version"/> even if the alias has moved since.</remarks>
    /// <exception cref="Core.Common.KeelException">INVALID_STATE when the package's only flavors are code (pickle, python_function).</exception>
    public Task<LoadedModel> LoadAsync(ModelVersionRef version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        return _client.LoadModelAsync(version.ArtifactUri, ct);
    }

    // runs:/<run_id>/<path> names the model after the path's last segment; the run id alone is not a name.
    internal static string NameFromPath(string uri)
    {
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon < 0 ? "" : uri[..colon];
        var segments = uri[(colon + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var skip = string.Equals(scheme, "runs", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        return segments.Length > skip ? segments[^1] : "model";
    }
}
