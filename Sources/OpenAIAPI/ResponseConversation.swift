import Foundation
import GatewayCore

/// The conversation kept with a stored response, as the gateway's own JSON:
/// `{"version":1,"messages":[{"role","content","name"?,"tool_calls"?:[{"id","name","arguments"}],"tool_call_id"?}]}`.
/// `previous_response_id` reads it back and continues it.
public enum ResponseConversation {
    static let version = 1

    public static func encode(_ messages: [PromptMessage]) -> Data {
        let objects: [[String: Any]] = messages.map { message in
            var object: [String: Any] = ["role": message.role.rawValue, "content": message.content]
            if let name = message.name { object["name"] = name }
            if !message.toolCalls.isEmpty {
                object["tool_calls"] = message.toolCalls.map {
                    ["id": $0.id, "name": $0.name, "arguments": $0.arguments]
                }
            }
            if let id = message.toolCallID { object["tool_call_id"] = id }
            return object
        }
        let document: [String: Any] = ["version": version, "messages": objects]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
    }

    /// The messages `data` holds; throws `ServingError(.storageFailed)` when it is not a conversation this gateway
    /// wrote.
    public static func decode(_ data: Data) throws -> [PromptMessage] {
        let broken = ServingError(.storageFailed, "A stored conversation is unreadable")
        guard let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              document["version"] as? Int == version, let objects = document["messages"] as? [[String: Any]]
        else { throw broken }
        return try objects.map { object in
            guard let role = (object["role"] as? String).flatMap(PromptMessage.Role.init(rawValue:)),
                  let content = object["content"] as? String
            else { throw broken }
            let calls = try (object["tool_calls"] as? [[String: Any]] ?? []).map { call in
                guard let id = call["id"] as? String, let name = call["name"] as? String,
                      let arguments = call["arguments"] as? String
                else { throw broken }
                return ToolCall(id: id, name: name, arguments: arguments)
            }
            return PromptMessage(role: role, content: content, name: object["name"] as? String, toolCalls: calls,
                                 toolCallID: object["tool_call_id"] as? String)
        }
    }
}
