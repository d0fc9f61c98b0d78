using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

internal static partial class PostgresMigrations
{
    // Searched or sorted text uses the "C" collation: byte order and ASCII-only lower(), as SQLite's BINARY, whatever
    // locale the cluster was created with. Child rows cascade: a delete is one statement that cannot miss a table.
    private static Migration Registry => new(2, "registry", """
        -- Versions hang off model_pk, so a rename touches one row; next_version keeps numbers from being reused.
        CREATE TABLE registered_models (
            model_pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name TEXT COLLATE "C" NOT NULL UNIQUE,
            creation_timestamp BIGINT NOT NULL,
            last_updated_timestamp BIGINT NOT NULL,
            description TEXT NOT NULL,
            next_version BIGINT NOT NULL
        );
        CREATE TABLE registered_model_tags (
            model_pk BIGINT NOT NULL REFERENCES registered_models (model_pk) ON DELETE CASCADE,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (model_pk, key)
        );
        CREATE TABLE model_versions (
            model_pk BIGINT NOT NULL REFERENCES registered_models (model_pk) ON DELETE CASCADE,
            version BIGINT NOT NULL,
            creation_timestamp BIGINT NOT NULL,
            last_updated_timestamp BIGINT NOT NULL,
            user_id TEXT NOT NULL,
            current_stage TEXT COLLATE "C" NOT NULL,
            description TEXT NOT NULL,
            source TEXT COLLATE "C" NOT NULL,
            run_id TEXT COLLATE "C" NOT NULL,
            status TEXT NOT NULL,
            status_message TEXT NOT NULL,
            run_link TEXT NOT NULL,
            PRIMARY KEY (model_pk, version)
        );
        CREATE INDEX model_versions_by_run ON model_versions (run_id);
        CREATE TABLE model_version_tags (
            model_pk BIGINT NOT NULL,
            version BIGINT NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (model_pk, version, key),
            FOREIGN KEY (model_pk, version) REFERENCES model_versions (model_pk, version) ON DELETE CASCADE
        );
        -- An alias dies with the version it points at, as MLflow drops it on delete_model_version.
        CREATE TABLE registered_model_aliases (
            model_pk BIGINT NOT NULL,
            alias TEXT COLLATE "C" NOT NULL,
            version BIGINT NOT NULL,
            PRIMARY KEY (model_pk, alias),
            FOREIGN KEY (model_pk, version) REFERENCES model_versions (model_pk, version) ON DELETE CASCADE
        );
        CREATE INDEX registered_model_aliases_by_version ON registered_model_aliases (model_pk, version);
        """);
}
