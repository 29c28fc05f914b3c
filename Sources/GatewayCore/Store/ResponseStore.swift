import Foundation
import GRDB

/// The embedded SQLite database (through GRDB) that keeps stored responses for OpenAI's Responses API: `store: true`,
/// `previous_response_id`, `GET` and `DELETE /v1/responses/{id}`. Rows older than `maxAgeSeconds` are not served
/// and `purgeExpired(now:)` removes them.
///
/// Thread-safe: any thread may call any method at once (a file database is a GRDB `DatabasePool` in WAL mode:
/// writes are serialised, reads run beside them). Every method BLOCKS on disk I/O and on other writers: do not call
/// it from a NIO event loop or Swift's cooperative pool without moving it to a thread of its own. Every failure is a
/// `ServingError` with code `.storageFailed`, whose message names the database file and SQLite's reason.
public final class ResponseStore: Sendable {
    /// The database file, or `:memory:`.
    public let path: String
    /// How long a response is kept, in seconds; 0: for ever.
    public let maxAgeSeconds: Int
    /// The connection (pool); internal so that tests can break the schema under the store.
    let database: any DatabaseWriter

    /// Opens the database at `path`, creating its folder and the file when missing, and brings its schema up to
    /// date. `:memory:` gives a private database that lives as long as this store (for tests). Blocks.
    /// - Parameter maxAgeSeconds: how long a response is kept; 0 (or less): for ever.
    public init(path: String, maxAgeSeconds: Int) throws {
        self.path = path
        self.maxAgeSeconds = max(0, maxAgeSeconds)
        guard !path.isEmpty else {
            throw ServingError(.storageFailed, "The response store has no path")
        }
        var configuration = Configuration()
        configuration.label = "ResponseStore"
        // Another process on the same file (a second gateway) holds the write lock only briefly: wait for it.
        configuration.busyMode = .timeout(5)
        if path != ":memory:" {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw ServingError(.storageFailed, "The response store's folder \(folder.path) cannot be created: "
                    + (Self.folderProblem(folder) ?? Self.reason(error)))
            }
        }
        do {
            let database: any DatabaseWriter = path == ":memory:"
                ? try DatabaseQueue(configuration: configuration)
                : try DatabasePool(path: path, configuration: configuration)
            try Self.migrator().migrate(database)
            self.database = database
        } catch {
            throw ServingError(.storageFailed, "The response store \(path) cannot be opened: \(Self.reason(error))")
        }
    }

    /// Saves `response`, replacing any row with its id. Blocks.
    public func save(_ response: StoredResponse) throws {
        try access("save response \(response.id)") { database in
            try database.write { db in
                // An empty Data binds as NULL in SQLite; it is stored as an empty blob instead.
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO response
                            (id, model, created_at, previous_response_id, response, conversation)
                        VALUES (?, ?, ?, ?, COALESCE(?, x''), COALESCE(?, x''))
                        """,
                    arguments: [response.id, response.model, response.createdAt, response.previousResponseID,
                                response.response, response.conversation])
            }
        }
    }

    /// The response with `id`; nil when there is none or it is older than `maxAgeSeconds` at `now` (unix
    /// seconds). Blocks.
    public func get(id: String, now: Int) throws -> StoredResponse? {
        let stored = try access("read response \(id)") { database in
            try database.read { db -> StoredResponse? in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, model, created_at, previous_response_id, response, conversation
                        FROM response WHERE id = ?
                        """,
                    arguments: [id])
                guard let row else { return nil }
                return StoredResponse(
                    id: try row.decode(String.self, forColumn: "id"),
                    model: try row.decode(String.self, forColumn: "model"),
                    createdAt: try row.decode(Int.self, forColumn: "created_at"),
                    previousResponseID: try row.decode(String?.self, forColumn: "previous_response_id"),
                    response: try row.decode(Data?.self, forColumn: "response") ?? Data(),
                    conversation: try row.decode(Data?.self, forColumn: "conversation") ?? Data())
            }
        }
        guard let stored, !isExpired(createdAt: stored.createdAt, now: now) else { return nil }
        return stored
    }

    /// Deletes the response with `id`; true when a row was deleted (an expired row not yet purged counts).
    /// Blocks.
    public func delete(id: String) throws -> Bool {
        try access("delete response \(id)") { database in
            try database.write { db in
                try db.execute(sql: "DELETE FROM response WHERE id = ?", arguments: [id])
                return db.changesCount > 0
            }
        }
    }

    /// Deletes every response older than `maxAgeSeconds` at `now` (unix seconds); the number deleted. Blocks.
    public func purgeExpired(now: Int) throws -> Int {
        guard maxAgeSeconds > 0 else { return 0 }
        let (oldest, overflow) = now.subtractingReportingOverflow(maxAgeSeconds)
        guard !overflow else { return 0 }
        return try access("purge expired responses") { database in
            try database.write { db in
                try db.execute(sql: "DELETE FROM response WHERE created_at < ?", arguments: [oldest])
                return db.changesCount
            }
        }
    }

    /// How many responses the database holds, expired ones not yet purged included. Blocks.
    public func count() throws -> Int {
        try access("count responses") { database in
            try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM response") ?? 0 }
        }
    }

    /// Whether a response created at `createdAt` is past `maxAgeSeconds` at `now`.
    func isExpired(createdAt: Int, now: Int) -> Bool {
        guard maxAgeSeconds > 0 else { return false }
        let (age, overflow) = now.subtractingReportingOverflow(createdAt)
        return !overflow && age > maxAgeSeconds
    }

    /// Runs `body` on the database, turning any failure into a `ServingError` naming `action`.
    private func access<T>(_ action: String, _ body: (any DatabaseWriter) throws -> T) throws -> T {
        do {
            return try body(database)
        } catch {
            throw ServingError(.storageFailed, "The response store \(path) could not \(action): \(Self.reason(error))")
        }
    }

    /// Why `folder` cannot be created, when an existing ancestor tells: a file in the way, or no write permission.
    static func folderProblem(_ folder: URL) -> String? {
        let files = FileManager.default
        var ancestor = folder
        while true {
            var isFolder: ObjCBool = false
            if files.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
                if !isFolder.boolValue { return "\(ancestor.path) is a file, not a folder" }
                return files.isWritableFile(atPath: ancestor.path) ? nil : "\(ancestor.path) is not writable"
            }
            let parent = ancestor.deletingLastPathComponent()
            guard parent.path != ancestor.path else { return nil }
            ancestor = parent
        }
    }

    /// One line saying why, without the SQL's arguments or a row's values (response bodies stay out of messages and
    /// logs).
    static func reason(_ error: any Error) -> String {
        let text: String
        switch error {
        case let error as DatabaseError:
            text = "SQLite error \(error.resultCode.rawValue): \(error.message ?? "no message")"
        case is RowDecodingError:
            text = "a stored row has a value of the wrong type"
        default:
            // Foundation's file errors keep the system's reason (ENOTDIR, EACCES, ...) as their underlying error.
            let error = error as NSError
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
               underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
            {
                text = "\(error.localizedDescription) (\(POSIXError(code).localizedDescription))"
            } else {
                text = error.localizedDescription
            }
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
