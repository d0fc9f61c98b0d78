using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Storage.Sqlite;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>Pipeline runs, their stages and attempts.</summary>
internal sealed partial class PostgresPipelineStore
{
    private const string RunColumns =
        "id, pipeline, trigger, trigger_detail, param_overrides_json, status, created_at, started_at, ended_at, tracking_run_id, definition_json";

    public Task CreateRunAsync(PipelineRun run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return database.WriteAsync(async (c, t) =>
        {
            // FOR KEY SHARE: a delete of the pipeline waits for this insert instead of racing it.
            if (await c.ScalarAsync(t, "SELECT 1 FROM pipelines WHERE name = $1 FOR KEY SHARE;", ct, run.Pipeline) is null)
            {
                throw KeelException.NotFound($"Pipeline '{run.Pipeline}' not found.");
            }
            try
            {
                await c.ExecAsync(t, $"INSERT INTO pipeline_runs ({RunColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);", ct,
                    run.Id, run.Pipeline, run.Trigger.ToString(), run.TriggerDetail, PipelineStoreJson.WriteMap(run.ParamOverrides), run.Status.ToString(),
                    run.CreatedAt, run.StartedAt, run.EndedAt, run.TrackingRunId, PipelineStoreRows.WriteDefinition(run.Definition));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw KeelException.AlreadyExists($"Pipeline run '{run.Id}' already exists.");
            }
            for (var i = 0; i < run.Stages.Count; i++)
            {
                var stage = run.Stages[i];
                await c.ExecAsync(t, """
                    INSERT INTO stage_runs (run_id, stage, position, status, latest_attempt, outs_json, message, tracking_run_id)
                    VALUES ($1, $2, $3, $4, 0, $5, $6, $7);
                    """, ct, run.Id, stage.Stage, i, StageRunStatus.Pending.ToString(), PipelineStoreJson.WriteMap(stage.Outs), stage.Message, stage.TrackingRunId);
            }
        }, ct);
    }

    public Task<PipelineRun?> GetRunAsync(string runId, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var runs = await ReadRunsAsync(c, "WHERE id = $1", ct, runId);
            return runs.Count > 0 ? runs[0] : null;
        }, ct);

    public Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string? pipeline, int maxResults, CancellationToken ct = default) =>
        database.ReadAsync(c => pipeline is null
            ? ReadRunsAsync(c, "ORDER BY created_at DESC, run_pk DESC LIMIT $1", ct, maxResults)
            : ReadRunsAsync(c, "WHERE pipeline = $2 ORDER BY created_at DESC, run_pk DESC LIMIT $1", ct, maxResults, pipeline), ct);

    // A run that ended keeps its status: a coordinator that read the run before another ended it cannot reopen it.
    public Task SetRunStatusAsync(string runId, PipelineRunStatus status, long? startedAt, long? endedAt, string? trackingRunId, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var changed = await c.ExecAsync(t, """
                UPDATE pipeline_runs SET status = $2, started_at = coalesce(started_at, $3), ended_at = coalesce(ended_at, $4),
                    tracking_run_id = coalesce(tracking_run_id, $5)
                WHERE id = $1 AND status NOT IN ('Succeeded', 'Failed');
                """, ct, runId, status.ToString(), startedAt, endedAt, trackingRunId);
            if (changed == 0 && await c.ScalarAsync(t, "SELECT 1 FROM pipeline_runs WHERE id = $1;", ct, runId) is null)
            {
                throw RunNotFound(runId);
            }
        }, ct);

    public Task<bool> TryMoveStageAsync(string runId, string stage, IReadOnlyCollection<StageRunStatus> expected, StageRunStatus target, string message,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var statuses = expected.Select(s => s.ToString()).ToArray();
        return database.WriteAsync(async (c, t) =>
        {
            var changed = await c.ExecAsync(t, "UPDATE stage_runs SET status = $3, message = $4 WHERE run_id = $1 AND stage = $2 AND status = ANY($5);",
                ct, runId, stage, target.ToString(), message, statuses) == 1;
            if (!changed)
            {
                await RequireStageAsync(c, t, runId, stage, ct);
            }
            return changed;
        }, ct);
    }

    public Task<int> StartAttemptAsync(string runId, string stage, string worker, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var number = await c.ScalarAsync(t, """
                UPDATE stage_runs SET status = 'Running', latest_attempt = latest_attempt + 1
                WHERE run_id = $1 AND stage = $2 AND status IN ('Queued', 'Running') RETURNING latest_attempt;
                """, ct, runId, stage);
            if (number is null)
            {
                var status = await RequireStageAsync(c, t, runId, stage, ct);
                throw new KeelException(ErrorCode.InvalidState, $"Stage '{stage}' of pipeline run {runId} is {status}: only a Queued or Running stage starts an attempt.");
            }
            var attempt = Convert.ToInt32(number, CultureInfo.InvariantCulture);
            await c.ExecAsync(t, "INSERT INTO stage_attempts (run_id, stage, number, worker, started_at) VALUES ($1, $2, $3, $4, $5);",
                ct, runId, stage, attempt, worker, now);
            return attempt;
        }, ct);

    public Task EndAttemptAsync(string runId, string stage, int attempt, long now, int? exitCode, string? logPath, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            if (await c.ExecAsync(t, "UPDATE stage_attempts SET ended_at = $4, exit_code = $5, log_path = $6 WHERE run_id = $1 AND stage = $2 AND number = $3;",
                ct, runId, stage, attempt, now, exitCode, logPath) == 0)
            {
                await RequireStageAsync(c, t, runId, stage, ct);
                throw KeelException.NotFound($"Attempt {attempt} of stage '{stage}' in pipeline run {runId} not found.");
            }
        }, ct);

    public Task<bool> TryFinishStageAsync(string runId, string stage, int attempt, StageRunStatus status, IReadOnlyDictionary<string, string> outs,
        string message, string? trackingRunId, CancellationToken ct = default)
    {
        PipelineStoreRows.RequireFinish(status);
        return database.WriteAsync(async (c, t) =>
        {
            var changed = await c.ExecAsync(t, """
                UPDATE stage_runs SET status = $4, outs_json = $5, message = $6, tracking_run_id = coalesce($7, tracking_run_id)
                WHERE run_id = $1 AND stage = $2 AND latest_attempt = $3 AND status = 'Running';
                """, ct, runId, stage, attempt, status.ToString(), PipelineStoreJson.WriteMap(outs), message, trackingRunId) == 1;
            if (!changed)
            {
                await RequireStageAsync(c, t, runId, stage, ct);
            }
            return changed;
        }, ct);
    }

    private static async Task<string> RequireStageAsync(NpgsqlConnection c, NpgsqlTransaction t, string runId, string stage, CancellationToken ct)
    {
        if (await c.ScalarAsync(t, "SELECT status FROM stage_runs WHERE run_id = $1 AND stage = $2;", ct, runId, stage) is string status)
        {
            return status;
        }
        throw await c.ScalarAsync(t, "SELECT 1 FROM pipeline_runs WHERE id = $1;", ct, runId) is null
            ? RunNotFound(runId)
            : KeelException.NotFound($"Stage '{stage}' not found in pipeline run {runId}.");
    }

    private static KeelException RunNotFound(string runId) => KeelException.NotFound($"Pipeline run '{runId}' not found.");

    private static async Task<IReadOnlyList<PipelineRun>> ReadRunsAsync(NpgsqlConnection c, string where, CancellationToken ct, params object?[] values)
    {
        var rows = new List<PipelineStoreRows.RunRow>();
        await using (var command = c.Command($"SELECT {RunColumns} FROM pipeline_runs {where};", null, values))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new PipelineStoreRows.RunRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetInt64(6), reader.NullableInt64(7), reader.NullableInt64(8), reader.NullableString(9), reader.NullableString(10)));
            }
        }
        if (rows.Count == 0)
        {
            return [];
        }
        var ids = rows.Select(r => r.Id).ToArray();
        var stages = new List<PipelineStoreRows.StageRow>();
        await using (var command = c.Command("SELECT run_id, stage, status, outs_json, message, tracking_run_id FROM stage_runs WHERE run_id = ANY($1) ORDER BY run_id, position;", null, [ids]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                stages.Add(new PipelineStoreRows.StageRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.NullableString(5)));
            }
        }
        var attempts = new List<PipelineStoreRows.AttemptRow>();
        await using (var command = c.Command("SELECT run_id, stage, number, worker, started_at, ended_at, exit_code, log_path FROM stage_attempts WHERE run_id = ANY($1) ORDER BY run_id, stage, number;", null, [ids]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                attempts.Add(new PipelineStoreRows.AttemptRow(reader.GetString(0), reader.GetString(1), new StageAttempt(reader.GetInt32(2), reader.GetString(3),
                    reader.GetInt64(4), reader.NullableInt64(5), reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.NullableString(7))));
            }
        }
        return PipelineStoreRows.Assemble(rows, stages, attempts);
    }
}
