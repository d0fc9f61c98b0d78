namespace Keel.Contracts.KeelApi;

// Wire shapes of /api/keel/v1/deployments, snake_case through KeelJson. Timestamps are epoch milliseconds;
// revisions are JSON numbers. Request fields are nullable so a missing one is reported by name, not as malformed JSON.

/// <summary>One answering route of a deployment.</summary>
public sealed record DeploymentRouteDto
{
    /// <summary>The route's name (letters, digits, '_' and '-'), reported in the <c>X-Keel-Route</c> header.</summary>
    public string? Name { get; init; }

    /// <summary>What it serves: <c>models:/</c>, <c>runs:/</c> or <c>mlflow-artifacts:/</c>.</summary>
    public string? ModelUri { get; init; }

    /// <summary>Its share of the traffic: finite, at least 0; the weights of all routes need not sum to 100.</summary>
    public double? Weight { get; init; }
}

/// <summary>A shadow route: scores a copy of each request; its answer is recorded, never returned.</summary>
public sealed record DeploymentShadowDto
{
    public string? Name { get; init; }

    public string? ModelUri { get; init; }
}

/// <summary>A deployment's traffic rules.</summary>
public sealed record DeploymentSpecDto
{
    public IReadOnlyList<DeploymentRouteDto> Routes { get => field ?? []; init; }

    public IReadOnlyList<DeploymentShadowDto> Shadows { get => field ?? []; init; }

    /// <summary>When set, requests carrying this header are routed by a hash of its value; null routes at random.</summary>
    public string? StickyHeader { get; init; }
}

/// <summary>A deployment at one revision: the answer of create, get, update and rollback, and an entry of list and history.</summary>
public sealed record DeploymentDto
{
    public required string Name { get; init; }

    /// <summary>1 at creation, one more on each update or rollback.</summary>
    public long Revision { get; init; }

    /// <summary>When the deployment was created.</summary>
    public long CreatedAt { get; init; }

    /// <summary>When this revision was made.</summary>
    public long UpdatedAt { get; init; }

    public required DeploymentSpecDto Spec { get; init; }
}

/// <summary>Body of <c>POST deployments</c>.</summary>
public sealed record CreateDeploymentRequest
{
    public string? Name { get; init; }

    public DeploymentSpecDto? Spec { get; init; }
}

/// <summary>Body of <c>PUT</c> or <c>PATCH deployments/{name}</c>: the whole new spec (a <see cref="DeploymentDto"/> can be sent back as is).</summary>
public sealed record UpdateDeploymentRequest
{
    public DeploymentSpecDto? Spec { get; init; }
}

/// <summary>Body of <c>POST deployments/{name}/rollback</c>, which may be empty.</summary>
public sealed record RollbackDeploymentRequest
{
    /// <summary>The revision whose spec to restore; null means the one before the current revision.</summary>
    public long? Revision { get; init; }
}

/// <summary>Answer of <c>GET deployments</c>, by name.</summary>
public sealed record ListDeploymentsResponse
{
    public IReadOnlyList<DeploymentDto> Deployments { get => field ?? []; init; }
}

/// <summary>Answer of <c>GET deployments/{name}/history</c>, newest revision first.</summary>
public sealed record DeploymentHistoryResponse
{
    public IReadOnlyList<DeploymentDto> Revisions { get => field ?? []; init; }
}

/// <summary>Answer of <c>DELETE deployments/{name}</c>: <c>{}</c>.</summary>
public sealed record DeleteDeploymentResponse;
