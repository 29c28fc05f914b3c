import GRDB

extension ResponseStore {
    /// The schema's history: each migration runs once per database file, in order. Add new ones at the end;
    /// never edit one that has shipped.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: response table") { db in
            try db.create(table: "response") { table in
                table.primaryKey("id", .text)
                table.column("model", .text).notNull()
                table.column("created_at", .integer).notNull().indexed()
                table.column("previous_response_id", .text)
                table.column("response", .blob).notNull()
                table.column("conversation", .blob).notNull()
            }
        }
        return migrator
    }
}
