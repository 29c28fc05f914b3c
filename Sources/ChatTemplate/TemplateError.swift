/// An error from parsing or rendering a chat template.
///
/// Parse errors carry the line of the template they point at; a template's own
/// `raise_exception(message)` surfaces with `message` verbatim (and `raised` set),
/// so callers can show the model author's wording unchanged.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Human-readable reason.
    public let message: String
    /// 1-based template line for parse errors, when known.
    public let line: Int?
    /// True when the template itself called `raise_exception`.
    public let raised: Bool

    public init(_ message: String, line: Int? = nil, raised: Bool = false) {
        self.message = message
        self.line = line
        self.raised = raised
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}
