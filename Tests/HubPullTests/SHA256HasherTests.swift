import Foundation
import Testing
@testable import HubPull

@Suite struct SHA256HasherTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
            + "nopqrstu", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func standardVectors(message: String, digest: String) {
        #expect(SHA256Hasher.hex(of: Array(message.utf8)) == digest)
    }

    @Test func aMillionAs() {
        var hasher = SHA256Hasher()
        let thousand = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(thousand) }
        #expect(hasher.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func lengthsAroundThePaddingBoundary() {
        // Known digests of "a" * n for n = 55, 56, 63, 64, 65 (hashlib).
        let expected = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
        ]
        for (count, digest) in expected {
            #expect(SHA256Hasher.hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: count)) == digest)
        }
    }

    @Test func chunkingDoesNotChangeTheDigest() {
        let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
        let whole = SHA256Hasher.hex(of: message)
        for chunk in [1, 3, 63, 64, 65, 127, 1000, 4096] {
            var hasher = SHA256Hasher()
            var start = 0
            while start < message.count {
                let end = min(start + chunk, message.count)
                hasher.update(message[start..<end])
                start = end
            }
            #expect(hasher.hexDigest() == whole, "chunk size \(chunk)")
        }
    }

    @Test func digestLeavesTheHasherUsable() {
        var hasher = SHA256Hasher()
        hasher.update(Array("ab".utf8))
        _ = hasher.hexDigest()
        hasher.update(Array("c".utf8))
        #expect(hasher.hexDigest() == SHA256Hasher.hex(of: Array("abc".utf8)))
    }

    /// A generated 3 MB file, hashed here in odd-sized chunks and by Python's hashlib.
    @Test func matchesPythonHashlibOnAGeneratedFile() throws {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: 3_000_017)
        for index in bytes.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString).bin")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        var hasher = SHA256Hasher()
        var start = 0
        while start < bytes.count {
            let end = min(start + 65_537, bytes.count)
            bytes[start..<end].withUnsafeBytes { hasher.update(buffer: $0) }
            start = end
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let script = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())"
        process.arguments = ["-c", script, url.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(hasher.hexDigest() == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
