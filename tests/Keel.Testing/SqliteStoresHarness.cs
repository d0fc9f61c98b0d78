using Keel.Storage;

namespace Keel.Testing;

/// <summary>
/// The embedded backend for store contract suites: SQLite and local files in a temporary folder of the suite's own,
/// opened, reopened (a restart over the same data) and removed at the end.
/// </summary>
public sealed class SqliteStoresHarness(string prefix) : IAsyncDisposable
{
    private readonly TempDirectory _directory = new(prefix);
    private KeelStores? _stores;

    public string DataDirectory => _directory.Path;

    public async Task<KeelStores> OpenAsync()
    {
        _stores = await KeelStorage.OpenAsync(new StorageOptions(_directory.Path), TimeProvider.System);
        return _stores;
    }

    public async Task<KeelStores> ReopenAsync()
    {
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
        }
        return await OpenAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
        }
        _directory.Dispose();
    }
}
