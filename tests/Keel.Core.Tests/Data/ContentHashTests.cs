using Keel.Core.Common;
using Keel.Core.Data;

namespace Keel.Core.Tests.Data;

public sealed class ContentHashTests
{
    [Fact]
    public void Of_KnownBytes_IsLowercaseSha256Hex()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ContentHash.Of("abc"u8));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0")]
    [InlineData("../../../../../../../../../../../../../../../../../../etc/passwd")]
    [InlineData("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void IsValid_AnythingButSixtyFourLowercaseHexDigits_IsFalse(string? hash)
    {
        Assert.False(ContentHash.IsValid(hash));
        var error = Assert.Throws<KeelException>(() => ContentHash.Require(hash, "manifest"));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'manifest'", error.Message, StringComparison.Ordinal);
    }
}
