import ChatTemplate
import Foundation
import GatewayCore

/// The request body as sent, for what must keep the client's key order: a tool's parameter schema, which a model's
/// own chat template prints with `tojson` exactly as transformers would (Python dicts keep insertion order; the
/// parsed request does not). The routes put the body into the decoder's `userInfo`.
public enum RequestBodyOrder {
    /// The `userInfo` key under which the routes pass the raw body (`Data`) to the decoder.
    public static let userInfoKey = CodingUserInfoKey(rawValue: "ai-gateway.request-body")

    /// The raw body a decoder was given, if any.
    static func body(of decoder: any Decoder) -> Data? {
        guard let key = userInfoKey else { return nil }
        return decoder.userInfo[key] as? Data
    }

    /// `tools` with each parameter schema re-written compactly in the client's key order, read from `body` at
    /// `path(index)` (e.g. `tools`, index, `function`, `parameters`). A tool whose schema cannot be found there
    /// keeps the schema it has.
    static func ordered(_ tools: [ToolDefinition], body: Data?, path: (Int) -> [PathStep]) -> [ToolDefinition] {
        guard !tools.isEmpty, let body, let document = try? TemplateValue(json: String(decoding: body, as: UTF8.self))
        else { return tools }
        return tools.enumerated().map { index, tool in
            var value: TemplateValue? = document
            for step in path(index) {
                switch (step, value) {
                case (.key(let key), .object(let object)?): value = object[key]
                case (.index(let at), .array(let items)?): value = items.indices.contains(at) ? items[at] : nil
                default: value = nil
                }
            }
            // The same schema in another order, or nothing: the body and the parsed request must agree.
            guard case .object? = value, let text = try? value?.jsonText(),
                  let mine = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary,
                  let parsed = try? JSONSerialization.jsonObject(with: Data(tool.parameters.utf8)) as? NSDictionary,
                  mine.isEqual(parsed)
            else { return tool }
            var ordered = tool
            ordered.parameters = text
            return ordered
        }
    }

    enum PathStep {
        case key(String)
        case index(Int)
    }
}
