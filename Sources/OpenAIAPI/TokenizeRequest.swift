import GatewayCore

/// The body of `POST /tokenize`, in llama.cpp's shape (`content`) or vLLM's (`prompt`, or chat `messages` rendered
/// by the model's template with the assistant turn opened). `model` may be left out when one chat model is served.
public struct TokenizeRequest: Decodable, Sendable {
    /// What to tokenize.
    public enum Input: Sendable, Equatable {
        case text(String)
        case messages([ChatMessage])
    }

    public let model: String?
    public let input: Input

    private static let known: Set<String> = [
        "model", "content", "prompt", "messages", "add_special", "add_special_tokens", "with_pieces",
        "add_generation_prompt",
    ]

    public init(from decoder: any Decoder) throws {
        let reader = try CompletionFieldReader(decoder, known: Self.known)
        model = try reader.optional(String.self, "model")
        let content = try reader.optional(String.self, "content")
        let prompt = try reader.optional(String.self, "prompt")
        let sent = [content.map { _ in "content" }, prompt.map { _ in "prompt" },
                    try reader.value("messages").map { _ in "messages" }].compactMap { $0 }
        guard sent.count == 1 else {
            throw APIError.invalidRequest(
                sent.isEmpty ? "Send the text to tokenize as 'content' (or 'prompt'), or chat 'messages'."
                    : "Send only one of 'content', 'prompt' and 'messages'; got \(sent.joined(separator: ", ")).",
                param: sent.isEmpty ? "content" : sent[1], code: sent.isEmpty ? "missing_required_parameter"
                    : "invalid_value")
        }
        if let text = content ?? prompt {
            input = .text(text)
        } else {
            input = .messages(try ChatCompletionRequest.parseMessages(reader))
        }
        // The tokenizer adds no special tokens (what the chat pipeline encodes); asking for them is refused.
        for name in ["add_special", "add_special_tokens", "with_pieces"] {
            if try reader.optional(Bool.self, name) == true {
                throw APIError.invalidRequest(
                    "Unsupported parameter: '\(name)': only false is accepted (tokens are what the chat pipeline "
                        + "encodes: no added special tokens, ids only).",
                    param: name, code: "unsupported_parameter")
            }
        }
        if try reader.optional(Bool.self, "add_generation_prompt") == false {
            throw APIError.invalidRequest(
                "Unsupported parameter: 'add_generation_prompt': only true is accepted (messages are rendered as a "
                    + "chat request renders them).",
                param: "add_generation_prompt", code: "unsupported_parameter")
        }
    }
}

/// The body of `POST /detokenize`: `tokens` (ids) and an optional `model`.
public struct DetokenizeRequest: Decodable, Sendable {
    /// Most ids one request may send.
    public static let maxTokens = 1 << 20

    public let model: String?
    public let tokens: [Int32]

    public init(from decoder: any Decoder) throws {
        let reader = try CompletionFieldReader(decoder, known: ["model", "tokens"])
        model = try reader.optional(String.self, "model")
        guard case .array(let items)? = try reader.value("tokens") else {
            throw APIError.invalidRequest("Missing required parameter: 'tokens' (an array of token ids).",
                                          param: "tokens", code: "missing_required_parameter")
        }
        guard items.count <= Self.maxTokens else {
            throw APIError.invalidRequest("Invalid 'tokens': at most \(Self.maxTokens) ids.", param: "tokens",
                                          code: "array_above_max_length")
        }
        tokens = try items.enumerated().map { index, item in
            guard case .number(let number) = item, number.rounded() == number, number >= 0,
                  number <= Double(Int32.max)
            else {
                throw APIError.invalidRequest("Invalid 'tokens[\(index)]': token ids are non-negative integers.",
                                              param: "tokens[\(index)]", code: "invalid_value")
            }
            return Int32(number)
        }
    }
}
