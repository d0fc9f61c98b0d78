namespace Keel.Storage.Sqlite;

/// <summary>The SQLite settings of Keel's writer connection, public so benchmarks measure their reference with the same.</summary>
public static class SqliteSettings
{
    /// <summary>
    /// WAL so readers never block the writer; synchronous=NORMAL keeps every committed transaction across a
    /// process kill (only an OS crash may lose the last commits), the durability MLflow users get too.
    /// A checkpoint every 10,000 WAL pages (about 40 MB) instead of SQLite's 1,000: the checkpoint runs inside
    /// the committing request, and at 1,000 pages it cost more than the inserts themselves under log-batch load.
    /// </summary>
    public const string WriterPragmas =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000; PRAGMA journal_size_limit=67108864;";
}
