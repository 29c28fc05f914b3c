import Foundation

/// Reads a model's output as it streams and splits it into text and function calls written in a `ToolCallFormat`
/// (`<tool_call>\n{"name":"f","arguments":{…}}\n</tool_call>`, or a bare `{"name":"f","parameters":{…}}`), emitting each call as soon as its name is known and
/// its arguments as they arrive, so a streamed response never shows the call markup as text.
///
/// Under `auto` the output is text, then maybe calls from the first open tag on (the grammar allows nothing else);
/// text that could still become the tag is held back until it is decided. Output that breaks the format (only
/// possible without the grammar) is given back as text from the point where it broke.
public struct ToolCallParser: Sendable {
    public enum Event: Sendable, Equatable {
        case text(String)
        /// A call begins: its position among the calls, its id and the function's name.
        case callStart(index: Int, id: String, name: String)
        /// More of call `index`'s arguments (JSON text; the fragments joined are the whole arguments).
        case arguments(index: Int, String)
    }

    private enum State: Sendable {
        /// Text, with what was held back because it may be the start of the open tag.
        case text(String)
        /// Text that can no longer become a call (the bare-object format, once the answer began with other text).
        case textOnly
        /// Before a call's open tag (or between calls): what has arrived of it.
        case opening(String)
        /// After the open tag, before the arguments' value: what has arrived of `{"name":"…","arguments":`.
        case head(String)
        /// Inside the arguments' value.
        case arguments(ValueScanner)
        /// After the arguments: what has arrived of `}` and the close tag.
        case closing(String)
    }

    public let format: ToolCallFormat
    private let idPrefix: String
    private var state: State
    /// The calls so far (the last one may be incomplete while it streams, or when the output was cut short).
    public private(set) var calls: [ToolCall] = []
    /// The text so far, outside calls.
    public private(set) var text = ""

    /// - Parameters:
    ///   - allowsText: whether the output may be text (`auto`); otherwise it is calls from the first character.
    ///   - idPrefix: call ids are this prefix and 24 random letters and digits (`call_`, `toolu_`).
    public init(format: ToolCallFormat, allowsText: Bool, idPrefix: String = "call_") {
        self.format = format
        self.idPrefix = idPrefix
        state = allowsText ? .text("") : .opening("")
    }

    /// Whether the output so far holds at least one call.
    public var hasCalls: Bool { !calls.isEmpty }

    /// Whether the output ended (`finish`) in the middle of a call: cut by `max_tokens` or by a stop string.
    public private(set) var endedInsideCall = false

    /// How a generation that ended with `reason` is reported: `toolCalls` when it ended normally after complete
    /// calls; a call cut short keeps the engine's reason.
    public func finishReason(for reason: FinishReason) -> FinishReason {
        hasCalls && !endedInsideCall && reason == .stop ? .toolCalls : reason
    }

    /// The events for the next piece of output.
    public mutating func feed(_ piece: String) -> [Event] {
        var events: [Event] = []
        var pending = Substring(piece)
        while !pending.isEmpty {
            pending = step(pending, events: &events)
        }
        return Self.coalesce(events)
    }

    /// The events for what was held back when the output ends.
    public mutating func finish() -> [Event] {
        var events: [Event] = []
        switch state {
        case .text(let held):
            if !held.isEmpty { emitText(held, into: &events) }
        case .textOnly:
            break
        case .head, .arguments, .closing:
            // Cut short inside a call (before its name was complete the call is dropped: no markup becomes text).
            endedInsideCall = true
        case .opening(let held):
            endedInsideCall = !held.isEmpty
        }
        state = .text("")
        return Self.coalesce(events)
    }

    /// Consumes part of `input` and returns the rest.
    private mutating func step(_ input: Substring, events: inout [Event]) -> Substring {
        switch state {
        case .textOnly:
            emitText(String(input), into: &events)
            return ""
        case .text(let held) where format.open.isEmpty:
            // The bare-object format: an answer that starts with `{` is a call, any other is text.
            let candidate = held + input
            guard let first = candidate.first else { return "" }
            if first == "{" {
                state = .head("")
                return Substring(candidate)
            }
            state = .textOnly
            emitText(candidate, into: &events)
            return ""
        case .text(let held):
            let candidate = held + input
            if let tag = candidate.range(of: format.open) {
                emitText(String(candidate[..<tag.lowerBound]), into: &events)
                state = .head("")
                return candidate[tag.upperBound...]
            }
            // Hold back the longest end of the text that could begin the tag.
            var keep = min(format.open.count - 1, candidate.count)
            while keep > 0, !format.open.hasPrefix(String(candidate.suffix(keep))) { keep -= 1 }
            emitText(String(candidate.dropLast(keep)), into: &events)
            state = .text(String(candidate.suffix(keep)))
            return ""
        case .opening(let held) where format.open.isEmpty:
            let candidate = Self.dropLeadingWhitespace(held + input)
            guard let first = candidate.first else {
                state = .opening("")
                return ""
            }
            // One call per turn where the format allows no more: what follows it is text.
            if first == "{", calls.isEmpty || format.allowsParallel {
                state = .head("")
                return Substring(candidate)
            }
            state = .textOnly
            emitText(candidate, into: &events)
            return ""
        case .opening(let held):
            var candidate = held + input
            // Whitespace (the separator) before a tag is skipped.
            while let first = candidate.first, first.isWhitespace, !format.open.hasPrefix(candidate) {
                candidate.removeFirst()
            }
            if candidate.hasPrefix(format.open) {
                state = .head("")
                return Substring(candidate.dropFirst(format.open.count))
            }
            if format.open.hasPrefix(candidate) {
                state = .opening(candidate)
                return ""
            }
            state = afterBreak
            emitText(candidate, into: &events)
            return ""
        case .head(let held):
            let candidate = held + input
            switch Self.parseHead(candidate, argumentsKey: format.argumentsKey) {
            case .incomplete:
                state = .head(candidate)
                return ""
            case .broken:
                state = afterBreak
                emitText(format.open + candidate, into: &events)
                return ""
            case .complete(let name, let consumed):
                let index = calls.count
                let id = idPrefix + Self.randomID()
                calls.append(ToolCall(id: id, name: name, arguments: ""))
                events.append(.callStart(index: index, id: id, name: name))
                state = .arguments(ValueScanner())
                return Substring(candidate.unicodeScalars.dropFirst(consumed))
            }
        case .arguments(var scanner):
            var taken = ""
            var rest = Substring("")
            var scalars = input.unicodeScalars[...]
            while let scalar = scalars.first {
                if scanner.isComplete(before: scalar) { break }
                scanner.consume(scalar)
                taken.unicodeScalars.append(scalar)
                scalars = scalars.dropFirst()
            }
            if !scalars.isEmpty { rest = Substring(String(scalars)) }
            if !taken.isEmpty, let index = calls.indices.last {
                calls[index].arguments += taken
                events.append(.arguments(index: index, taken))
            }
            state = rest.isEmpty ? .arguments(scanner) : .closing("")
            return rest
        case .closing(let held):
            let candidate = held + input
            let expected = "}" + format.close
            let trimmed = Self.dropLeadingWhitespace(candidate)
            if trimmed.hasPrefix(expected) {
                state = .opening("")
                return Substring(trimmed.dropFirst(expected.count))
            }
            if expected.hasPrefix(trimmed) {
                state = .closing(candidate)
                return ""
            }
            state = afterBreak
            emitText(trimmed, into: &events)
            return ""
        }
    }

    /// Where output that broke the format goes on: plain text, which may still meet a tag; with the bare-object
    /// format nothing after it can be a call.
    private var afterBreak: State { format.open.isEmpty ? .textOnly : .text("") }

    private mutating func emitText(_ piece: String, into events: inout [Event]) {
        guard !piece.isEmpty else { return }
        text += piece
        events.append(.text(piece))
    }

    private enum Head {
        case incomplete
        case broken
        /// The name and how many Unicode scalars of the input the head took.
        case complete(String, Int)
    }

    /// Reads `{"name":"…","<argumentsKey>":` (whitespace allowed between tokens) from the start of `text`.
    private static func parseHead(_ text: String, argumentsKey: String) -> Head {
        let scalars = Array(text.unicodeScalars)
        var position = 0
        func skipSpace() {
            while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
        }
        /// Matches `literal`: true, false when it cannot, nil when the input ends first.
        func expect(_ literal: String) -> Bool? {
            for scalar in literal.unicodeScalars {
                guard position < scalars.count else { return nil }
                guard scalars[position] == scalar else { return false }
                position += 1
            }
            return true
        }
        func string() -> String?? {
            guard let opened = expect("\"") else { return .some(nil) }
            guard opened else { return nil }
            var raw = "\""
            var escaped = false
            while position < scalars.count {
                let scalar = scalars[position]
                position += 1
                raw.unicodeScalars.append(scalar)
                if escaped { escaped = false; continue }
                if scalar == "\\" { escaped = true; continue }
                if scalar == "\"" {
                    let decoded = (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: [.fragmentsAllowed]))
                        as? String
                    return decoded.map { .some($0) } ?? nil
                }
            }
            return .some(nil)
        }
        for literal in ["{", "\"name\"", ":"] {
            skipSpace()
            switch expect(literal) {
            case nil: return .incomplete
            case false?: return .broken
            case true?: break
            }
        }
        skipSpace()
        guard let nameResult = string() else { return .broken }
        guard let name = nameResult else { return .incomplete }
        for literal in [",", "\"" + argumentsKey + "\"", ":"] {
            skipSpace()
            switch expect(literal) {
            case nil: return .incomplete
            case false?: return .broken
            case true?: break
            }
        }
        skipSpace()
        guard position < scalars.count else { return .incomplete }
        return .complete(name, position)
    }

    /// Merges neighbouring text events and neighbouring argument events of the same call.
    private static func coalesce(_ events: [Event]) -> [Event] {
        var out: [Event] = []
        for event in events {
            switch (out.last, event) {
            case (.text(let a)?, .text(let b)):
                out[out.count - 1] = .text(a + b)
            case (.arguments(let i, let a)?, .arguments(let j, let b)) where i == j:
                out[out.count - 1] = .arguments(index: i, a + b)
            default:
                out.append(event)
            }
        }
        return out
    }

    private static func dropLeadingWhitespace(_ text: String) -> String {
        String(text.drop(while: { $0.isWhitespace }))
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// 24 random letters and digits (the tail of call, message and response ids).
    public static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &generator) ?? "A" })
    }
}

/// Follows one JSON value scalar by scalar to find where it ends (strings, escapes and nesting counted).
struct ValueScanner: Sendable {
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var started = false
    /// A scalar value (number, literal) has begun and runs until a delimiter.
    private var inBare = false
    private var done = false

    /// Whether the value is complete before `next` (which then belongs to what follows).
    func isComplete(before next: Unicode.Scalar) -> Bool {
        if done { return true }
        if inBare { return next == "}" || next == "," || next == "]" || next.properties.isWhitespace }
        return false
    }

    mutating func consume(_ scalar: Unicode.Scalar) {
        if inString {
            if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" {
                inString = false
                if depth == 0 { done = true }
            }
            return
        }
        switch scalar {
        case "\"":
            inString = true
            started = true
        case "{", "[":
            depth += 1
            started = true
        case "}", "]":
            depth -= 1
            if depth <= 0 { done = true }
        default:
            if !started, !scalar.properties.isWhitespace {
                started = true
                inBare = true
            }
        }
    }
}
