import Testing
@testable import HubPull

@Suite struct HubGlobTests {
    @Test(arguments: [
        ("*.json", "config.json", true),
        ("*.json", "1_Pooling/config.json", true),  // `*` crosses `/`, as in fnmatch
        ("*.json", "config.json.bak", false),
        ("onnx/model.onnx", "onnx/model.onnx", true),
        ("onnx/model.onnx", "onnx/model.onnx_data", false),
        ("vocab.txt", "sub/vocab.txt", false),
        ("cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/*",
         "cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/genai_config.json", true),
        ("cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/*", "cuda/cuda-int4/genai_config.json", false),
        ("*Q4_K_M.gguf", "SmolLM2-135M-Instruct-Q4_K_M.gguf", true),
        ("*Q4_K_M.gguf", "SmolLM2-135M-Instruct-q4_k_m.gguf", false),  // case-sensitive
        ("model.?nnx", "model.onnx", true),
        ("model.?nnx", "model.nnx", false),
        ("model-[0-9].bin", "model-7.bin", true),
        ("model-[0-9].bin", "model-x.bin", false),
        ("model-[!0-9].bin", "model-x.bin", true),
        ("model-[!0-9].bin", "model-7.bin", false),
        ("[]]x", "]x", true),
        ("a[b", "a[b", true),  // an unclosed `[` is literal
        ("a[!]", "a[!]", true),
        ("onnx/", "onnx/model.onnx", true),  // a folder pattern takes what is under it
        ("*", "anything/at/all", true),
        ("**/*.md", "README.md", false),
        ("**/*.md", "docs/README.md", true),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "aXXbYY", false),
        ("", "", true),
    ])
    func fnmatchSemantics(pattern: String, path: String, matches: Bool) {
        #expect(HubGlob(pattern).matches(path) == matches, "\(pattern) vs \(path)")
    }

    @Test func selectKeepsRepositoryOrder() {
        let files = ["README.md", "config.json", "onnx/model.onnx", "onnx/model_fp16.onnx", "vocab.txt"]
        #expect(HubGlob.select(files, include: []) == files)
        #expect(HubGlob.select(files, include: ["vocab.txt", "onnx/model.onnx", "*.json"])
                == ["config.json", "onnx/model.onnx", "vocab.txt"])
        #expect(HubGlob.select(files, include: ["*.safetensors"]).isEmpty)
    }
}
