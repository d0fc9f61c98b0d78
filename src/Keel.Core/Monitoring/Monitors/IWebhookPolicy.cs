namespace Keel.Core.Monitoring.Monitors;

/// <summary>Which webhook URLs a monitor may name on this server (e.g. no private addresses unless the operator allows them).</summary>
public interface IWebhookPolicy
{
    /// <summary>Throws INVALID_PARAMETER_VALUE naming <paramref name="field"/> and the rule when <paramref name="url"/> is not allowed.</summary>
    void Validate(Uri url, string field);
}
