using System.Text;
using Keel.Core.Common;

namespace Keel.Core.Tests.Common;

public sealed class PageTokenTests
{
    [Fact]
    public void Encode_UsesMlflowOffsetForm()
    {
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(PageToken.Encode(40)));

        Assert.Equal("{\"offset\": 40}", json);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(123456789)]
    public void DecodeOffset_RoundTripsEncode(long offset)
    {
        Assert.Equal(offset, PageToken.DecodeOffset(PageToken.Encode(offset)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void DecodeOffset_NoToken_StartsAtZero(string? token)
    {
        Assert.Equal(0, PageToken.DecodeOffset(token));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("e30=")] // {}
    [InlineData("eyJvZmZzZXQiOiAtMX0=")] // {"offset": -1}
    [InlineData("WzFd")] // [1]
    public void DecodeOffset_MalformedToken_ThrowsInvalidParameter(string token)
    {
        var error = Assert.Throws<KeelException>(() => PageToken.DecodeOffset(token));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("page token", error.Message, StringComparison.Ordinal);
    }
}
