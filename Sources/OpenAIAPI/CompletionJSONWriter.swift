import GatewayCore

/// Writes the JSON of completion responses and chunks straight to bytes, so field order and `null`s are exactly
/// OpenAI's. Strings are escaped as JSON requires (quote, backslash, control characters); other characters,
/// non-ASCII included, are written as raw UTF-8.
struct CompletionJSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// JSON text written as is (punctuation, keys, literals).
    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func string(_ text: String) {
        Self.appendEscaped(text, to: &bytes)
    }

    mutating func stringOrNull(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    mutating func integer(_ value: Int) {
        raw(String(value))
    }

    /// A log-probability in its shortest round-trip form; -inf (and NaN) as -9999.0, the floor OpenAI reports.
    mutating func logprob(_ value: Double) {
        raw(value.isFinite ? String(value) : "-9999.0")
    }

    mutating func byteArray(_ values: [UInt8]) {
        raw("[")
        for (index, value) in values.enumerated() {
            if index > 0 { raw(",") }
            raw(String(value))
        }
        raw("]")
    }

    /// `{"prompt_tokens":…,"completion_tokens":…,"total_tokens":…,"prompt_tokens_details":{"cached_tokens":…}}`.
    mutating func usage(_ usage: GenerationUsage) {
        raw(#"{"prompt_tokens":\#(usage.promptTokens),"completion_tokens":\#(usage.completionTokens),"#)
        raw(#""total_tokens":\#(usage.totalTokens),"prompt_tokens_details":{"cached_tokens":\#(usage.cachedTokens)}}"#)
    }

    /// Chat's `logprobs`: `{"content":[{token, logprob, bytes, top_logprobs:[{token, logprob, bytes}]}],
    /// "refusal":null}`.
    mutating func chatLogprobs(_ tokens: [TokenLogprobs]) {
        raw(#"{"content":["#)
        for (index, token) in tokens.enumerated() {
            if index > 0 { raw(",") }
            tokenLogprob(token.chosen, closing: false)
            raw(#","top_logprobs":["#)
            for (position, alternative) in token.top.enumerated() {
                if position > 0 { raw(",") }
                tokenLogprob(alternative, closing: true)
            }
            raw("]}")
        }
        raw(#"],"refusal":null}"#)
    }

    private mutating func tokenLogprob(_ token: TokenLogprob, closing: Bool) {
        raw(#"{"token":"#)
        string(token.token)
        raw(#","logprob":"#)
        logprob(token.logprob)
        raw(#","bytes":"#)
        byteArray(token.bytes)
        if closing { raw("}") }
    }

    /// The legacy API's `logprobs`: `{"tokens":[…],"token_logprobs":[…],"top_logprobs":[{token: logprob}],
    /// "text_offset":[…]}`, offsets counted in Unicode scalars from `textOffset`. A token that appears twice among
    /// one position's alternatives keeps its first (most likely) entry, as a JSON object cannot hold both.
    mutating func legacyLogprobs(_ tokens: [TokenLogprobs], textOffset: Int) {
        raw(#"{"tokens":["#)
        for (index, token) in tokens.enumerated() {
            if index > 0 { raw(",") }
            string(token.chosen.token)
        }
        raw(#"],"token_logprobs":["#)
        for (index, token) in tokens.enumerated() {
            if index > 0 { raw(",") }
            logprob(token.chosen.logprob)
        }
        raw(#"],"top_logprobs":["#)
        for (index, token) in tokens.enumerated() {
            if index > 0 { raw(",") }
            raw("{")
            var seen = Set<String>()
            for alternative in token.top where seen.insert(alternative.token).inserted {
                if seen.count > 1 { raw(",") }
                string(alternative.token)
                raw(":")
                logprob(alternative.logprob)
            }
            raw("}")
        }
        raw(#"],"text_offset":["#)
        var offset = textOffset
        for (index, token) in tokens.enumerated() {
            if index > 0 { raw(",") }
            integer(offset)
            offset += token.chosen.token.unicodeScalars.count
        }
        raw("]}")
    }

    /// `text` as a quoted JSON string: `"` and `\` escaped, U+0000...U+001F as `\b \t \n \f \r` or `\u00XX`.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array(#"\u00"#.utf8))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
