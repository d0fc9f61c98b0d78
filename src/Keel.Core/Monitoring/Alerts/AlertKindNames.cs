namespace Keel.Core.Monitoring.Alerts;

/// <summary>
/// The wire spelling of <see cref="AlertKind"/> (snake_case, as in webhooks, the API and monitor YAML):
/// <c>drift</c>, <c>quality</c>, <c>latency</c>, <c>error_rate</c>.
/// </summary>
public static class AlertKindNames
{
    public const string Drift = "drift";
    public const string Quality = "quality";
    public const string Latency = "latency";
    public const string ErrorRate = "error_rate";

    /// <summary>Every kind's wire name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [Drift, Quality, Latency, ErrorRate];

    /// <summary>The wire name of <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined kind.</exception>
    public static string ToWire(AlertKind kind) =>
        kind switch
        {
            AlertKind.Drift => Drift,
            AlertKind.Quality => Quality,
            AlertKind.Latency => Latency,
            AlertKind.ErrorRate => ErrorRate,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown alert kind."),
        };

    /// <summary>Parses a wire name (exact, lower case); false for anything else.</summary>
    public static bool TryParse(string? text, out AlertKind kind)
    {
        (var known, kind) = text switch
        {
            Drift => (true, AlertKind.Drift),
            Quality => (true, AlertKind.Quality),
            Latency => (true, AlertKind.Latency),
            ErrorRate => (true, AlertKind.ErrorRate),
            _ => (false, default),
        };
        return known;
    }
}
