using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

internal static partial class PostgresMigrations
{
    private static Migration Datasets => new(4, "datasets", """
        -- The dataset registry. The name 'datasets' is taken by MLflow's run inputs (migration 1); these are
        -- Keel's named datasets. next_version keeps version numbers from being reused, as for models.
        CREATE TABLE registered_datasets (
            dataset_pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name TEXT COLLATE "C" NOT NULL UNIQUE,
            description TEXT NOT NULL,
            creation_timestamp BIGINT NOT NULL,
            last_updated_timestamp BIGINT NOT NULL,
            next_version BIGINT NOT NULL
        );
        CREATE TABLE registered_dataset_tags (
            dataset_pk BIGINT NOT NULL REFERENCES registered_datasets (dataset_pk) ON DELETE CASCADE,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (dataset_pk, key)
        );
        -- Profiles can be large; PostgreSQL moves them out of line (TOAST), so listings that skip them stay cheap.
        CREATE TABLE dataset_versions (
            dataset_version_pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            dataset_pk BIGINT NOT NULL REFERENCES registered_datasets (dataset_pk) ON DELETE CASCADE,
            version BIGINT NOT NULL,
            manifest_hash TEXT COLLATE "C" NOT NULL,
            size BIGINT NOT NULL,
            file_count BIGINT NOT NULL,
            kind TEXT NOT NULL,
            description TEXT NOT NULL,
            run_id TEXT,
            source TEXT,
            row_count BIGINT,
            schema TEXT,
            profile TEXT,
            creation_timestamp BIGINT NOT NULL,
            last_updated_timestamp BIGINT NOT NULL,
            UNIQUE (dataset_pk, version)
        );
        CREATE INDEX dataset_versions_by_manifest ON dataset_versions (manifest_hash);
        CREATE TABLE dataset_version_tags (
            dataset_version_pk BIGINT NOT NULL REFERENCES dataset_versions (dataset_version_pk) ON DELETE CASCADE,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (dataset_version_pk, key)
        );
        """);
}
