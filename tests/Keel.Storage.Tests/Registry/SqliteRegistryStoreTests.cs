using Keel.Core.Registry;
using Keel.Testing;

namespace Keel.Storage.Tests.Registry;

/// <summary>The registry store contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqliteRegistryStoreTests : RegistryStoreContract
{
    private readonly TempDirectory _directory = new("keel-sqlite-registry");
    private KeelStores? _stores;

    protected override async Task<IRegistryStore> OpenFreshAsync()
    {
        _stores = await KeelStorage.OpenAsync(new StorageOptions(_directory.Path), TimeProvider.System);
        return _stores.Registry;
    }

    protected override async Task<IRegistryStore> ReopenAsync()
    {
        await _stores!.DisposeAsync();
        return await OpenFreshAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
        }
        _directory.Dispose();
    }
}
