using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

internal static partial class PostgresMigrations
{
    private static Migration Deployments => new(3, "deployments", """
        -- A deployment row points at its current revision; revisions are appended, never updated, so the
        -- history is the table itself and a rollback is one more row.
        CREATE TABLE deployments (
            deployment_pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name TEXT COLLATE "C" NOT NULL UNIQUE,
            creation_timestamp BIGINT NOT NULL,
            last_updated_timestamp BIGINT NOT NULL,
            current_revision BIGINT NOT NULL
        );
        CREATE TABLE deployment_revisions (
            deployment_pk BIGINT NOT NULL REFERENCES deployments (deployment_pk) ON DELETE CASCADE,
            revision BIGINT NOT NULL,
            creation_timestamp BIGINT NOT NULL,
            spec TEXT NOT NULL,
            PRIMARY KEY (deployment_pk, revision)
        );
        """);
}
