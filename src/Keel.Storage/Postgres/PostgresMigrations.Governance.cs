using Keel.Storage.Migrations;

namespace Keel.Storage.Postgres;

internal static partial class PostgresMigrations
{
    // Moves and approvals cascade with their model (approvals with their version), so registry deletes need not know them.
    private static Migration Governance => new(7, "governance", """
        -- Every alias move with who, when and why; rollback reads it. id orders moves of the same millisecond.
        CREATE TABLE model_alias_moves (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            model_pk BIGINT NOT NULL REFERENCES registered_models (model_pk) ON DELETE CASCADE,
            alias TEXT COLLATE "C" NOT NULL,
            previous_version BIGINT,
            new_version BIGINT,
            user_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            kind TEXT NOT NULL,
            moved_at BIGINT NOT NULL
        );
        CREATE INDEX model_alias_moves_by_model ON model_alias_moves (model_pk, alias, id);
        CREATE TABLE model_version_approvals (
            model_pk BIGINT NOT NULL,
            version BIGINT NOT NULL,
            alias TEXT COLLATE "C" NOT NULL,
            user_id TEXT COLLATE "C" NOT NULL,
            comment TEXT NOT NULL,
            approved_at BIGINT NOT NULL,
            PRIMARY KEY (model_pk, version, alias, user_id),
            FOREIGN KEY (model_pk, version) REFERENCES model_versions (model_pk, version) ON DELETE CASCADE
        );
        """);
}
