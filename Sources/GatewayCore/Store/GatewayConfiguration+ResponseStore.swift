import Foundation

extension GatewayConfiguration {
    /// The response store's file name inside `dataDirectory`.
    public static let responseStoreFileName = "responses.sqlite"

    /// The response store's database file: `<data_dir>/responses.sqlite`.
    public var responseStorePath: String {
        URL(fileURLWithPath: dataDirectory, isDirectory: true)
            .appendingPathComponent(Self.responseStoreFileName).path
    }

    /// Opens the response store these settings name (creating the folder and the file when missing). Blocks.
    public func openResponseStore() throws -> ResponseStore {
        try ResponseStore(path: responseStorePath, maxAgeSeconds: responsesMaxAgeSeconds)
    }
}
