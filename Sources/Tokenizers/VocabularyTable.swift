/// An immutable hash map from UTF-8 byte strings to token ids, probed without allocating a `String`.
///
/// WordPiece looks up many candidate substrings per word; hashing raw bytes from a scratch buffer is several
/// times faster than building a `Substring` key for a `Dictionary`.
struct VocabularyTable: Sendable {
    private var keyBytes: [UInt8] = []
    /// Entry `i`'s key is `keyBytes[keyStarts[i]..<keyStarts[i + 1]]`.
    private var keyStarts: [Int32] = [0]
    private var values: [Int32] = []
    /// Open-addressing slots holding entry indices, or -1 when empty.
    private var slots: [Int32]
    private var mask: Int
    /// The longest key in bytes; longer probes cannot match.
    private(set) var maxKeyLength = 0

    var count: Int { values.count }

    /// Builds the table; a later duplicate key replaces an earlier one.
    init<Keys: Sequence>(_ entries: Keys) where Keys.Element == (key: [UInt8], value: Int32) {
        let list = Array(entries)
        var capacity = 16
        while capacity < list.count * 2 { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        keyBytes.reserveCapacity(list.reduce(0) { $0 + $1.key.count })
        for (key, value) in list {
            insert(key, value)
        }
    }

    private mutating func insert(_ key: [UInt8], _ value: Int32) {
        var slot = key.withUnsafeBufferPointer { Self.hash($0) } & mask
        while slots[slot] >= 0 {
            let entry = Int(slots[slot])
            if key.withUnsafeBufferPointer({ keyEquals(entry, $0) }) {
                values[entry] = value
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(values.count)
        keyBytes.append(contentsOf: key)
        keyStarts.append(Int32(keyBytes.count))
        values.append(value)
        maxKeyLength = max(maxKeyLength, key.count)
    }

    /// The id stored for `key`, if any.
    @inline(__always)
    func value(for key: UnsafeBufferPointer<UInt8>) -> Int32? {
        var slot = Self.hash(key) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if keyEquals(Int(entry), key) { return values[Int(entry)] }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func keyEquals(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(keyStarts[entry])
        let end = Int(keyStarts[entry + 1])
        guard end - start == key.count else { return false }
        return keyBytes.withUnsafeBufferPointer { stored in
            for offset in 0..<key.count where stored[start + offset] != key[offset] {
                return false
            }
            return true
        }
    }

    /// FNV-1a, 64 bit, folded to `Int`.
    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
