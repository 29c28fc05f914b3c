import Testing
@testable import HubPull

@Suite struct PullPlanTests {
    private func failure(_ body: () throws -> PullPlan) -> PullError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? PullError
        }
    }

    @Test func bgeKeepsItsLayout() throws {
        let files = [".gitattributes", "README.md", "config.json", "onnx/model.onnx", "onnx/model_fp16.onnx",
                     "pytorch_model.bin", "tokenizer.json", "vocab.txt"]
        let plan = try PullPlan.make(files: files, include: ["onnx/model.onnx", "*.json", "vocab.txt"],
                                     repository: "BAAI/bge-small-en-v1.5", revision: "main")
        #expect(!plan.isGGUF)
        #expect(plan.items.map(\.path) == ["config.json", "onnx/model.onnx", "tokenizer.json", "vocab.txt"])
        #expect(plan.items.map(\.local) == plan.items.map(\.path))
    }

    @Test func genaiSubfolderBecomesTheModelFolder() throws {
        let dir = "cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4"
        let files = ["README.md", "\(dir)/genai_config.json", "\(dir)/model.onnx", "cuda/x/model.onnx"]
        let plan = try PullPlan.make(files: files, include: ["\(dir)/*"], repository: "o/n", revision: "main")
        #expect(plan.items.map(\.local) == ["genai_config.json", "model.onnx"])
    }

    @Test func oneGGUFIsImported() throws {
        let files = ["README.md", "m-Q4_K_M.gguf", "m-Q8_0.gguf"]
        let plan = try PullPlan.make(files: files, include: ["*Q4_K_M.gguf"], repository: "o/n", revision: "main")
        #expect(plan.isGGUF)
        #expect(plan.items == [PullPlan.Item(path: "m-Q4_K_M.gguf", local: "m-Q4_K_M.gguf")])
        let many = failure { try PullPlan.make(files: files, include: [], repository: "o/n", revision: "main") }
        #expect(many?.kind == .invalidRequest)
        #expect(many?.message.contains("2 GGUF files") == true)
    }

    @Test func noMatchListsSomeFiles() {
        let files = (1...9).map { "file\($0).json" }
        let error = failure { try PullPlan.make(files: files, include: ["*.onnx"], repository: "o/n", revision: "v1") }
        #expect(error?.kind == .notFound)
        #expect(error?.message.contains("file1.json, file2.json") == true)
        #expect(error?.message.contains("and 3 more") == true)
        #expect(error?.message.contains("\"*.onnx\"") == true)
        let empty = failure { try PullPlan.make(files: [], include: [], repository: "o/n", revision: "main") }
        #expect(empty?.kind == .notFound)
    }

    @Test func unsafeNamesAreRefusedWhenSelected() {
        let files = ["config.json", "../../etc/cron.d/x", "a\\b"]
        #expect(failure { try PullPlan.make(files: files, include: [], repository: "o/n", revision: "main") } != nil)
        #expect(throws: Never.self) {
            try PullPlan.make(files: files, include: ["config.json"], repository: "o/n", revision: "main")
        }
    }
}
