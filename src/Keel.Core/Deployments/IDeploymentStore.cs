namespace Keel.Core.Deployments;

/// <summary>
/// Deployments and their revisions. Each call is one transaction. Specs are stored as given (the service
/// validates them). Revision numbers start at 1 per deployment and grow by one per revision; revisions are never
/// changed or removed except with the whole deployment. Writes to an unknown deployment throw RESOURCE_DOES_NOT_EXIST;
/// reads return null or an empty list.
/// </summary>
public interface IDeploymentStore
{
    /// <summary>Creates a deployment at revision 1; an existing name throws RESOURCE_ALREADY_EXISTS.</summary>
    Task<Deployment> CreateAsync(DeploymentSpec spec, long now, CancellationToken ct = default);

    /// <summary>
    /// Adds the next revision of <see cref="DeploymentSpec.Name"/> and makes it current. With
    /// <paramref name="expectedRevision"/>, a deployment whose current revision differs throws INVALID_STATE
    /// (someone else changed it in between).
    /// </summary>
    Task<Deployment> AddRevisionAsync(DeploymentSpec spec, long now, long? expectedRevision = null, CancellationToken ct = default);

    /// <summary>The current revision, or null.</summary>
    Task<Deployment?> GetAsync(string name, CancellationToken ct = default);

    /// <summary>Every deployment at its current revision, by name (ordinal).</summary>
    Task<IReadOnlyList<Deployment>> ListAsync(CancellationToken ct = default);

    /// <summary>Every revision of a deployment, newest first; empty for an unknown name.</summary>
    Task<IReadOnlyList<Deployment>> GetHistoryAsync(string name, CancellationToken ct = default);

    /// <summary>Deletes a deployment with its history.</summary>
    Task DeleteAsync(string name, CancellationToken ct = default);
}
