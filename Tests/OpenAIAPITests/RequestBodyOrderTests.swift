import Foundation
import GatewayCore
@testable import OpenAIAPI
import Testing

/// Tool schemas keep the client's key order when the route hands the decoder the raw body, so a model's own
/// template prints them as transformers would; without the body (or when it disagrees) the parsed schema stays.
@Suite("Tool schemas in the client's key order")
struct RequestBodyOrderTests {
    static let schema = #"{"type":"object","required":["zone"],"properties":{"zone":{"type":"string","maxLength":9},"a":{"enum":[1,2.5,"x"]}}}"#

    static func decodeWithBody<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        let decoder = JSONDecoder()
        let key = try #require(RequestBodyOrder.userInfoKey)
        decoder.userInfo[key] = Data(json.utf8)
        return try decoder.decode(T.self, from: Data(json.utf8))
    }

    @Test("chat, Responses and Anthropic tools keep their order; without the body keys are sorted")
    func order() throws {
        let chat = #"{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"t","parameters":\#(Self.schema)}}]}"#
        #expect(try Self.decodeWithBody(ChatCompletionRequest.self, chat).tools?.tools.first?.parameters == Self.schema)
        let sorted = try decode(ChatCompletionRequest.self, chat).tools?.tools.first?.parameters
        #expect(sorted?.hasPrefix(#"{"properties":"#) == true)
        let responses = #"{"model":"m","input":"hi","tools":[{"type":"function","name":"t","parameters":\#(Self.schema)}]}"#
        #expect(try Self.decodeWithBody(ResponsesRequest.self, responses).tools?.tools.first?.parameters == Self.schema)
        let anthropic = #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":\#(Self.schema)}]}"#
        #expect(try Self.decodeWithBody(AnthropicMessagesRequest.self, anthropic).tools?.tools.first?.parameters
            == Self.schema)
    }

    @Test("a body that disagrees with the parsed schema is not used")
    func disagreement() throws {
        let tools = [ToolDefinition(name: "t", parameters: #"{"type":"object"}"#)]
        let body = Data(#"{"tools":[{"function":{"parameters":{"type":"string"}}}]}"#.utf8)
        let kept = RequestBodyOrder.ordered(tools, body: body) { [.key("tools"), .index($0), .key("function"), .key("parameters")] }
        #expect(kept == tools)
        let agreeing = Data(#"{"tools":[{"function":{"parameters":{"type":"object"}}}]}"#.utf8)
        #expect(RequestBodyOrder.ordered(tools, body: agreeing) { [.key("tools"), .index($0), .key("function"), .key("parameters")] }
            == tools)
    }
}
