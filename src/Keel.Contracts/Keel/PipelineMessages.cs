namespace Keel.Contracts.KeelApi;

// Wire shapes of /api/keel/v1/pipelines and /api/keel/v1/pipeline-runs, snake_case through PipelineJsonContext. Times
// are epoch milliseconds; statuses and triggers are the names of Keel's enums (Pending, Queued, Running, Succeeded,
// Restored, Failed, Cancelled; Manual, Schedule, DatasetVersion, MonitorAlert). Request fields are nullable so a missing
// one is reported by name.

/// <summary>Body of <c>POST pipelines</c>: registers (or replaces) the pipeline the file names.</summary>
public sealed record RegisterPipelineRequest
{
    /// <summary>The <c>keel.yaml</c> text (required).</summary>
    public string? PipelineYaml { get; init; }

    /// <summary>The <c>params.yaml</c> text, if any.</summary>
    public string? ParamsYaml { get; init; }

    /// <summary>A workspace path returned by <c>PUT pipelines/{name}/workspace</c>; null keeps the one registered before.</summary>
    public string? Workspace { get; init; }

    /// <summary>The name when the file has no <c>name:</c> (the CLI sends the folder's name).</summary>
    public string? DefaultName { get; init; }
}

/// <summary>An event trigger of a pipeline.</summary>
public sealed record PipelineTriggerDto
{
    /// <summary><c>DatasetVersion</c> or <c>MonitorAlert</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The dataset's or monitor's name.</summary>
    public string? Target { get; init; }
}

/// <summary>A registered pipeline.</summary>
public sealed record PipelineDto
{
    public string? Name { get; init; }

    public string? PipelineYaml { get; init; }

    public string? ParamsYaml { get; init; }

    /// <summary>Artifact path of the workspace snapshot (<c>pipelines/&lt;name&gt;/workspace-&lt;sha256&gt;.tar.gz</c>), or null.</summary>
    public string? Workspace { get; init; }

    /// <summary>Cron (5 fields, UTC), or null.</summary>
    public string? Schedule { get; init; }

    public PipelineTriggerDto[]? Triggers { get; init; }

    /// <summary>Stage names in the order they run (upstream first).</summary>
    public string[]? Stages { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    /// <summary>When the schedule fires next, or null.</summary>
    public long? NextRunAt { get; init; }
}

/// <summary>Answer of <c>GET pipelines</c>.</summary>
public sealed record ListPipelinesResponse
{
    public PipelineDto[]? Pipelines { get; init; }
}

/// <summary>Answer of <c>PUT pipelines/{name}/workspace</c>.</summary>
public sealed record UploadWorkspaceResponse
{
    /// <summary>The artifact path to give as <see cref="RegisterPipelineRequest.Workspace"/>.</summary>
    public string? Workspace { get; init; }

    /// <summary>SHA-256 of the tar.gz, lowercase hex.</summary>
    public string? Sha256 { get; init; }

    public long Size { get; init; }
}

/// <summary>Body of <c>POST pipelines/{name}/trigger</c>.</summary>
public sealed record TriggerPipelineRequest
{
    /// <summary>Param overrides (dotted key → value text), applied over <c>params.yaml</c>.</summary>
    public Dictionary<string, string?>? Params { get; init; }
}

/// <summary>One attempt at a stage.</summary>
public sealed record StageAttemptDto
{
    public int Number { get; init; }

    public string? Worker { get; init; }

    public long StartedAt { get; init; }

    public long? EndedAt { get; init; }

    public int? ExitCode { get; init; }

    public string? LogPath { get; init; }
}

/// <summary>One stage of a pipeline run.</summary>
public sealed record StageRunDto
{
    public string? Stage { get; init; }

    public string? Status { get; init; }

    /// <summary>Why it failed or was cancelled; empty otherwise.</summary>
    public string? Message { get; init; }

    public Dictionary<string, string>? Outs { get; init; }

    public string? TrackingRunId { get; init; }

    public StageAttemptDto[]? Attempts { get; init; }
}

/// <summary>A run of a registered pipeline.</summary>
public sealed record PipelineRunDto
{
    public string? Id { get; init; }

    public string? Pipeline { get; init; }

    public string? Trigger { get; init; }

    /// <summary>What happened, e.g. <c>churn-train@4</c>; empty for manual runs.</summary>
    public string? TriggerDetail { get; init; }

    public Dictionary<string, string>? Params { get; init; }

    /// <summary><c>Queued</c>, <c>Running</c>, <c>Succeeded</c> or <c>Failed</c>.</summary>
    public string? Status { get; init; }

    public long CreatedAt { get; init; }

    public long? StartedAt { get; init; }

    public long? EndedAt { get; init; }

    /// <summary>EndedAt − StartedAt once ended, else null.</summary>
    public long? DurationMs { get; init; }

    /// <summary>The parent tracking run (one child run per stage).</summary>
    public string? TrackingRunId { get; init; }

    public StageRunDto[]? Stages { get; init; }
}

/// <summary>Answer of <c>GET pipelines/{name}/runs</c> and <c>GET pipeline-runs</c>.</summary>
public sealed record ListPipelineRunsResponse
{
    public PipelineRunDto[]? Runs { get; init; }
}

/// <summary>Answer of <c>DELETE pipelines/{name}</c>.</summary>
public sealed record DeletePipelineResponse;
