using Keel.Monitoring.Reports;

namespace Keel.Monitoring.Tests.Reports;

public sealed class ReportTimeTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("now", "2025-03-10T12:00:00Z")]
    [InlineData("-90s", "2025-03-10T11:58:30Z")]
    [InlineData("-30m", "2025-03-10T11:30:00Z")]
    [InlineData("-24h", "2025-03-09T12:00:00Z")]
    [InlineData("-7d", "2025-03-03T12:00:00Z")]
    [InlineData("-2w", "2025-02-24T12:00:00Z")]
    [InlineData("2025-03-01", "2025-03-01T00:00:00Z")]
    [InlineData("2025-03-01T06:30:00Z", "2025-03-01T06:30:00Z")]
    [InlineData("2025-03-01T06:30:00+02:00", "2025-03-01T04:30:00Z")]
    [InlineData("2025-03-01T06:30:00.250", "2025-03-01T06:30:00.25Z")]
    [InlineData("1740787200000", "2025-03-01T00:00:00Z")]
    [InlineData(" -1h ", "2025-03-10T11:00:00Z")]
    public void TryParse_AcceptedForm_GivesTheTime(string text, string expected)
    {
        Assert.True(ReportTime.TryParse(text, Now, out var at));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), at);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("24h")]
    [InlineData("-24x")]
    [InlineData("-h")]
    [InlineData("03/01/2025")]
    [InlineData("2025-13-01")]
    [InlineData("-999999999999w")]
    [InlineData("99999999999999999999")]
    public void TryParse_AnythingElse_IsRefused(string? text) => Assert.False(ReportTime.TryParse(text, Now, out _));
}
