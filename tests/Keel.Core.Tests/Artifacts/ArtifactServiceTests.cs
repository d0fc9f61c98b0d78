using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Core.Tests.Artifacts;

public class ArtifactServiceTests
{
    [Theory]
    [InlineData("mlflow-artifacts:/0/abc/artifacts", "0/abc/artifacts")]
    [InlineData("mlflow-artifacts:///0/abc/artifacts", "0/abc/artifacts")]
    [InlineData("mlflow-artifacts://keel.example:5000/0/abc/artifacts", "0/abc/artifacts")]
    [InlineData("mlflow-artifacts:/team/exp//abc/artifacts/", "team/exp/abc/artifacts")]
    [InlineData("mlflow-artifacts:/", "")]
    public void ResolveProxyUri_MlflowArtifactsUri_GivesStorePath(string uri, string expected) =>
        Assert.Equal(expected, ArtifactService.ResolveProxyUri(uri).Value);

    [Theory]
    [InlineData("s3://bucket/0/abc/artifacts")]
    [InlineData("file:///tmp/0/abc/artifacts")]
    [InlineData("/tmp/artifacts")]
    public void ResolveProxyUri_OtherScheme_ThrowsInvalidState(string uri) =>
        Assert.Equal(ErrorCode.InvalidState, Assert.Throws<KeelException>(() => ArtifactService.ResolveProxyUri(uri)).Code);

    [Theory]
    [InlineData("mlflow-artifacts:/0/../../etc")]
    [InlineData("mlflow-artifacts:/0/a%2e%2e")]
    public void ResolveProxyUri_UnsafePath_ThrowsInvalidParameter(string uri) =>
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => ArtifactService.ResolveProxyUri(uri)).Code);
}
