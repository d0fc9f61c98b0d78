using Keel.Monitoring.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Monitoring.Tests.Webhooks;

public sealed class WebhookServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddKeelWebhooks_RegistersOptionsAndOneNotifier()
    {
        var options = new WebhookOptions { AllowPrivateTargets = true, MaxAttempts = 2 };
        await using var services = new ServiceCollection().AddLogging().AddKeelWebhooks(options).BuildServiceProvider();

        var notifier = services.GetRequiredService<WebhookNotifier>();

        Assert.Same(options, services.GetRequiredService<WebhookOptions>());
        Assert.Same(notifier, services.GetRequiredService<WebhookNotifier>());
    }

    [Fact]
    public async Task AddKeelWebhooks_InvalidOptions_FailWhenResolved()
    {
        await using var services = new ServiceCollection().AddKeelWebhooks(new WebhookOptions { MaxAttempts = 0 }).BuildServiceProvider();

        Assert.Throws<ArgumentOutOfRangeException>(() => services.GetRequiredService<WebhookNotifier>());
    }
}
