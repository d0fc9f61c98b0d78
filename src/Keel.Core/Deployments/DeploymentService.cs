using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// The rules of deployments kept by the tracking server: every change is a new revision, so a rollback is a new
/// revision too and history is never rewritten. Hosts call this, never the store directly.
/// </summary>
/// <param name="store">Where deployments and their revisions are kept.</param>
/// <param name="time">The clock of revision timestamps.</param>
/// <param name="resolver">
/// When given, every route's and shadow's model URI must resolve (model, version, alias or run exists) on create,
/// update and rollback, so a typo is refused with RESOURCE_DOES_NOT_EXIST naming the route; null skips the check.
/// </param>
public sealed class DeploymentService(IDeploymentStore store, TimeProvider time, ModelUriResolver? resolver = null)
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<Deployment> CreateAsync(DeploymentSpec spec, CancellationToken ct = default)
    {
        DeploymentRules.Validate(spec);
        await ResolveModelsAsync(spec, ct);
        return await store.CreateAsync(spec, Now, ct);
    }

    /// <summary>Replaces the spec of <paramref name="name"/> with <paramref name="spec"/> as a new revision.</summary>
    public async Task<Deployment> UpdateAsync(string? name, DeploymentSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        DeploymentRules.Name(name);
        if (!string.Equals(name, spec.Name, StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{spec.Name}' for parameter 'name': it must match the deployment being updated ('{name}'); deployments cannot be renamed.");
        }
        DeploymentRules.Validate(spec);
        var current = await GetAsync(name, ct);
        await ResolveModelsAsync(spec, ct);
        return await store.AddRevisionAsync(spec, Now, current.Revision, ct);
    }

    public async Task<Deployment> GetAsync(string? name, CancellationToken ct = default)
    {
        DeploymentRules.Name(name);
        return await store.GetAsync(name!, ct) ?? throw NotFound(name!);
    }

    /// <summary>Every deployment at its current revision, by name.</summary>
    public Task<IReadOnlyList<Deployment>> ListAsync(CancellationToken ct = default) => store.ListAsync(ct);

    /// <summary>Every revision of a deployment, newest first.</summary>
    public async Task<IReadOnlyList<Deployment>> GetHistoryAsync(string? name, CancellationToken ct = default)
    {
        var current = await GetAsync(name, ct);
        var history = await store.GetHistoryAsync(current.Name, ct);
        return history.Count > 0 ? history : throw NotFound(current.Name);
    }

    /// <summary>
    /// Makes a new revision whose spec is that of <paramref name="toRevision"/>, or of the revision before the current
    /// one when null. Without an earlier revision it throws INVALID_STATE; an unknown revision RESOURCE_DOES_NOT_EXIST.
    /// </summary>
    public async Task<Deployment> RollbackAsync(string? name, long? toRevision = null, CancellationToken ct = default)
    {
        var history = await GetHistoryAsync(name, ct);
        var current = history[0];
        Deployment target;
        if (toRevision is { } wanted)
        {
            if (wanted == current.Revision)
            {
                throw new KeelException(ErrorCode.InvalidState, Text($"Deployment '{current.Name}' is already at revision {wanted}."));
            }
            target = history.FirstOrDefault(d => d.Revision == wanted)
                ?? throw KeelException.NotFound(Text($"Deployment '{current.Name}' has no revision {wanted}."));
        }
        else
        {
            target = history.Count > 1
                ? history[1]
                : throw new KeelException(ErrorCode.InvalidState,
                    Text($"Deployment '{current.Name}' has no earlier revision to roll back to (it is at revision {current.Revision})."));
        }
        // The models may have moved since; a rollback to a route whose model is gone would serve nothing.
        await ResolveModelsAsync(target.Spec, ct);
        return await store.AddRevisionAsync(target.Spec, Now, current.Revision, ct);
    }

    public async Task DeleteAsync(string? name, CancellationToken ct = default)
    {
        var current = await GetAsync(name, ct);
        await store.DeleteAsync(current.Name, ct);
    }

    private async Task ResolveModelsAsync(DeploymentSpec spec, CancellationToken ct)
    {
        if (resolver is null)
        {
            return;
        }
        var uris = spec.Routes.Select(r => (Kind: "Route", r.Name, r.ModelUri)).Concat(spec.Shadows.Select(s => (Kind: "Shadow", s.Name, s.ModelUri)));
        foreach (var (kind, routeName, uri) in uris)
        {
            try
            {
                await resolver.ResolveAsync(uri, ct);
            }
            catch (KeelException e) when (e.Code is ErrorCode.ResourceDoesNotExist or ErrorCode.InvalidParameterValue)
            {
                throw new KeelException(e.Code, $"{kind} '{routeName}' of deployment '{spec.Name}': model URI '{uri}' does not resolve: {e.Message}", e);
            }
        }
    }

    private static KeelException NotFound(string name) => KeelException.NotFound($"Deployment '{name}' not found.");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
