import ArgumentParser
import Foundation

/// A benchmark report: JSON for machines, a table for people, and how many requests failed.
protocol BenchReport: Encodable {
    var failed: Int { get }
    func table() -> String
}

extension BenchChatReport: BenchReport {}
extension BenchEmbeddingsReport: BenchReport {}

/// Where the bench commands write: the report to standard output, progress to standard error.
enum BenchOutput {
    /// Progress goes to standard error, so that standard output holds only the report.
    static func progress(_ message: String) {
        FileHandle.standardError.write(Data("bench: \(message)\n".utf8))
    }

    /// Prints `report` (as JSON when asked) and fails the command when any of its `units` failed.
    static func emit(_ report: some BenchReport, json: Bool, units: String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table())
        }
        if report.failed > 0 {
            progress("\(report.failed) \(units) failed")
            throw ExitCode.failure
        }
    }
}
