using Keel.Core.Hosting;

namespace Keel.Storage.Tests.KeyRing;

/// <summary>
/// What every <see cref="IKeyRingStore"/> backend must do: keys come back oldest first, a name is stored once (the
/// first element wins, as when two replicas race), and keys survive reopening the database. Subclasses open the stores.
/// </summary>
public abstract class KeyRingStoreContract : IAsyncLifetime
{
    private KeelStores? _stores;

    private IKeyRingStore Store => (_stores ?? throw new InvalidOperationException("stores not opened")).KeyRing;

    protected abstract Task<KeelStores> OpenFreshAsync();

    protected abstract Task<KeelStores> ReopenAsync();

    public async ValueTask InitializeAsync() => _stores = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    [Fact]
    public async Task List_EmptyAtFirst_ThenEveryKeyOldestFirst()
    {
        Assert.Empty(await Store.ListAsync());

        await Store.AddAsync("key-b", "<key id=\"b\" />", 2_000);
        await Store.AddAsync("key-a", "<key id=\"a\" />", 1_000);

        Assert.Equal(["<key id=\"a\" />", "<key id=\"b\" />"], await Store.ListAsync());
    }

    [Fact]
    public async Task Add_SameNameTwice_KeepsTheFirstElement()
    {
        await Task.WhenAll(Store.AddAsync("key-1", "<key first=\"true\" />", 1_000), Store.AddAsync("key-2", "<key />", 1_000));

        await Store.AddAsync("key-1", "<key first=\"false\" />", 3_000);

        var keys = await Store.ListAsync();
        Assert.Equal(2, keys.Count);
        Assert.Contains("<key first=\"true\" />", keys);
        Assert.DoesNotContain("<key first=\"false\" />", keys);
    }

    [Fact]
    public async Task Keys_SurviveReopeningTheDatabase()
    {
        await Store.AddAsync("key-kept", "<key kept=\"true\" />", 1_000);

        _stores = await ReopenAsync();

        Assert.Equal(["<key kept=\"true\" />"], await Store.ListAsync());
    }

    [Fact]
    public async Task Add_EmptyNameOrElement_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddAsync("", "<key />", 1));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddAsync("key", "", 1));
        Assert.Empty(await Store.ListAsync());
    }
}
