namespace Keel.Core.Monitoring.Monitors;

/// <summary>
/// Cron expressions of monitor schedules (5 fields, UTC). A port, so Core needs no cron library; Keel.Monitoring
/// implements it with Cronos.
/// </summary>
public interface ICronSchedule
{
    /// <summary>Throws INVALID_PARAMETER_VALUE naming <paramref name="field"/> and the problem when <paramref name="expression"/> is not valid cron.</summary>
    void Validate(string expression, string field);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    DateTimeOffset? NextAfter(string expression, DateTimeOffset after);
}
