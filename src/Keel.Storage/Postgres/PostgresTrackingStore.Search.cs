using Keel.Core.Common;
using Keel.Core.Tracking;
using Keel.Storage.Sql;

namespace Keel.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    public Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken ct = default) =>
        database.ReadAsync(async c =>
        {
            var experimentIds = query.ExperimentIds.Select(ParseId).OfType<long>().ToArray();
            if (experimentIds.Length == 0)
            {
                return new Page<Run>([], null);
            }
            var p = new SqlParameters();
            var (joins, orderBy) = RunSearchSql.Order(query.OrderBy, p);
            var where = new List<string>
            {
                $"r.experiment_id = ANY({p.Add(experimentIds)})",
                StageCondition("r.lifecycle_stage", query.ViewType),
            };
            if (query.Filter is not null)
            {
                where.Add(RunSearchSql.Where(query.Filter, p));
            }
            var sql = $"""
                SELECT {RunColumns} FROM runs r
                {joins}
                WHERE {string.Join(" AND ", where)}
                ORDER BY {orderBy}
                LIMIT {p.Add(query.MaxResults + 1L)} OFFSET {p.Add(query.Offset)}
                """;
            await using var command = c.Command(sql, p);
            var runs = await ReadRunsAsync(c, command, ct);
            var hasMore = runs.Count > query.MaxResults;
            return new Page<Run>(hasMore ? runs.Take(query.MaxResults).ToArray() : runs,
                hasMore ? PageToken.Encode(query.Offset + query.MaxResults) : null);
        }, ct);
}
