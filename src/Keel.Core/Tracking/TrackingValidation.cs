using System.Globalization;
using Keel.Core.Common;

namespace Keel.Core.Tracking;

/// <summary>Request rules shared by every tracking call; messages follow MLflow's wording.</summary>
internal static class TrackingValidation
{
    public static string Required(string? value, string field) =>
        string.IsNullOrEmpty(value)
            ? throw KeelException.InvalidParameter(
                $"Missing value for required parameter '{field}'. See the API docs for more information about request parameters.")
            : value;

    public static T Required<T>(T? value, string field)
        where T : struct =>
        value ?? throw KeelException.InvalidParameter(
            $"Missing value for required parameter '{field}'. See the API docs for more information about request parameters.");

    public static void MaxLength(string? value, int limit, string field)
    {
        if (value is not null && value.Length > limit)
        {
            throw KeelException.InvalidParameter(
                $"'{field}' exceeds the maximum length of {limit} characters (got {value.Length}).");
        }
    }

    /// <summary>Metric, param and tag keys: MLflow's character set, no path tricks, length limit.</summary>
    public static void EntityKey(string key, string kind)
    {
        if (key.Length > TrackingLimits.MaxEntityKeyLength)
        {
            throw KeelException.InvalidParameter(
                $"{kind} name '{key[..40]}…' exceeds the maximum length of {TrackingLimits.MaxEntityKeyLength} characters.");
        }
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ' ' or '/'))
            {
                throw KeelException.InvalidParameter(
                    $"Invalid {kind.ToLowerInvariant()} name: '{key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).");
            }
        }
        if (!PathIsUnique(key))
        {
            throw KeelException.InvalidParameter(
                $"Invalid {kind.ToLowerInvariant()} name: '{key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such.");
        }
    }

    // A key like "a/../b" or "./a" would name another key once used as a file path.
    private static bool PathIsUnique(string key)
    {
        if (key.StartsWith('/'))
        {
            return false;
        }
        var segments = key.Split('/');
        return segments.All(s => s.Length > 0 && s != "." && s != "..");
    }

    public static long ParseExperimentId(string experimentId, string field = "experiment_id") =>
        long.TryParse(experimentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw KeelException.InvalidParameter($"Invalid value '{experimentId}' for parameter '{field}': experiment IDs are non-negative integers.");

    public static ViewType ParseViewType(string? raw, string field)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return ViewType.ActiveOnly;
        }
        return raw.ToUpperInvariant() switch
        {
            "ACTIVE_ONLY" or "1" => ViewType.ActiveOnly,
            "DELETED_ONLY" or "2" => ViewType.DeletedOnly,
            "ALL" or "3" => ViewType.All,
            _ => throw KeelException.InvalidParameter(
                $"Invalid value '{raw}' for parameter '{field}': expected ACTIVE_ONLY, DELETED_ONLY or ALL."),
        };
    }

    public static RunStatus ParseStatus(string raw) =>
        raw.ToUpperInvariant() switch
        {
            "RUNNING" or "1" => RunStatus.Running,
            "SCHEDULED" or "2" => RunStatus.Scheduled,
            "FINISHED" or "3" => RunStatus.Finished,
            "FAILED" or "4" => RunStatus.Failed,
            "KILLED" or "5" => RunStatus.Killed,
            _ => throw KeelException.InvalidParameter(
                $"Invalid value '{raw}' for parameter 'status': expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED."),
        };

    public static int MaxResults(long? requested, int defaultValue, int limit)
    {
        if (requested is null)
        {
            return defaultValue;
        }
        if (requested <= 0 || requested > limit)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value {requested} for parameter 'max_results': it must be a positive integer at most {limit}.");
        }
        return (int)requested.Value;
    }
}
