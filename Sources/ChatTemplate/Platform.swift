#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few C library calls the engine needs (no Foundation dependency).
enum Platform {
    static func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }

    /// `round(x, digits)` as Python does it: the correctly rounded decimal
    /// (half-even on the exact binary value, which C's `%.*f` gives) read back.
    static func roundDecimal(_ x: Double, digits: Int) -> Double {
        guard x.isFinite, (0...30).contains(digits) else { return x }
        var buffer = [CChar](repeating: 0, count: 400)
        let written = buffer.withUnsafeMutableBufferPointer { pointer -> Int32 in
            guard let base = pointer.baseAddress else { return -1 }
            return withVaList([Int32(digits), x]) { vsnprintf(base, pointer.count, "%.*f", $0) }
        }
        guard written > 0, Int(written) < buffer.count else { return x }
        let text = String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return Double(text) ?? x
    }

    /// `datetime.now().strftime(format)` in local time, as transformers'
    /// `strftime_now` global does.
    static func strftimeNow(_ format: String) -> String {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else { return "" }
        var buffer = [CChar](repeating: 0, count: 512)
        let written = buffer.withUnsafeMutableBufferPointer { pointer -> Int in
            guard let base = pointer.baseAddress else { return 0 }
            return strftime(base, pointer.count, format, &parts)
        }
        guard written > 0 else { return "" }
        return String(decoding: buffer.prefix(written).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
