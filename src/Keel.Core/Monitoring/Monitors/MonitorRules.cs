using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Deployments;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring.Monitors;

/// <summary>
/// What makes a <see cref="MonitorSpec"/> valid (the cron expression is checked by the service's
/// <see cref="ICronSchedule"/>). Every broken rule throws INVALID_PARAMETER_VALUE naming the field
/// (<c>feature_options.age.threshold</c>, <c>alerts[1].threshold</c>) and the rule.
/// </summary>
public static class MonitorRules
{
    /// <summary>The most features one monitor watches.</summary>
    public const int MaxFeatures = 1000;

    /// <summary>The most webhooks one monitor notifies.</summary>
    public const int MaxWebhooks = 10;

    /// <summary>The longest feature or output name.</summary>
    public const int MaxColumnNameLength = 256;

    /// <summary>The longest window (and traffic offset): a year.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    /// <summary>Checks every rule; returns <paramref name="spec"/> so callers can chain.</summary>
    public static MonitorSpec Validate(MonitorSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Name(spec.Name);
        DeploymentRules.Name(spec.Deployment, "deployment");
        Duration(spec.Window, "window");
        Reference(spec.Reference ?? throw KeelException.InvalidParameter("Missing value for required parameter 'reference'."), spec.Window);
        if (spec.Schedule is not null && spec.Schedule.Trim().Length == 0)
        {
            throw KeelException.InvalidParameter("Invalid value for parameter 'schedule': leave it out to run only on demand, or give a cron expression.");
        }
        Features(spec.Features ?? []);
        foreach (var (feature, options) in spec.FeatureOptions ?? new Dictionary<string, DriftOptions>())
        {
            ColumnName(feature, "feature_options");
            Threshold(options, $"feature_options.{feature}");
        }
        if (!(spec.DriftShareThreshold > 0 && spec.DriftShareThreshold <= 1))
        {
            throw KeelException.InvalidParameter(Text(
                $"Invalid value '{spec.DriftShareThreshold}' for parameter 'drift_share_threshold': the share of drifted features that means dataset drift is in (0, 1] (Evidently's default 0.5)."));
        }
        ColumnName(spec.PredictionOutput, "prediction_output");
        if (spec.ScoreOutput is not null)
        {
            ColumnName(spec.ScoreOutput, "score_output");
        }
        AlertRuleRules.ValidateAll(spec.Alerts ?? [], "alerts");
        Webhooks(spec.Webhooks ?? []);
        return spec;
    }

    /// <summary>The monitor name rule: a registered model's (not blank, no '/', '\' or control characters, at most 256 characters).</summary>
    public static string Name(string? name, string field = "name")
    {
        try
        {
            return DeploymentRules.Name(name, field);
        }
        catch (KeelException e) when (e.Code == ErrorCode.InvalidParameterValue)
        {
            throw KeelException.InvalidParameter(e.Message.Replace("deployment names", "monitor names", StringComparison.Ordinal));
        }
    }

    private static void Reference(MonitorReference reference, TimeSpan window)
    {
        switch (reference.Kind)
        {
            case MonitorReferenceKind.TrainingData:
                if (reference.Dataset is not null || reference.DatasetVersion is not null || reference.Offset is not null)
                {
                    throw KeelException.InvalidParameter(
                        "Invalid value for parameter 'reference': kind training_data finds the dataset through lineage and takes no dataset, version or offset.");
                }
                break;
            case MonitorReferenceKind.Dataset:
                DeploymentRules.Name(reference.Dataset, "reference.dataset");
                if (reference.DatasetVersion is not { } version)
                {
                    throw KeelException.InvalidParameter("Missing value for required parameter 'reference.version'.");
                }
                if (version < 1)
                {
                    throw KeelException.InvalidParameter(Text($"Invalid value '{version}' for parameter 'reference.version': dataset versions are positive integers."));
                }
                if (reference.Offset is not null)
                {
                    throw KeelException.InvalidParameter("Invalid value for parameter 'reference.offset': only a traffic reference has an offset.");
                }
                break;
            case MonitorReferenceKind.Traffic:
                if (reference.Dataset is not null || reference.DatasetVersion is not null)
                {
                    throw KeelException.InvalidParameter("Invalid value for parameter 'reference': a traffic reference takes an offset, not a dataset.");
                }
                var offset = reference.Offset ?? throw KeelException.InvalidParameter("Missing value for required parameter 'reference.offset'.");
                Duration(offset, "reference.offset");
                if (offset < window)
                {
                    throw KeelException.InvalidParameter(
                        $"Invalid value '{MonitorDuration.Format(offset)}' for parameter 'reference.offset': the reference window must not overlap the current one, so the offset is at least the window ({MonitorDuration.Format(window)}).");
                }
                break;
            default:
                throw KeelException.InvalidParameter($"Invalid value '{reference.Kind}' for parameter 'reference.kind'.");
        }
    }

    private static void Duration(TimeSpan value, string field)
    {
        if (value < TimeSpan.FromSeconds(1) || value > MaxWindow)
        {
            throw KeelException.InvalidParameter(
                $"Invalid value '{(value < TimeSpan.Zero ? "-" + MonitorDuration.Format(-value) : MonitorDuration.Format(value))}' for parameter '{field}': expected a duration from 1s to {MaxWindow.TotalDays:0}d.");
        }
    }

    private static void Features(IReadOnlyList<string> features)
    {
        if (features.Count > MaxFeatures)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value for parameter 'features': a monitor watches at most {MaxFeatures} features (got {features.Count})."));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < features.Count; i++)
        {
            var field = Text($"features[{i}]");
            ColumnName(features[i], field);
            if (!seen.Add(features[i]))
            {
                throw KeelException.InvalidParameter($"Invalid value '{features[i]}' for parameter '{field}': each feature is listed once.");
            }
        }
    }

    private static void Threshold(DriftOptions? options, string field)
    {
        if (options?.Threshold is not { } threshold)
        {
            return;
        }
        var (ok, rule) = options.Method switch
        {
            DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquared or DriftMethod.ZTest =>
                (threshold > 0 && threshold < 1, "a p-value threshold is in (0, 1); drift when p < threshold"),
            DriftMethod.JensenShannon => (threshold > 0 && threshold <= 1, "a Jensen-Shannon distance threshold is in (0, 1]"),
            DriftMethod.Wasserstein or DriftMethod.Psi or DriftMethod.KullbackLeibler =>
                (double.IsFinite(threshold) && threshold > 0, "a distance threshold is a finite number > 0"),
            _ => (threshold > 0 && threshold < 1, "without a method the threshold applies to the default tests (p-value or distance) and is in (0, 1)"),
        };
        if (!ok)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value '{threshold}' for parameter '{field}.threshold': {rule}."));
        }
    }

    private static void Webhooks(IReadOnlyList<Uri> webhooks)
    {
        if (webhooks.Count > MaxWebhooks)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value for parameter 'webhooks': at most {MaxWebhooks} webhooks (got {webhooks.Count})."));
        }
        for (var i = 0; i < webhooks.Count; i++)
        {
            var field = Text($"webhooks[{i}]");
            var uri = webhooks[i] ?? throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
            if (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0 || uri.UserInfo.Length > 0)
            {
                throw KeelException.InvalidParameter(
                    $"Invalid value '{uri.OriginalString}' for parameter '{field}': expected an absolute http:// or https:// URL without credentials.");
            }
        }
    }

    private static void ColumnName(string? name, string field)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.");
        }
        if (name.Length > MaxColumnNameLength || name.Any(char.IsControl))
        {
            throw KeelException.InvalidParameter(
                Text($"Invalid value for parameter '{field}': names are at most {MaxColumnNameLength} characters without control characters."));
        }
    }

    /// <summary>Parses one webhook URL text, naming the field when it is not a URL.</summary>
    public static Uri Webhook(string? text, string field) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? uri
            : throw KeelException.InvalidParameter($"Invalid value '{text}' for parameter '{field}': expected an absolute http:// or https:// URL.");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
