using System.Globalization;
using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Deployments;

namespace Keel.Monitoring.PredictionLogs;

// Where a deployment's logs live in the blob store: monitoring/<deployment>/predictions/<yyyy-MM-dd>/<segment>.parquet
// and monitoring/<deployment>/labels/<yyyy-MM-dd>/<file>.parquet. The deployment name is checked by the deployment
// rule, then escaped into one safe path segment, so no name can reach outside its own prefix.
internal static class PredictionLogPaths
{
    public const string Extension = ".parquet";
    private const string DayFormat = "yyyy-MM-dd";

    public static ArtifactPath Predictions(string deployment) => Deployment(deployment, "predictions");

    public static ArtifactPath Labels(string deployment) => Deployment(deployment, "labels");

    public static ArtifactPath Day(ArtifactPath root, DateTimeOffset time) =>
        root.Append(ArtifactPath.Parse(time.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture), "day"));

    public static DateOnly? ParseDay(string name) =>
        DateOnly.TryParseExact(name, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    public static ArtifactPath File(ArtifactPath day, string name) => day.Append(ArtifactPath.Parse(name + Extension, "segment"));

    // Letters, digits, '_', '-' and (not first) '.' stay; every other character becomes '~' and its UTF-8 bytes in hex.
    public static string Escape(string name)
    {
        var text = new StringBuilder(name.Length);
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' || (c == '.' && i > 0))
            {
                text.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < name.Length
                ? Encoding.UTF8.GetBytes(name.AsSpan(i++, 2), bytes)
                : Encoding.UTF8.GetBytes(name.AsSpan(i, 1), bytes);
            foreach (var b in bytes[..length])
            {
                text.Append('~').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    private static ArtifactPath Deployment(string deployment, string kind) =>
        ArtifactPath.Parse($"monitoring/{Escape(DeploymentRules.Name(deployment, "name"))}/{kind}", "name");
}
