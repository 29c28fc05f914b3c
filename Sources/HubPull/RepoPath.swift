/// The checks and transformations of repository ids, revisions, file paths and folder names: everything a repo's
/// listing or a request could smuggle into a URL or a file system path goes through here first.
public enum RepoPath {
    /// `owner/name` with the Hub's characters: `^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$`.
    public static func isValidRepository(_ repository: String) -> Bool {
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, repository.utf8.count <= 200 else { return false }
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, isAlphanumeric(first) else { return false }
            return part.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
        }
    }

    /// A branch, tag or commit: not empty, no `..`, not starting with `/`, no backslash or control characters.
    public static func isValidRevision(_ revision: String) -> Bool {
        !revision.isEmpty && revision.utf8.count <= 256 && !revision.hasPrefix("/") && !revision.contains("..")
            && !revision.unicodeScalars.contains { $0 == "\\" || isControl($0) }
    }

    /// A plain folder name under the models folder: not empty, no `/` or backslash, not starting with `.`.
    public static func isValidFolderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && !name.hasPrefix(".")
            && !name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || isControl($0) }
    }

    /// The components of a repository file path (`rfilename`), or nil when it is unsafe to write: absolute, with
    /// `..`, `.` or empty components, a backslash or a NUL.
    public static func safeComponents(_ path: String) -> [String]? {
        guard !path.isEmpty, path.utf8.count <= 4096, !path.hasPrefix("/"),
              !path.unicodeScalars.contains(where: { $0 == "\\" || $0 == "\0" })
        else { return nil }
        let components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        return components
    }

    /// The default folder name of a repository: its name part, lower-cased (`BAAI/bge-small-en-v1.5` →
    /// `bge-small-en-v1.5`).
    public static func defaultFolderName(repository: String) -> String {
        String(repository.split(separator: "/").last ?? Substring(repository)).lowercased()
    }

    /// The leading directories every path shares (`["cpu_and_mobile", "cpu-int4"]`); empty when they share none.
    /// Only directories count: a file name is never part of the prefix.
    public static func commonDirectoryPrefix(_ paths: [[String]]) -> [String] {
        guard var prefix = paths.first.map({ Array($0.dropLast()) }) else { return [] }
        for components in paths.dropFirst() {
            let directories = components.dropLast()
            var shared = 0
            while shared < prefix.count, shared < directories.count,
                  prefix[shared] == directories[directories.startIndex + shared] {
                shared += 1
            }
            prefix.removeLast(prefix.count - shared)
        }
        return prefix
    }

    /// Where each repository path goes inside the model folder: the same path, less the directory prefix all of them
    /// share (so `cpu_and_mobile/cpu-int4/genai_config.json` lands at the top of the folder). Nil for an unsafe path.
    public static func localPaths(for paths: [String]) -> [String]? {
        var split: [[String]] = []
        for path in paths {
            guard let components = safeComponents(path) else { return nil }
            split.append(components)
        }
        let prefix = commonDirectoryPrefix(split)
        return split.map { $0.dropFirst(prefix.count).joined(separator: "/") }
    }

    /// Percent-encodes one URL path segment: everything but RFC 3986's unreserved characters (so `/` too).
    public static func encodeSegment(_ segment: String) -> String {
        var encoded = ""
        for byte in segment.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, isAlphanumeric(scalar) || scalar == "-" || scalar == "." || scalar == "_" || scalar == "~" {
                encoded.unicodeScalars.append(scalar)
            } else {
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(digits[Int(byte >> 4)])
                encoded.unicodeScalars.append(digits[Int(byte & 0x0f)])
            }
        }
        return encoded
    }

    /// Percent-encodes a repository file path, keeping its `/` separators.
    public static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { encodeSegment(String($0)) }
            .joined(separator: "/")
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7f
    }
}
