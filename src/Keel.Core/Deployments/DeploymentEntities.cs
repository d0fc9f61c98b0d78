namespace Keel.Core.Deployments;

/// <summary>A deployment as of one revision: the current one, or an entry of its history.</summary>
/// <param name="Spec">The traffic rules of this revision.</param>
/// <param name="Revision">The revision number: 1 at creation, one more on each update or rollback, never reused.</param>
/// <param name="CreationTimestamp">When the deployment was created, epoch milliseconds.</param>
/// <param name="LastUpdatedTimestamp">When this revision was made, epoch milliseconds.</param>
public sealed record Deployment(DeploymentSpec Spec, long Revision, long CreationTimestamp, long LastUpdatedTimestamp)
{
    public string Name => Spec.Name;
}
