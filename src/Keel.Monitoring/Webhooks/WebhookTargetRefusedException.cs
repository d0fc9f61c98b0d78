namespace Keel.Monitoring.Webhooks;

// Thrown from the connect callback so the handler gives up on a target without connecting; never retried.
internal sealed class WebhookTargetRefusedException(string message) : Exception(message);
