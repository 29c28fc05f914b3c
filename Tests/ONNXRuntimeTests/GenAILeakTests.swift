import Foundation
import Testing
@testable import ONNXRuntime

@Suite("Every onnxruntime-genai object is destroyed", .serialized)
struct GenAILeakTests {
    /// Resident set size of this process, from /proc/self/statm.
    private func residentBytes() -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// One short generation touching every object and call: generator (and params), sequences, logits tensors,
    /// a set-logits tensor, a tokenizer stream, decoded and templated strings.
    private func cycle(_ model: GenAIModel, _ tokenizer: GenAITokenizer) throws {
        _ = try tokenizer.applyChatTemplate(messagesJSON: #"[{"role":"user","content":"hi"}]"#,
                                            addGenerationPrompt: true)
        let prompt = try tokenizer.encode("<|im_start|>user\nhi<|im_end|>\n")
        let generator = try GenAIGenerator(model: model, options: .init(maxLength: prompt.count + 3))
        try generator.append(tokens: prompt)
        let stream = try tokenizer.makeStream()
        let (values, shape) = try generator.logits()
        try generator.setLogits(values, shape: shape)
        while !generator.isDone {
            try generator.generateNextToken()
            _ = try stream.decode(try generator.nextTokens()[0])
        }
        _ = try tokenizer.decode(prompt)
        let batch = try GenAIGenerator(model: model, options: .init(maxLength: 8, batchSize: 2))
        try batch.append(sequences: [[1, 4093], [1, 4093, 198]])
        _ = try batch.logits()
    }

    /// The smallest RSS growth over `rounds` windows of `body`: other suites run in the same process at the same
    /// time and can grow RSS in one window, but a leak grows it in every window.
    private func smallestGrowth(rounds: Int, _ body: () throws -> Void) rethrows -> Int {
        var smallest = Int.max
        for _ in 0..<rounds {
            let before = residentBytes()
            try body()
            smallest = min(smallest, residentBytes() - before)
        }
        return smallest
    }

    @Test("generations keep RSS flat (4 windows of 30)")
    func generationsDoNotLeak() throws {
        let model = try GenAITestSupport.model()
        let tokenizer = try GenAITestSupport.tokenizer()
        for _ in 0..<10 { try cycle(model, tokenizer) }  // warm up arenas and caches
        let growth = try smallestGrowth(rounds: 4) {
            for _ in 0..<30 { try cycle(model, tokenizer) }
        }
        // A leaked generator holds its KV cache (over 1 MiB here); a leaked logits copy showed as ~750 KiB a cycle
        // when tried: 30 cycles of either are well above the bound.
        #expect(growth < 8 << 20, "RSS grew by at least \(growth >> 10) KiB over 30 generations in every window")
    }

    @Test("loading and dropping a model and tokenizer keeps RSS flat (2 windows of 1)")
    func modelsDoNotLeak() throws {
        let runtime = try GenAITestSupport.runtime()
        let directory = try GenAITestSupport.requireModelDirectory()
        _ = try GenAITokenizer(model: try GenAIModel(runtime: runtime, directory: directory))
        let growth = try smallestGrowth(rounds: 2) {
            _ = try GenAITokenizer(model: try GenAIModel(runtime: runtime, directory: directory))
        }
        // The weights alone are ~110 MB; a leaked model would show at once.
        #expect(growth < 48 << 20, "RSS grew by at least \(growth >> 10) KiB over a model load in every window")
    }
}
