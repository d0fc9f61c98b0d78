using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Monitoring.Alerts;

namespace Keel.Monitoring.Webhooks;

// The JSON body POSTed for each alert event; documented in docs/security.md ("Webhooks").
internal sealed record WebhookPayload(
    string Id,
    string Monitor,
    string Deployment,
    string Rule,
    string Kind,
    string Message,
    double Value,
    double Threshold,
    DateTimeOffset FiredAt)
{
    public static WebhookPayload From(AlertEvent alert) =>
        new(alert.Id, alert.Monitor, alert.Deployment, alert.Rule, AlertKindNames.ToWire(alert.Kind), alert.Message, alert.Value,
            alert.Threshold, alert.FiredAt);

    public static byte[] Serialize(AlertEvent alert) => JsonSerializer.SerializeToUtf8Bytes(From(alert), WebhookJsonContext.Default.WebhookPayload);
}

// An infinite log loss is a legitimate (terrible) value; it travels as "Infinity" rather than failing the send.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
