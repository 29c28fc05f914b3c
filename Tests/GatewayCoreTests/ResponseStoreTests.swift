import Foundation
import GRDB
import Testing
@testable import GatewayCore

/// The response store on a real SQLite (GRDB): round trips, expiry, a reopened file, failures as `ServingError`,
/// and writers on several threads.
@Suite struct ResponseStoreTests {
    static func response(_ id: String, createdAt: Int = 1_000, previous: String? = nil) -> StoredResponse {
        StoredResponse(
            id: id, model: "smollm2-135m-instruct", createdAt: createdAt, previousResponseID: previous,
            response: Data(#"{"id":"\#(id)","object":"response","output":[]}"#.utf8),
            conversation: Data(#"[{"role":"user","content":"hi \#(id)"}]"#.utf8))
    }

    /// A fresh folder under the temporary directory, removed after `body`.
    func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aigw-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    @Test("save, get, replace and delete round trip")
    func roundTrip() throws {
        let store = try ResponseStore(path: ":memory:", maxAgeSeconds: 3600)
        #expect(try store.count() == 0)
        let first = Self.response("resp_1")
        let second = Self.response("resp_2", createdAt: 1_010, previous: "resp_1")
        try store.save(first)
        try store.save(second)
        #expect(try store.get(id: "resp_1", now: 1_020) == first)
        #expect(try store.get(id: "resp_2", now: 1_020) == second)
        #expect(try store.get(id: "resp_2", now: 1_020)?.previousResponseID == "resp_1")
        #expect(try store.count() == 2)

        var replaced = second
        replaced.response = Data(#"{"id":"resp_2","status":"completed"}"#.utf8)
        try store.save(replaced)
        #expect(try store.get(id: "resp_2", now: 1_020) == replaced)
        #expect(try store.count() == 2)

        #expect(try store.delete(id: "resp_1"))
        #expect(try store.get(id: "resp_1", now: 1_020) == nil)
        #expect(try store.delete(id: "resp_1") == false)
        #expect(try store.count() == 1)
    }

    @Test("bytes come back exactly: non-ASCII, NUL, and empty data")
    func exactBytes() throws {
        let store = try ResponseStore(path: ":memory:", maxAgeSeconds: 0)
        let odd = StoredResponse(id: "resp_ü", model: "m", createdAt: 0, response: Data([0, 1, 0xFF, 0x7B]),
                                 conversation: Data())
        try store.save(odd)
        let back = try #require(try store.get(id: "resp_ü", now: 0))
        #expect(back == odd)
        #expect(back.conversation.isEmpty)
        #expect(back.previousResponseID == nil)
    }

    @Test("an unknown id is nil and deletes nothing")
    func unknownID() throws {
        let store = try ResponseStore(path: ":memory:", maxAgeSeconds: 60)
        try store.save(Self.response("resp_known"))
        #expect(try store.get(id: "resp_unknown", now: 1_000) == nil)
        #expect(try store.get(id: "", now: 1_000) == nil)
        #expect(try store.get(id: "resp_known' OR '1'='1", now: 1_000) == nil)
        #expect(try store.delete(id: "resp_unknown") == false)
        #expect(try store.count() == 1)
    }

    @Test("a response older than maxAge is not served, and purgeExpired removes it and only it")
    func expiry() throws {
        let store = try ResponseStore(path: ":memory:", maxAgeSeconds: 100)
        try store.save(Self.response("resp_old", createdAt: 1_000))
        try store.save(Self.response("resp_new", createdAt: 1_050))
        #expect(try store.get(id: "resp_old", now: 1_100) != nil, "exactly maxAge old is still kept")
        #expect(try store.get(id: "resp_old", now: 1_101) == nil)
        #expect(try store.get(id: "resp_new", now: 1_101) != nil)
        #expect(try store.count() == 2, "an expired row stays until purged")

        #expect(try store.purgeExpired(now: 1_100) == 0)
        #expect(try store.purgeExpired(now: 1_101) == 1)
        #expect(try store.count() == 1)
        #expect(try store.get(id: "resp_new", now: 1_101) != nil)
        #expect(try store.purgeExpired(now: 1_101) == 0)
        #expect(try store.purgeExpired(now: Int.min) == 0)
        #expect(try store.get(id: "resp_new", now: Int.max) == nil)
    }

    @Test("maxAge 0 keeps responses for ever")
    func noExpiry() throws {
        let store = try ResponseStore(path: ":memory:", maxAgeSeconds: 0)
        try store.save(Self.response("resp_ancient", createdAt: 0))
        #expect(try store.get(id: "resp_ancient", now: Int.max) != nil)
        #expect(try store.purgeExpired(now: Int.max) == 0)
        #expect(try store.count() == 1)
    }

    @Test("a file database creates its folders, runs in WAL mode and survives a reopen")
    func reopen() throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("nested/data/responses.sqlite").path
            let first = Self.response("resp_a")
            let second = Self.response("resp_b", createdAt: 1_001, previous: "resp_a")
            do {
                let store = try ResponseStore(path: path, maxAgeSeconds: 0)
                try store.save(first)
                try store.save(second)
                #expect(FileManager.default.fileExists(atPath: path))
                #expect(FileManager.default.fileExists(atPath: path + "-wal"), "WAL mode keeps a -wal file")
            }
            // A WAL database says so in its header: file format write and read versions (bytes 18, 19) are 2.
            let header = try #require(FileManager.default.contents(atPath: path))
            #expect(header.count >= 100 && header[18] == 2 && header[19] == 2, "not a WAL database")

            let reopened = try ResponseStore(path: path, maxAgeSeconds: 0)
            #expect(try reopened.count() == 2)
            #expect(try reopened.get(id: "resp_a", now: 2_000) == first)
            #expect(try reopened.get(id: "resp_b", now: 2_000) == second)
            #expect(try reopened.delete(id: "resp_a"))
            let again = try ResponseStore(path: path, maxAgeSeconds: 0)
            #expect(try again.count() == 1)
        }
    }

    @Test("the configuration names <data_dir>/responses.sqlite and opens it")
    func fromConfiguration() throws {
        try withTemporaryFolder { folder in
            var configuration = GatewayConfiguration()
            #expect(configuration.dataDirectory == "data")
            #expect(configuration.responsesMaxAgeSeconds == 2_592_000)
            #expect(configuration.responseStorePath.hasSuffix("/data/responses.sqlite"))
            configuration.dataDirectory = folder.path
            configuration.responsesMaxAgeSeconds = 10
            #expect(configuration.responseStorePath == folder.appendingPathComponent("responses.sqlite").path)
            let store = try configuration.openResponseStore()
            #expect(store.maxAgeSeconds == 10)
            try store.save(Self.response("resp_c", createdAt: 100))
            #expect(try store.get(id: "resp_c", now: 111) == nil)
        }
    }

    @Test("a database that cannot be created or opened is a storage_failed ServingError, not a crash")
    func cannotOpen() throws {
        try withTemporaryFolder { folder in
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // A plain file where a folder must be.
            let blocker = folder.appendingPathComponent("blocker")
            try Data("x".utf8).write(to: blocker)
            let underFile = blocker.appendingPathComponent("sub/responses.sqlite").path
            let error = #expect(throws: ServingError.self) { try ResponseStore(path: underFile, maxAgeSeconds: 0) }
            #expect(error?.code == .storageFailed)
            #expect(error?.message.contains("blocker is a file, not a folder") == true, "\(String(describing: error))")
            #expect(error?.message.contains("\n") == false)

            // A folder where the file must be.
            let isFolder = folder.appendingPathComponent("folder.sqlite")
            try FileManager.default.createDirectory(at: isFolder, withIntermediateDirectories: true)
            let folderError = #expect(throws: ServingError.self) {
                try ResponseStore(path: isFolder.path, maxAgeSeconds: 0)
            }
            #expect(folderError?.code == .storageFailed)

            // A file that is not a SQLite database.
            let garbage = folder.appendingPathComponent("garbage.sqlite")
            try Data(repeating: 0x41, count: 4096).write(to: garbage)
            let garbageError = #expect(throws: ServingError.self) {
                try ResponseStore(path: garbage.path, maxAgeSeconds: 0)
            }
            #expect(garbageError?.code == .storageFailed)
            #expect(garbageError?.message.contains("SQLite error") == true, "\(String(describing: garbageError))")

            let emptyError = #expect(throws: ServingError.self) { try ResponseStore(path: "", maxAgeSeconds: 0) }
            #expect(emptyError?.code == .storageFailed)
        }
    }

    @Test("failures after opening (a row it cannot read, a missing table) are ServingErrors, not crashes")
    func failsOnUse() throws {
        let store = try ResponseStore(path: ":memory:", maxAgeSeconds: 60)
        try store.database.write { db in
            try db.execute(sql: """
                INSERT INTO response (id, model, created_at, previous_response_id, response, conversation)
                VALUES ('resp_bad', 'm', 'yesterday', NULL, x'', x'')
                """)
        }
        let unreadable = #expect(throws: ServingError.self) { try store.get(id: "resp_bad", now: 10) }
        #expect(unreadable?.code == .storageFailed)
        #expect(unreadable?.message.contains("resp_bad") == true, "\(String(describing: unreadable))")

        try store.database.write { db in try db.execute(sql: "DROP TABLE response") }
        for call in [{ try store.save(Self.response("resp_1")) }, { _ = try store.get(id: "resp_1", now: 0) },
                     { _ = try store.delete(id: "resp_1") }, { _ = try store.count() },
                     { _ = try store.purgeExpired(now: 0) }] as [() throws -> Void] {
            let error = #expect(throws: ServingError.self) { try call() }
            #expect(error?.code == .storageFailed)
        }
    }

    @Test("saves from several threads at once all land")
    func concurrentSaves() throws {
        try withTemporaryFolder { folder in
            let store = try ResponseStore(path: folder.appendingPathComponent("responses.sqlite").path,
                                          maxAgeSeconds: 0)
            let failures = LockedValue<[String]>([])
            let threads = 8
            let perThread = 25
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for index in 0..<perThread {
                    let id = "resp_\(thread)_\(index)"
                    do {
                        try store.save(Self.response(id, createdAt: index))
                        guard try store.get(id: id, now: index) != nil else {
                            failures.withLock { $0.append("\(id) not read back") }
                            continue
                        }
                        _ = try store.count()
                    } catch {
                        failures.withLock { $0.append("\(id): \(error)") }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
            #expect(try store.count() == threads * perThread)
            for thread in 0..<threads {
                #expect(try store.get(id: "resp_\(thread)_\(perThread - 1)", now: 0) == Self.response(
                    "resp_\(thread)_\(perThread - 1)", createdAt: perThread - 1))
            }
        }
    }
}
