/// A compiled Hugging Face chat template (the `chat_template` string from
/// `tokenizer_config.json`), rendered as transformers renders it: jinja2's
/// immutable sandbox with `trim_blocks`, `lstrip_blocks`, loop controls,
/// transformers' `tojson`, `raise_exception` and `strftime_now`.
///
/// Parsing happens once in `init`; `render` is pure and may be called from
/// any thread. Rendering never traps: errors, limits and the template's own
/// `raise_exception` all surface as `TemplateError`.
public struct ChatTemplate: Sendable {
    private let nodes: [Node]

    /// The longest template source accepted: real chat templates are under
    /// 64 KiB, and a template may come from a model folder pulled from anywhere.
    public static let maxSourceBytes = 1 << 20

    /// Parses `source`; throws `TemplateError` (with a line) on syntax errors
    /// and on sources over `maxSourceBytes`.
    public init(_ source: String) throws {
        guard source.utf8.count <= Self.maxSourceBytes else {
            throw TemplateError("template source exceeds \(Self.maxSourceBytes) bytes")
        }
        nodes = try Parser.parse(source)
    }

    /// Renders with the given variables (e.g. `messages`, `tools`,
    /// `add_generation_prompt`, `bos_token`, `eos_token`). `.undefined`
    /// values are treated as absent.
    public func render(_ context: [(String, TemplateValue)]) throws -> String {
        var variables: [String: Value] = [:]
        for (name, value) in context where value != .undefined {
            guard value.nests(within: Renderer.maxNesting) else {
                throw TemplateError("variable '\(name)' is nested too deeply")
            }
            variables[name] = Value(value)
        }
        return try Renderer(context: variables).render(nodes)
    }

    /// Renders with the entries of `context` as variables.
    public func render(_ context: TemplateObject) throws -> String {
        try render(context.entries.map { ($0.key, $0.value) })
    }
}
