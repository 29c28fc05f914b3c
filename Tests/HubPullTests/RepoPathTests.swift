import Testing
@testable import HubPull

@Suite struct RepoPathTests {
    @Test(arguments: [
        ("BAAI/bge-small-en-v1.5", true),
        ("microsoft/Phi-3-mini-4k-instruct-onnx", true),
        ("a/b", true),
        ("owner_1/name.x-y", true),
        ("bge-small-en-v1.5", false),
        ("a/b/c", false),
        ("/a/b", false),
        ("a/", false),
        ("a/..", false),
        ("../a", false),
        (".a/b", false),
        ("a/-b", false),
        ("a b/c", false),
        ("a/b?c", false),
        ("a/b%2F", false),
        ("ä/b", false),
        ("", false),
    ])
    func repositoryIds(_ repository: String, valid: Bool) {
        #expect(RepoPath.isValidRepository(repository) == valid, "\(repository)")
    }

    @Test func revisions() {
        for good in ["main", "v1.0", "refs/pr/1", "0123456789abcdef0123456789abcdef01234567"] {
            #expect(RepoPath.isValidRevision(good), "\(good)")
        }
        for bad in ["", "/main", "a/../b", "..", "a\\b", "a\0b", "a\nb"] {
            #expect(!RepoPath.isValidRevision(bad), "\(bad)")
        }
    }

    @Test func folderNames() {
        for good in ["bge-small-en-v1.5", "phi3", "a b"] { #expect(RepoPath.isValidFolderName(good)) }
        for bad in ["", ".hidden", "..", "a/b", "a\\b", "a\0b"] { #expect(!RepoPath.isValidFolderName(bad)) }
        #expect(RepoPath.defaultFolderName(repository: "BAAI/bge-small-en-v1.5") == "bge-small-en-v1.5")
        #expect(RepoPath.defaultFolderName(repository: "microsoft/Phi-3-mini-4k-instruct-onnx")
                == "phi-3-mini-4k-instruct-onnx")
    }

    @Test func unsafeFilePathsAreRefused() {
        #expect(RepoPath.safeComponents("onnx/model.onnx") == ["onnx", "model.onnx"])
        #expect(RepoPath.safeComponents(".gitattributes") == [".gitattributes"])
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a/..", "./a", "a//b", "a/", "a\\b", "a\0b", "..\\x"] {
            #expect(RepoPath.safeComponents(bad) == nil, "\(bad)")
        }
    }

    @Test func commonDirectoryPrefixIsStripped() {
        let phi = ["cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/genai_config.json",
                   "cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/model.onnx",
                   "cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/model.onnx.data"]
        #expect(RepoPath.localPaths(for: phi) == ["genai_config.json", "model.onnx", "model.onnx.data"])

        let bge = ["config.json", "onnx/model.onnx", "tokenizer.json", "vocab.txt"]
        #expect(RepoPath.localPaths(for: bge) == bge)

        // Only whole directories are shared: `cpu/` and `cpu-int4/` have no common prefix.
        #expect(RepoPath.localPaths(for: ["cpu/a.json", "cpu-int4/b.json"]) == ["cpu/a.json", "cpu-int4/b.json"])
        #expect(RepoPath.localPaths(for: ["a/b/c.json", "a/b/d/e.json", "a/f.json"])
                == ["b/c.json", "b/d/e.json", "f.json"])
        #expect(RepoPath.localPaths(for: ["onnx/model.onnx"]) == ["model.onnx"])
        #expect(RepoPath.localPaths(for: ["model.gguf"]) == ["model.gguf"])
        #expect(RepoPath.localPaths(for: ["a/ok.json", "a/../evil"]) == nil)
    }

    @Test func percentEncoding() {
        #expect(RepoPath.encodePath("onnx/model.onnx") == "onnx/model.onnx")
        #expect(RepoPath.encodePath("dir with space/ä#?.json") == "dir%20with%20space/%C3%A4%23%3F.json")
        #expect(RepoPath.encodeSegment("refs/pr/1") == "refs%2Fpr%2F1")
        #expect(RepoPath.encodeSegment("a~b_c-d.e") == "a~b_c-d.e")
        #expect(HubURL.resolve(endpoint: "https://hf.co", repository: "o/n", revision: "refs/pr/1", path: "a b/c")
                == "https://hf.co/o/n/resolve/refs%2Fpr%2F1/a%20b/c")
        #expect(HubURL.listing(endpoint: "http://127.0.0.1:9", repository: "o/n", revision: "main")
                == "http://127.0.0.1:9/api/models/o/n/revision/main")
    }
}
