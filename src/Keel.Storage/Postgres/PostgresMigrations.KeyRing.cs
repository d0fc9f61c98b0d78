using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

internal static partial class PostgresMigrations
{
    // The web UI's data protection keys: one row per key, shared by every replica on this database.
    private static Migration KeyRing => new(8, "key ring", """
        CREATE TABLE key_ring (
            name TEXT COLLATE "C" PRIMARY KEY,
            xml TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );
        """);
}
