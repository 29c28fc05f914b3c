import Foundation
import Testing
@testable import ONNXRuntime

/// The real llguidance library and the real SmolLM2 folder `scripts/setup` prepares, against llguidance's own Python
/// package (`Fixtures/guidance_reference.json`, written by `tools/make_guidance_fixtures.py`). Missing pieces fail
/// the tests (they never skip).
enum GuidanceTestSupport {
    static let library = TestPaths.root.appendingPathComponent(".runtime/lib/libllguidance.so").path

    static func load() throws -> GuidanceLibrary {
        for path in [library, OrtxTestSupport.python] where !FileManager.default.fileExists(atPath: path) {
            Issue.record("\(path) is missing: run scripts/setup first")
            throw GuidanceError(.libraryUnavailable, "missing \(path)")
        }
        return try GuidanceLibrary.load(path: library, pythonPath: OrtxTestSupport.python)
    }

    /// One vocabulary shared by the tests, built on first use.
    static func tokenizer() throws -> GuidanceTokenizer {
        try shared.tokenizer()
    }

    static func reference() throws -> GuidanceReference {
        let url = TestPaths.fixtures.appendingPathComponent("guidance_reference.json")
        return try JSONDecoder().decode(GuidanceReference.self, from: Data(contentsOf: url))
    }

    /// The ids a "model" picks until the constraint stops: for `budget` steps the lowest allowed id (or, with a
    /// seed, a seeded random allowed id), then the first allowed of `closing` (EOS first) when one is, else as
    /// before. EOS itself is not in the result.
    static func drive(_ constraint: GuidanceConstraint, closing: [Int32] = [], budget: Int = 12, seed: UInt64? = nil,
                      maxSteps: Int = 300) throws -> [Int32] {
        let eos = constraint.tokenizer.eosTokenIDs
        var random = seed.map { SeededGenerator(seed: $0) }
        var chosen: [Int32] = []
        for step in 0..<maxSteps {
            let mask = try constraint.allowedTokens()
            if constraint.isStopped { return chosen }
            let preferred = step >= budget ? (eos + closing).first(where: mask.isAllowed) : nil
            let allowed = mask.allowedTokens
            var picked: Int32?
            if var generator = random, !allowed.isEmpty {
                picked = allowed[Int(generator.next() % UInt64(allowed.count))]
                random = generator
            }
            guard let token = preferred ?? picked ?? allowed.first else {
                Issue.record("no token allowed at step \(step)")
                return chosen
            }
            try constraint.commit(token)
            if eos.contains(token) { return chosen }
            chosen.append(token)
        }
        Issue.record("the constraint did not stop within \(maxSteps) steps")
        return chosen
    }

    /// The single token of `text` in the model's vocabulary.
    static func token(_ text: String) throws -> Int32 {
        let ids = try OrtxTestSupport.tokenizer().encode(text)
        guard ids.count == 1, let id = ids.first else { throw GuidanceError(.tokenizer, "\(text) is not one token") }
        return id
    }

    /// The token that is the byte 0x00 alone (`Ā` in SmolLM2's byte-level vocabulary).
    static func nulToken() throws -> Int32 {
        let path = OrtxTestSupport.modelDirectory + "/tokenizer.json"
        let vocabulary = try GuidanceVocabulary(json: Data(contentsOf: URL(fileURLWithPath: path)), path: path)
        return try #require(vocabulary.nulTokenID)
    }

    private static let shared = Shared()

    private final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: GuidanceTokenizer?

        func tokenizer() throws -> GuidanceTokenizer {
            try lock.withLock {
                if let loaded { return loaded }
                let tokenizer = try GuidanceTokenizer(library: GuidanceTestSupport.load(),
                                                      tokenizer: OrtxTestSupport.tokenizer())
                loaded = tokenizer
                return tokenizer
            }
        }
    }
}

/// A small seeded generator (SplitMix64, as the engine's sampler uses; this target does not see GatewayCore) for
/// the random "model".
private struct SeededGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// `Fixtures/guidance_reference.json`.
struct GuidanceReference: Decodable {
    struct Case: Decodable, CustomTestStringConvertible {
        let name: String
        let kind: String
        let grammar: String
        let prefix: String
        let prefixIDs: [Int32]
        let allowedCount: Int
        let allowed: [Int32]
        let disallowedSample: [Int32]
        let isAccepting: Bool
        let isStopped: Bool

        enum CodingKeys: String, CodingKey {
            case name, kind, grammar, prefix, allowed
            case prefixIDs = "prefix_ids"
            case allowedCount = "allowed_count"
            case disallowedSample = "disallowed_sample"
            case isAccepting = "is_accepting"
            case isStopped = "is_stopped"
        }

        var testDescription: String { name }

        var guidanceGrammar: GuidanceGrammar? {
            switch kind {
            case "json_schema": .jsonSchema(grammar)
            case "json_object": .jsonObject
            case "regex": .regex(grammar)
            case "lark": .lark(grammar)
            default: nil
            }
        }
    }

    let vocabSize: Int
    let eos: Int32
    let cases: [Case]

    enum CodingKeys: String, CodingKey {
        case cases, eos
        case vocabSize = "vocab_size"
    }

    static var casesForArguments: [Case] { (try? GuidanceTestSupport.reference().cases) ?? [] }
}

@Suite("llguidance constraints on SmolLM2's vocabulary")
struct GuidanceTests {
    static let personSchema = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},\
        "required":["name","age"],"additionalProperties":false}
        """

    @Test("the vocabulary: 49152 ids, EOS 2 from genai_config.json")
    func vocabulary() throws {
        let tokenizer = try GuidanceTestSupport.tokenizer()
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.eosTokenIDs == [2])
        #expect(tokenizer.library.version.contains("llguidance@1.9.1"))
    }

    @Test("a JSON schema yields JSON with its keys and types")
    func jsonSchema() throws {
        let constraint = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(),
                                                grammar: .jsonSchema(Self.personSchema))
        let closing = try ["\"", "}"].map(GuidanceTestSupport.token)
        let ids = try GuidanceTestSupport.drive(constraint, closing: closing)
        #expect(constraint.isStopped)
        let text = try OrtxTestSupport.tokenizer().decode(ids)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["name"] is String, "\(text)")
        #expect((object?["age"] as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } == true, "\(text)")
        #expect(object?.count == 2, "\(text)")
        print("guidance lowest-id JSON: \(text)")
    }

    @Test("a JSON schema yields JSON with its keys and types, seeded random models",
          arguments: [1, 2, 3, 4] as [UInt64])
    func jsonSchemaRandom(seed: UInt64) throws {
        let constraint = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(),
                                                grammar: .jsonSchema(Self.personSchema))
        let closing = try ["\"", "}"].map(GuidanceTestSupport.token)
        let ids = try GuidanceTestSupport.drive(constraint, closing: closing, budget: 8, seed: seed)
        let text = try OrtxTestSupport.tokenizer().decode(ids)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["name"] is String, "\(text)")
        #expect((object?["age"] as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } == true, "\(text)")
        #expect(object?.count == 2, "\(text)")
    }

    @Test("JSON object mode yields a JSON object")
    func jsonObject() throws {
        let constraint = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(), grammar: .jsonObject)
        let ids = try GuidanceTestSupport.drive(constraint, closing: ["\"", "}"].map(GuidanceTestSupport.token))
        let text = try OrtxTestSupport.tokenizer().decode(ids)
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any], "\(text)")
    }

    @Test("a regex yields a matching string, then only EOS")
    func regex() throws {
        let constraint = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(),
                                                grammar: .regex("[0-9]{3}-[0-9]{4}"))
        #expect(!constraint.isAccepting)
        let text = try OrtxTestSupport.tokenizer().decode(GuidanceTestSupport.drive(constraint))
        #expect(text.wholeMatch(of: /[0-9]{3}-[0-9]{4}/) != nil, "\(text)")
        #expect(constraint.isStopped && constraint.isAccepting)
        #expect(try constraint.allowedTokens().allowedTokens == [2])
        try constraint.commit(2)
        #expect(constraint.isStopped)
    }

    @Test("a Lark grammar yields yes or no")
    func lark() throws {
        let constraint = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(),
                                                grammar: .lark(#"start: "yes" | "no""#))
        let text = try OrtxTestSupport.tokenizer().decode(GuidanceTestSupport.drive(constraint))
        #expect(text == "yes" || text == "no")
    }

    @Test("bad grammars throw llguidance's message", arguments: [
        GuidanceGrammar.jsonSchema(#"{"type":"objec"}"#),
        .jsonSchema(#"{"type":"object","#),
        .jsonSchema("not json at all"),
        .jsonSchema(#"{"type":"string","format":"no-such-format"}"#),
        .jsonSchema(##"{"$ref":"#/definitions/missing"}"##),
        .jsonSchema(#"{"type":"integer","minimum":5,"maximum":1}"#),
        .regex("[0-9"),
        .regex("(a"),
        .lark("start: foo"),
        .lark("start: \"unterminated"),
        .lark(""),
        .regex("a\u{0}b"),
    ])
    func badGrammar(grammar: GuidanceGrammar) throws {
        let tokenizer = try GuidanceTestSupport.tokenizer()
        do {
            _ = try GuidanceConstraint(tokenizer: tokenizer, grammar: grammar)
            Issue.record("\(grammar) was accepted")
        } catch let error as GuidanceError {
            #expect(error.code == .invalidGrammar)
            #expect(error.message.count > 20, "\(error.message)")
        }
    }

    @Test("the mask agrees with llguidance's Python package", arguments: GuidanceReference.casesForArguments)
    func reference(reference: GuidanceReference.Case) throws {
        let tokenizer = try GuidanceTestSupport.tokenizer()
        let grammar = try #require(reference.guidanceGrammar)
        let constraint = try GuidanceConstraint(tokenizer: tokenizer, grammar: grammar)
        for id in reference.prefixIDs { try constraint.commit(id) }
        let mask = try constraint.allowedTokens()
        #expect(mask.vocabularySize == 49152)
        #expect(mask.allowedCount == reference.allowedCount)
        #expect(reference.allowed.filter { !mask.isAllowed($0) } == [])
        #expect(reference.disallowedSample.filter(mask.isAllowed) == [])
        if reference.allowed.count == reference.allowedCount {
            #expect(mask.allowedTokens == reference.allowed)
        }
        #expect(constraint.isAccepting == reference.isAccepting)
        #expect(constraint.isStopped == reference.isStopped)
    }

    @Test("the fixture covers the grammars and states the tests expect")
    func fixture() throws {
        let reference = try GuidanceTestSupport.reference()
        #expect(reference.vocabSize == 49152 && reference.eos == 2)
        #expect(Set(reference.cases.map(\.kind)) == ["json_schema", "json_object", "regex", "lark"])
        #expect(reference.cases.contains { $0.allowedCount > 40_000 })
        #expect(reference.cases.contains { $0.isStopped })
    }

    @Test("the mask sets disallowed logits to -infinity, and ids past the vocabulary too")
    func applyToLogits() throws {
        let constraint = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(),
                                                grammar: .regex("[0-9]{3}-[0-9]{4}"))
        let mask = try constraint.allowedTokens()
        var logits = (0..<49_200).map { Float($0 % 7) }
        mask.apply(to: &logits)
        let kept = logits.indices.filter { logits[$0] != -.infinity }.map { Int32($0) }
        #expect(kept == mask.allowedTokens)
        #expect(kept == Array(32...41))
        #expect(mask.forcedToken == nil)
        let forced = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(), grammar: .lark(#"start: "no""#))
        #expect(try forced.allowedTokens().forcedToken == GuidanceTestSupport.token("no"))
    }

    @Test("a disallowed token is refused and the state stays usable")
    func rejectedToken() throws {
        let constraint = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(),
                                                grammar: .regex("[0-9]{3}-[0-9]{4}"))
        _ = try constraint.allowedTokens()
        for token: Int32 in [29, 2, -1, 49152, 1_000_000] {
            #expect(throws: GuidanceError.self) { try constraint.commit(token) }
        }
        try constraint.commit(37)
        #expect(try constraint.allowedTokens().allowedTokens == Array(32...41))
        // Without a computed mask the library itself refuses it, and the matcher stays failed.
        try constraint.commit(37)
        let rejected = #expect(throws: GuidanceError.self) { try constraint.commit(29) }
        #expect(rejected?.code == .tokenRejected)
        #expect(rejected?.message.contains("doesn't satisfy the grammar") == true, "\(String(describing: rejected))")
        #expect(constraint.isStopped)
        let failed = #expect(throws: GuidanceError.self) { try constraint.allowedTokens() }
        #expect(failed?.code == .matcherFailed)
    }

    @Test("a copy advances independently; rollback undoes tokens")
    func copyAndRollback() throws {
        let constraint = try GuidanceConstraint(tokenizer: GuidanceTestSupport.tokenizer(),
                                                grammar: .regex("[0-9]{3}-[0-9]{4}"))
        for token: Int32 in [37, 37, 37] { try constraint.commit(token) }
        let copy = try constraint.copy()
        try copy.commit(29)
        #expect(try copy.allowedTokens().allowedTokens == Array(32...41))
        #expect(try constraint.allowedTokens().allowedTokens == [29])
        try copy.rollback(2)
        #expect(try copy.allowedTokens().allowedTokens == Array(32...41))
        try copy.commit(37)
        #expect(try copy.allowedTokens() == constraint.allowedTokens())
    }

    @Test("forced text is offered as the model's own tokens, never as a special token it spells")
    func forcedTokens() throws {
        let tokenizer = try GuidanceTestSupport.tokenizer()
        let ortx = try OrtxTestSupport.tokenizer()
        // "name" after {" is forced: the canonical token, as Hugging Face tokenizes it.
        let json = try GuidanceConstraint(tokenizer: tokenizer, grammar: .jsonSchema(Self.personSchema))
        try json.commit(39428)
        #expect(try json.allowedTokens().forcedToken == 1245)
        // A schema whose constant spells <|im_end|>: EOS (2) must not be forced in the middle of the string.
        let special = try GuidanceConstraint(tokenizer: tokenizer, grammar: .jsonSchema(#"{"const":"<|im_end|> ok"}"#))
        let ids = try GuidanceTestSupport.drive(special)
        #expect(!ids.contains(2) && !ids.contains(0))
        #expect(try ortx.decode(ids) == #""<|im_end|> ok""#)
        // NUL characters (which onnxruntime-extensions cannot take) are the byte token 0x00.
        // (onnxruntime-extensions decodes to a C string: each side of the NUL is decoded on its own.)
        let nul = try GuidanceConstraint(tokenizer: tokenizer, grammar: .regex(#"ab\x00cd"#))
        let nulIDs = try GuidanceTestSupport.drive(nul)
        let nulToken = try GuidanceTestSupport.nulToken()
        let sides = nulIDs.split(separator: nulToken, omittingEmptySubsequences: false)
        #expect(sides.count == 2)
        #expect(try sides.map { try ortx.decode(Array($0)) } == ["ab", "cd"])
    }

    @Test("constraints work from several threads at once on one vocabulary")
    func concurrent() async throws {
        // The person schema forces text, so the tokenize callback runs on all the threads too.
        let tokenizer = try GuidanceTestSupport.tokenizer()
        let closing = try ["\"", "}"].map(GuidanceTestSupport.token)
        let alone = try GuidanceTestSupport.drive(
            GuidanceConstraint(tokenizer: tokenizer, grammar: .jsonSchema(Self.personSchema)), closing: closing)
        let runs = try await withThrowingTaskGroup(of: [Int32].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let constraint = try GuidanceConstraint(tokenizer: tokenizer,
                                                            grammar: .jsonSchema(Self.personSchema))
                    return try GuidanceTestSupport.drive(constraint, closing: closing)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(runs == Array(repeating: alone, count: 8))
    }

    @Test("timings: compiling the schema and a mask per token")
    func timings() throws {
        let tokenizer = try GuidanceTestSupport.tokenizer()
        let clock = ContinuousClock()
        var constraints: [GuidanceConstraint] = []
        let first = try clock.measure {
            constraints.append(try GuidanceConstraint(tokenizer: tokenizer, grammar: .jsonSchema(Self.personSchema)))
        }
        let create = try clock.measure {
            for _ in 0..<20 {
                constraints.append(try GuidanceConstraint(tokenizer: tokenizer,
                                                          grammar: .jsonSchema(Self.personSchema)))
            }
        } / 20
        let constraint = try #require(constraints.first)
        var masks = 0
        let closing = try ["\"", "}"].map(GuidanceTestSupport.token)
        let drive = try clock.measure {
            for _ in 0..<40 {
                let mask = try constraint.allowedTokens()
                masks += 1
                let token = mask.allowedTokens.first(where: { closing.contains($0) }) ?? mask.allowedTokens.first ?? 2
                if constraint.isStopped { break }
                try constraint.commit(token)
            }
        }
        // The widest mask: inside the name string almost every token is allowed.
        let string = try GuidanceConstraint(tokenizer: tokenizer, grammar: .jsonSchema(Self.personSchema))
        for token: Int32 in [39428, 1245, 25535] { try string.commit(token) }
        var maskTime = Duration.zero
        for _ in 0..<50 {
            var mask: GuidanceMask?
            maskTime += try clock.measure { mask = try string.allowedTokens() }
            try string.commit(try #require((1000..<2000).first { mask?.isAllowed($0) == true }))
        }
        let wide = maskTime / 50
        let path = OrtxTestSupport.modelDirectory + "/tokenizer.json"
        let facts = try clock.measure {
            _ = try GuidanceVocabulary(json: Data(contentsOf: URL(fileURLWithPath: path)), path: path)
        }
        let vocabulary = try clock.measure {
            _ = try GuidanceTokenizer(library: GuidanceTestSupport.load(), tokenizer: OrtxTestSupport.tokenizer())
        }
        print("guidance timings: vocabulary \(vocabulary) (reading tokenizer.json in Swift \(facts)); "
              + "constraint for the person schema \(first) first, \(create) each of 20 more; "
              + "\(masks) steps of mask + commit, \(drive / masks) each; a mask inside a string \(wide)")
        #expect(create < .seconds(1))
    }

    @Test("a vocabulary llguidance cannot read, or an EOS outside it, gives a thrown error")
    func unreadableVocabulary() throws {
        // SmolLM2's tokenizer files with a decoder llguidance does not know (onnxruntime-extensions still loads them).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guidance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = URL(fileURLWithPath: OrtxTestSupport.modelDirectory)
        for name in ["tokenizer_config.json", "special_tokens_map.json"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name),
                                             to: folder.appendingPathComponent(name))
        }
        var json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: source.appendingPathComponent("tokenizer.json"))) as? [String: Any])
        json["decoder"] = ["type": "Metaspace", "replacement": "_"]
        try JSONSerialization.data(withJSONObject: json).write(to: folder.appendingPathComponent("tokenizer.json"))
        let ortx = try OrtxTokenizer(library: OrtxTestSupport.load(), directory: folder.path)
        let library = try GuidanceTestSupport.load()
        let unreadable = #expect(throws: GuidanceError.self) {
            try GuidanceTokenizer(library: library, tokenizer: ortx)
        }
        #expect(unreadable?.code == .tokenizer)
        #expect(unreadable?.message.contains("decoder type") == true, "\(String(describing: unreadable))")
        let outside = #expect(throws: GuidanceError.self) {
            try GuidanceTokenizer(library: library, tokenizer: OrtxTestSupport.tokenizer(), eosTokenIDs: [49152])
        }
        #expect(outside?.code == .tokenizer)
    }

    @Test("a missing or wrong library gives a clear thrown error")
    func missingLibrary() throws {
        let missing = #expect(throws: GuidanceError.self) {
            try GuidanceLibrary.load(path: "/nonexistent/libllguidance.so", pythonPath: OrtxTestSupport.python)
        }
        #expect(missing?.code == .libraryUnavailable)
        #expect(missing?.message.contains("/nonexistent/libllguidance.so") == true)
        #expect(missing?.message.contains("scripts/setup") == true)
        let wrong = #expect(throws: GuidanceError.self) {
            try GuidanceLibrary.load(path: OrtxTestSupport.library, pythonPath: OrtxTestSupport.python)
        }
        #expect(wrong?.code == .libraryUnavailable)
        #expect(wrong?.message.contains("lacks llg_") == true, "\(String(describing: wrong))")
    }
}
