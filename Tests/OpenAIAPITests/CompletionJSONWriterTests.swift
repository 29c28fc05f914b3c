import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("JSON string escaping and SSE framing")
struct CompletionJSONWriterTests {
    private func escaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        CompletionJSONWriter.appendEscaped(text, to: &bytes)
        return bytes.text
    }

    @Test("quotes, backslashes and control characters are escaped; slashes and non-ASCII stay raw", arguments: [
        ("plain", #""plain""#), ("\"", #""\"""#), ("\\", #""\\""#), ("a/b", #""a/b""#), ("\n\r\t", #""\n\r\t""#),
        ("\u{08}\u{0C}", #""\b\f""#), ("\u{0}", #""\u0000""#), ("\u{1F}", #""\u001f""#), ("\u{1B}[0m", #""\u001b[0m""#),
        ("\u{7F}", "\"\u{7F}\""), ("é€🙂", "\"é€🙂\""), ("\u{2028}\u{2029}", "\"\u{2028}\u{2029}\""),
        ("", #""""#),
    ])
    func exactEscapes(text: String, expected: String) {
        #expect(escaped(text) == expected)
    }

    @Test("tricky strings round-trip through JSONSerialization", arguments: [
        "\"quoted\" and \\backslashed\\ \\\"", "line\nbreak\r\n\ttab",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
        "e\u{301} combining, 👩‍👩‍👧 family, 🇸🇪 flag", "</script><!-- -->", "\u{FFFD}\u{FEFF}\u{10FFFF}",
        "日本語のテキスト", "\\u0041 is not A", "{\"json\":[1,2]}",
    ])
    func roundTrip(text: String) throws {
        let json = Data(escaped(text).utf8)
        let decoded = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        #expect(decoded as? String == text)
        let viaDecoder = try JSONDecoder().decode(String.self, from: json)
        #expect(viaDecoder.unicodeScalars.elementsEqual(text.unicodeScalars))
    }

    @Test("SSE frames: data lines, [DONE] and a mid-stream error envelope")
    func frames() throws {
        #expect(SSEFrame.data(Array("{}".utf8)).text == "data: {}\n\n")
        #expect(SSEFrame.done.text == "data: [DONE]\n\n")
        let error = SSEFrame.error(ErrorEnvelope(APIError.unavailable("Model \"tiny\" stopped", code: "engine_failed"), type: "server_error"))
        #expect(error.text == #"data: {"error":{"message":"Model \"tiny\" stopped","type":"server_error","#
            + #""param":null,"code":"engine_failed"}}"# + "\n\n")
        let body = try #require(try jsonObject(error)["error"] as? [String: Any])
        #expect(body["message"] as? String == "Model \"tiny\" stopped")
    }
}
