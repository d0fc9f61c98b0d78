using System.Globalization;

namespace Keel.Core.Data.Profiles;

/// <summary>
/// The one text form of a cell that profiles, validation and row hashes use, so "1.50" in a CSV and 1.5 in Parquet
/// are the same value: numbers in their shortest round-trip invariant form, booleans true/false, timestamps as
/// UTC ISO 8601 with a Z and no trailing zero fraction.
/// </summary>
public static class CanonicalText
{
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Whole numbers keep every digit: beyond 2^53 a double would merge distinct identifiers.</summary>
    public static string Whole(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Flag(bool value) => value ? "true" : "false";

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
