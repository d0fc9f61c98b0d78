using Keel.Core.Common;
using Keel.Core.Deployments;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Core.Tests.Deployments;

public sealed class DeploymentServiceTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly DeploymentService _service;

    public DeploymentServiceTests() => _service = new DeploymentService(new InMemoryDeploymentStore(), _time);

    private static DeploymentSpec Spec(int championWeight, string name = "churn") => new(
        name, [new TrafficRoute("champion", "models:/churn@champion", championWeight), new TrafficRoute("challenger", "models:/churn/2", 100 - championWeight)], []);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_ValidSpec_StartsAtRevisionOneStampedByTheClock()
    {
        var created = await _service.CreateAsync(Spec(90), Ct);

        Assert.Equal(1, created.Revision);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), created.CreationTimestamp);
        Assert.Equal(created.CreationTimestamp, created.LastUpdatedTimestamp);
        Assert.Equal(90, (await _service.GetAsync("churn", Ct)).Spec.Routes[0].Weight);
    }

    [Fact]
    public async Task Create_TakenName_ThrowsAlreadyExists()
    {
        await _service.CreateAsync(Spec(90), Ct);

        var error = await Assert.ThrowsAsync<KeelException>(() => _service.CreateAsync(Spec(50), Ct));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, error.Code);
    }

    [Fact]
    public async Task Create_InvalidSpec_ThrowsBeforeStoring()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => _service.CreateAsync(Spec(90) with { Routes = [] }, Ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Empty(await _service.ListAsync(Ct));
    }

    [Fact]
    public async Task Update_AddsARevisionAndKeepsTheCreationTime()
    {
        var created = await _service.CreateAsync(Spec(90), Ct);
        _time.Advance(TimeSpan.FromMinutes(5));

        var updated = await _service.UpdateAsync("churn", Spec(50), Ct);

        Assert.Equal(2, updated.Revision);
        Assert.Equal(created.CreationTimestamp, updated.CreationTimestamp);
        Assert.Equal(created.CreationTimestamp + 300_000, updated.LastUpdatedTimestamp);
        Assert.Equal(50, (await _service.GetAsync("churn", Ct)).Spec.Routes[0].Weight);
    }

    [Fact]
    public async Task Update_UnknownName_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => _service.UpdateAsync("churn", Spec(50), Ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Equal("Deployment 'churn' not found.", error.Message);
    }

    [Fact]
    public async Task Update_SpecNamingAnotherDeployment_IsRefused()
    {
        await _service.CreateAsync(Spec(90), Ct);

        var error = await Assert.ThrowsAsync<KeelException>(() => _service.UpdateAsync("churn", Spec(50, "other"), Ct));

        Assert.Contains("cannot be renamed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_ListsRevisionsNewestFirst()
    {
        await _service.CreateAsync(Spec(90), Ct);
        await _service.UpdateAsync("churn", Spec(70), Ct);
        await _service.UpdateAsync("churn", Spec(50), Ct);

        var history = await _service.GetHistoryAsync("churn", Ct);

        Assert.Equal([3L, 2L, 1L], history.Select(d => d.Revision));
        Assert.Equal([50d, 70d, 90d], history.Select(d => d.Spec.Routes[0].Weight));
    }

    [Fact]
    public async Task Rollback_RestoresThePreviousSpecAsANewRevision()
    {
        await _service.CreateAsync(Spec(90), Ct);
        await _service.UpdateAsync("churn", Spec(50), Ct);

        var rolledBack = await _service.RollbackAsync("churn", ct: Ct);
        var again = await _service.RollbackAsync("churn", ct: Ct);

        Assert.Equal(3, rolledBack.Revision);
        Assert.Equal(90, rolledBack.Spec.Routes[0].Weight);
        // Rolling back a rollback returns to where it started: history is never rewritten.
        Assert.Equal(4, again.Revision);
        Assert.Equal(50, again.Spec.Routes[0].Weight);
    }

    [Fact]
    public async Task Rollback_ToRevision_RestoresThatSpec()
    {
        await _service.CreateAsync(Spec(90), Ct);
        await _service.UpdateAsync("churn", Spec(70), Ct);
        await _service.UpdateAsync("churn", Spec(50), Ct);

        var restored = await _service.RollbackAsync("churn", 1, Ct);

        Assert.Equal(4, restored.Revision);
        Assert.Equal(90, restored.Spec.Routes[0].Weight);
    }

    [Fact]
    public async Task Rollback_WithoutEarlierRevision_ThrowsInvalidState()
    {
        await _service.CreateAsync(Spec(90), Ct);

        var error = await Assert.ThrowsAsync<KeelException>(() => _service.RollbackAsync("churn", ct: Ct));
        var current = await Assert.ThrowsAsync<KeelException>(() => _service.RollbackAsync("churn", 1, Ct));
        var unknown = await Assert.ThrowsAsync<KeelException>(() => _service.RollbackAsync("churn", 9, Ct));

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Contains("no earlier revision", error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidState, current.Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, unknown.Code);
    }

    [Fact]
    public async Task Delete_RemovesTheDeployment_AndUnknownNamesThrowNotFound()
    {
        await _service.CreateAsync(Spec(90), Ct);

        await _service.DeleteAsync("churn", Ct);

        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => _service.GetAsync("churn", Ct))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => _service.DeleteAsync("churn", Ct))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => _service.GetHistoryAsync("churn", Ct))).Code);
    }

    [Fact]
    public async Task List_OrdersByName()
    {
        await _service.CreateAsync(Spec(90, "b"), Ct);
        await _service.CreateAsync(Spec(90, "a"), Ct);

        Assert.Equal(["a", "b"], (await _service.ListAsync(Ct)).Select(d => d.Name));
    }
}
