using Cronos;
using Keel.Core.Common;
using Keel.Core.Monitoring.Monitors;

namespace Keel.Monitoring.Scheduling;

/// <summary>Monitor schedules with Cronos: standard 5-field cron (minute hour day-of-month month day-of-week), in UTC.</summary>
public sealed class CronosSchedule : ICronSchedule
{
    public void Validate(string expression, string field) => Parse(expression, field);

    public DateTimeOffset? NextAfter(string expression, DateTimeOffset after) =>
        Parse(expression, "schedule").GetNextOccurrence(after, TimeZoneInfo.Utc, inclusive: false);

    private static CronExpression Parse(string expression, string field)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            return CronExpression.Parse(expression.Trim(), CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{expression}' for parameter '{field}': expected a 5-field cron expression in UTC such as '*/15 * * * *' ({e.Message.TrimEnd('.')}).");
        }
    }
}
