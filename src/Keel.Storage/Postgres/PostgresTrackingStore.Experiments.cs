using Keel.Core.Common;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Npgsql;

namespace Keel.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    private const string ExperimentColumns = "e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time";

    public Task<string> CreateExperimentAsync(NewExperiment experiment, string defaultArtifactRoot, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            long id;
            try
            {
                id = (long)(await c.ScalarAsync(t, """
                    INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES ($1, '', 'active', $2, $2) RETURNING experiment_id;
                    """, ct, experiment.Name, experiment.CreationTime))!;
            }
            catch (PostgresException e) when (IsUniqueViolation(e))
            {
                throw KeelException.AlreadyExists($"Experiment(name={experiment.Name}) already exists.");
            }
            var location = string.IsNullOrEmpty(experiment.ArtifactLocation) ? defaultArtifactRoot + Id(id) : experiment.ArtifactLocation;
            await c.ExecAsync(t, "UPDATE experiments SET artifact_location = $1 WHERE experiment_id = $2;", ct, location, id);
            await UpsertExperimentTagsAsync(c, t, id, experiment.Tags, ct);
            return Id(id);
        }, ct);

    public Task<Experiment?> GetExperimentAsync(string experimentId, CancellationToken ct = default) =>
        ParseId(experimentId) is { } id
            ? database.ReadAsync(async c => First(await ReadExperimentsAsync(c, $"SELECT {ExperimentColumns} FROM experiments e WHERE e.experiment_id = $1", ct, id)), ct)
            : Task.FromResult<Experiment?>(null);

    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken ct = default) =>
        database.ReadAsync(async c => First(await ReadExperimentsAsync(c, $"SELECT {ExperimentColumns} FROM experiments e WHERE e.name = $1", ct, name)), ct);

    public Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var p = new SqlParameters();
            var where = new List<string> { StageCondition("e.lifecycle_stage", query.ViewType) };
            if (query.Filter is not null)
            {
                where.Add(ExperimentSearchSql.Where(query.Filter, p));
            }
            var sql = $"""
                SELECT {ExperimentColumns} FROM experiments e
                WHERE {string.Join(" AND ", where)}
                ORDER BY {ExperimentSearchSql.OrderBy(query.OrderBy)}
                LIMIT {p.Add(query.MaxResults + 1L)} OFFSET {p.Add(query.Offset)}
                """;
            await using var command = c.Command(sql, p);
            var experiments = await ReadExperimentsAsync(c, command, ct);
            var hasMore = experiments.Count > query.MaxResults;
            var items = hasMore ? experiments.Take(query.MaxResults).ToArray() : experiments;
            return new Page<Experiment>(items, hasMore ? PageToken.Encode(query.Offset + query.MaxResults) : null);
        }, ct);

    public Task RenameExperimentAsync(string experimentId, string newName, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            try
            {
                await c.ExecAsync(t, "UPDATE experiments SET name = $1, last_update_time = $2 WHERE experiment_id = $3;", ct, newName, now, ParseId(experimentId));
            }
            catch (PostgresException e) when (IsUniqueViolation(e))
            {
                throw KeelException.AlreadyExists($"Experiment(name={newName}) already exists.");
            }
        }, ct);

    public Task SetExperimentLifecycleAsync(string experimentId, string lifecycleStage, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var id = ParseId(experimentId);
            await c.ExecAsync(t, "UPDATE experiments SET lifecycle_stage = $1, last_update_time = $2 WHERE experiment_id = $3;", ct, lifecycleStage, now, id);
            // As MLflow: deleting an experiment deletes its runs, restoring restores them.
            await c.ExecAsync(t, """
                UPDATE runs SET lifecycle_stage = $1, deleted_time = CASE WHEN $1 = 'deleted' THEN $2 ELSE NULL END
                WHERE experiment_id = $3;
                """, ct, lifecycleStage, now, id);
        }, ct);

    public Task SetExperimentTagAsync(string experimentId, Tag tag, long now, CancellationToken ct = default) =>
        database.WriteAsync(async (c, t) =>
        {
            var id = ParseId(experimentId);
            await c.ExecAsync(t, """
                INSERT INTO experiment_tags (experiment_id, key, value) VALUES ($1, $2, $3)
                ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value;
                """, ct, id, tag.Key, tag.Value);
            await c.ExecAsync(t, "UPDATE experiments SET last_update_time = $1 WHERE experiment_id = $2;", ct, now, id);
        }, ct);

    private static async Task UpsertExperimentTagsAsync(NpgsqlConnection c, NpgsqlTransaction t, long id, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        if (tags.Count == 0)
        {
            return;
        }
        var (keys, values) = LastPerKey(tags);
        await c.ExecAsync(t, """
            INSERT INTO experiment_tags (experiment_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)
            ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value;
            """, ct, id, keys, values);
    }

    private static string StageCondition(string column, ViewType view) => view switch
    {
        ViewType.ActiveOnly => $"{column} = 'active'",
        ViewType.DeletedOnly => $"{column} = 'deleted'",
        _ => "TRUE",
    };

    private static async Task<IReadOnlyList<Experiment>> ReadExperimentsAsync(NpgsqlConnection c, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = c.Command(sql, null, values);
        return await ReadExperimentsAsync(c, command, ct);
    }

    private static async Task<IReadOnlyList<Experiment>> ReadExperimentsAsync(NpgsqlConnection c, NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<(long Id, string Name, string Location, string Stage, long Created, long Updated)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5)));
            }
        }
        if (rows.Count == 0)
        {
            return [];
        }
        var tags = await GroupAsync(c, "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id = ANY($1) ORDER BY key",
            rows.Select(r => r.Id).ToArray(), r => new Tag(r.GetString(1), r.GetString(2)), ct);
        return rows.Select(r => new Experiment(Id(r.Id), r.Name, r.Location, r.Stage, r.Created, r.Updated,
            tags.GetValueOrDefault(r.Id) ?? [])).ToArray();
    }
}
