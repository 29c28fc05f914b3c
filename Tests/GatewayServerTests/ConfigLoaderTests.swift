import Foundation
import GatewayCore
import ONNXRuntime
import Testing
@testable import GatewayServer

@Suite("ConfigurationLoader: defaults < file < environment < flags")
struct ConfigLoaderTests {
    /// A valid value for each key, different from its default, and how to see it landed.
    struct Sample: Sendable {
        let value: String
        let landed: @Sendable (GatewayConfiguration) -> Bool
    }

    static let samples: [String: Sample] = [
        "host": Sample(value: "0.0.0.0") { $0.host == "0.0.0.0" },
        "port": Sample(value: "8123") { $0.port == 8123 },
        "models_dir": Sample(value: "/srv/models") { $0.modelsDirectory == "/srv/models" },
        "data_dir": Sample(value: "/srv/aigw-data") { $0.dataDirectory == "/srv/aigw-data" },
        "responses_max_age": Sample(value: "86400") { $0.responsesMaxAgeSeconds == 86400 },
        "onnxruntime_library": Sample(value: "/opt/ort/libonnxruntime.so") {
            $0.onnxRuntimeLibrary == "/opt/ort/libonnxruntime.so"
        },
        "genai_library": Sample(value: "/opt/ort/libonnxruntime-genai.so") {
            $0.genAILibrary == "/opt/ort/libonnxruntime-genai.so"
        },
        "providers": Sample(value: "cuda,cpu") { $0.providers == [.cuda, .cpu] },
        "provider_options": Sample(value: "openvino.device_type=NPU; cuda.device_id=1;openvino.precision=FP16") {
            $0.providerOptions == [.openvino: ["device_type": "NPU", "precision": "FP16"], .cuda: ["device_id": "1"]]
        },
        "provider_policy": Sample(value: "Prefer_NPU") { $0.providerPolicy == .preferNPU },
        "execution_provider_libraries": Sample(value: "qnn=/opt/qnn/libonnxruntime_providers_qnn.so, x = /y.so") {
            $0.executionProviderLibraries == [ProviderLibrary(name: "qnn", path: "/opt/qnn/libonnxruntime_providers_qnn.so"),
                                              ProviderLibrary(name: "x", path: "/y.so")]
        },
        "max_body_bytes": Sample(value: "4096") { $0.maxBodyBytes == 4096 },
        "intra_op_threads": Sample(value: "3") { $0.intraOpThreads == 3 },
        "graph_optimization": Sample(value: "basic") { $0.graphOptimization == .basic },
        "embedding_batch_size": Sample(value: "8") { $0.embeddingBatchSize == 8 },
        "embedding_batch_tokens": Sample(value: "4096") { $0.embeddingBatchTokens == 4096 },
        "embedding_batch_wait_ms": Sample(value: "5.5") { $0.embeddingBatchWaitMilliseconds == 5.5 },
        "embedding_truncate": Sample(value: "true") { $0.embeddingTruncate },
        "preload": Sample(value: "all-minilm-l6-v2, chat:small") { $0.preload == ["all-minilm-l6-v2", "chat:small"] },
        "memory_budget": Sample(value: "8GiB") { $0.memoryBudget == .bytes(8 << 30) },
        "keep_alive": Sample(value: "1h30m") { $0.keepAlive == .seconds(5400) },
        "max_parallel_generations": Sample(value: "3") { $0.maxParallelGenerations == 3 },
        "max_queued_generations": Sample(value: "7") { $0.maxQueuedGenerations == 7 },
        "max_batch_size": Sample(value: "4") { $0.maxBatchSize == 4 },
        "batch_window_ms": Sample(value: "2.5") { $0.batchWindowMilliseconds == 2.5 },
        "log_level": Sample(value: "debug") { $0.logLevel == "debug" },
        "log_format": Sample(value: "json") { $0.logFormat == "json" },
        "log_bodies": Sample(value: "true") { $0.logBodies },
        "max_queued_embedding_inputs": Sample(value: "99") { $0.maxQueuedEmbeddingInputs == 99 },
        "stream_buffer_events": Sample(value: "16") { $0.streamBufferEvents == 16 },
        "max_inputs_per_request": Sample(value: "10") { $0.maxInputsPerRequest == 10 },
        "max_tokens_limit": Sample(value: "512") { $0.maxTokensLimit == 512 },
        "request_timeout_seconds": Sample(value: "2.5") { $0.requestTimeoutSeconds == 2.5 },
        "sse_keepalive_seconds": Sample(value: "0") { $0.sseKeepAliveSeconds == 0 },
        "shutdown_grace_seconds": Sample(value: "5") { $0.shutdownGraceSeconds == 5 },
        "api_keys": Sample(value: "sk-a,sk-b") { $0.apiKeys == ["sk-a", "sk-b"] },
        "api_key_file": Sample(value: keyFile) { $0.apiKeys == ["sk-file-1", "sk-file-2"] },
        "health_requires_auth": Sample(value: "true") { $0.healthRequiresAuth },
        "cors_allowed_origins": Sample(value: "http://a.test,http://b.test") {
            $0.corsAllowedOrigins == ["http://a.test", "http://b.test"]
        },
    ]

    /// A key file with a comment, a blank line and two keys.
    static let keyFile: String = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aigw-keys-\(UUID().uuidString)")
        try? Data("# keys\nsk-file-1\n\n  sk-file-2  \n".utf8).write(to: url)
        return url.path
    }()

    /// Writes `text` to a temporary YAML file and runs `body` with its path.
    func withConfigFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aigw-\(UUID().uuidString).yaml")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    @Test("with no file, environment or flags every setting is its documented default")
    func defaults() throws {
        let configuration = try ConfigurationLoader.load(configFile: nil, environment: [:], flags: [:])
        #expect(configuration == GatewayConfiguration())
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8000)
        #expect(configuration.modelsDirectory == "models")
        #expect(configuration.dataDirectory == "data")
        #expect(configuration.responsesMaxAgeSeconds == 2_592_000)
        #expect(configuration.onnxRuntimeLibrary == nil)
        #expect(configuration.genAILibrary == nil)
        #expect(configuration.providers == [.qnn, .dml, .cuda, .openvino, .coreml, .cpu])
        #expect(configuration.providerPolicy == nil)
        #expect(configuration.maxBodyBytes == 16 * 1024 * 1024)
        #expect(configuration.intraOpThreads == 0)
        #expect(configuration.graphOptimization == .all)
        #expect(configuration.embeddingBatchSize == 32)
        #expect(configuration.embeddingBatchWaitMilliseconds == 2)
        #expect(configuration.embeddingTruncate == false)
        #expect(configuration.preload == [])
        #expect(configuration.memoryBudget == .percent(80))
        #expect(configuration.keepAlive == .seconds(300))
        #expect(configuration.logLevel == "info")
        // Unrelated environment variables are ignored.
        let unrelated = try ConfigurationLoader.load(environment: ["PATH": "/bin", "AIGW": "x", "HOST": "h"])
        #expect(unrelated == GatewayConfiguration())
    }

    @Test("a YAML file sets values with YAML's own types (numbers, booleans, a provider list)")
    func fileValues() throws {
        let yaml = """
            # gateway settings
            host: 0.0.0.0
            port: 9000
            models_dir: /srv/models
            onnxruntime_library: /opt/ort/libonnxruntime.so
            providers: [cuda, cpu]
            max_body_bytes: 65536
            intra_op_threads: 2
            graph_optimization: extended
            embedding_batch_size: 16
            embedding_batch_wait_ms: 0.5
            embedding_truncate: true
            preload: [all-minilm-l6-v2]
            memory_budget: 75%
            keep_alive: -1
            log_level: WARNING
            """
        let configuration = try withConfigFile(yaml) { path in
            try ConfigurationLoader.load(configFile: path, environment: [:])
        }
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9000)
        #expect(configuration.modelsDirectory == "/srv/models")
        #expect(configuration.onnxRuntimeLibrary == "/opt/ort/libonnxruntime.so")
        #expect(configuration.genAILibrary == nil)
        #expect(configuration.providers == [.cuda, .cpu])
        #expect(configuration.maxBodyBytes == 65536)
        #expect(configuration.intraOpThreads == 2)
        #expect(configuration.graphOptimization == .extended)
        #expect(configuration.embeddingBatchSize == 16)
        #expect(configuration.embeddingBatchWaitMilliseconds == 0.5)
        #expect(configuration.embeddingTruncate == true)
        #expect(configuration.preload == ["all-minilm-l6-v2"])
        #expect(configuration.memoryBudget == .percent(75))
        #expect(configuration.keepAlive == .forever)
        #expect(configuration.logLevel == "warning")
    }

    @Test("provider_options in a file is a mapping of provider to options")
    func fileProviderOptions() throws {
        let yaml = "provider_options:\n  openvino:\n    device_type: NPU\n    num_of_threads: 4\n  cuda: {device_id: 1}\n"
        let configuration = try withConfigFile(yaml) { path in
            try ConfigurationLoader.load(configFile: path, environment: [:])
        }
        #expect(configuration.providerOptions == [.openvino: ["device_type": "NPU", "num_of_threads": "4"],
                                                  .cuda: ["device_id": "1"]])
        #expect(throws: ConfigurationError.self) {
            try withConfigFile("provider_options:\n  cuda: [1, 2]\n") { path in
                try ConfigurationLoader.load(configFile: path, environment: [:])
            }
        }
    }

    @Test("a provider list in block style works too")
    func fileProviderBlockList() throws {
        let configuration = try withConfigFile("providers:\n  - openvino\n  - CPUExecutionProvider\n") { path in
            try ConfigurationLoader.load(configFile: path, environment: [:])
        }
        #expect(configuration.providers == [.openvino, .cpu])
    }

    @Test("an empty config file is the defaults")
    func emptyFile() throws {
        let configuration = try withConfigFile("# nothing here\n") { path in
            try ConfigurationLoader.load(configFile: path, environment: [:])
        }
        #expect(configuration == GatewayConfiguration())
    }

    @Test("the environment overrides the file, and flags override the environment")
    func precedence() throws {
        try withConfigFile("port: 9000\nhost: 10.0.0.1\nlog_level: error\nembedding_batch_size: 4\n") { path in
            let environment = ["AIGW_PORT": "9100", "AIGW_LOG_LEVEL": "debug"]
            let fromEnvironment = try ConfigurationLoader.load(configFile: path, environment: environment)
            #expect(fromEnvironment.port == 9100)
            #expect(fromEnvironment.logLevel == "debug")
            #expect(fromEnvironment.host == "10.0.0.1")
            #expect(fromEnvironment.embeddingBatchSize == 4)

            let fromFlags = try ConfigurationLoader.load(configFile: path, environment: environment,
                                                         flags: ["port": "9200", "embedding_batch_size": "64"])
            #expect(fromFlags.port == 9200)
            #expect(fromFlags.embeddingBatchSize == 64)
            #expect(fromFlags.logLevel == "debug")
            #expect(fromFlags.host == "10.0.0.1")
        }
    }

    @Test("every key is settable from the file, the environment and a flag")
    func everyKeyFromEverySource() throws {
        let keys = ConfigurationLoader.keys
        let unsampled = keys.map(\.file).filter { Self.samples[$0] == nil }
        #expect(unsampled.isEmpty, "keys without a test sample: \(unsampled)")
        #expect(keys.count == Self.samples.count)
        #expect(Set(keys.map(\.file)).count == keys.count)
        #expect(Set(keys.map(\.environment)).count == keys.count)
        #expect(Set(keys.map(\.flag)).count == keys.count)
        for key in keys {
            let sample = try #require(Self.samples[key.file], "no sample value for key '\(key.file)'")
            #expect(key.environment.hasPrefix("AIGW_"), "\(key.environment)")
            #expect(key.flag.hasPrefix("--"), "\(key.flag)")
            #expect(!key.help.isEmpty)
            #expect(!sample.landed(GatewayConfiguration()), "sample for '\(key.file)' equals the default")

            let fromFile = try withConfigFile("\(key.file): \(sample.value)\n") { path in
                try ConfigurationLoader.load(configFile: path, environment: [:])
            }
            #expect(sample.landed(fromFile), "'\(key.file)' from the file")
            let fromEnvironment = try ConfigurationLoader.load(environment: [key.environment: sample.value])
            #expect(sample.landed(fromEnvironment), "'\(key.file)' from \(key.environment)")
            let fromFlag = try ConfigurationLoader.load(environment: [:], flags: [key.file: sample.value])
            #expect(sample.landed(fromFlag), "'\(key.file)' from \(key.flag)")
        }
    }

    @Test("an unknown key in the file is an error naming the key and the file")
    func unknownKey() throws {
        try withConfigFile("port: 9000\nmodel_dir: /srv/models\n") { path in
            let error = #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.load(configFile: path, environment: [:])
            }
            let message = error?.description ?? ""
            #expect(message.contains("model_dir"), "\(message)")
            #expect(message.contains(path), "\(message)")
            #expect(message.contains("models_dir"), "the known keys are listed: \(message)")
        }
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(environment: [:], flags: ["colour": "blue"])
        }
        #expect(error?.description.contains("colour") == true)
    }

    static let badValues: [(key: String, value: String)] = [
        ("port", "70000"), ("port", "-1"), ("port", "eighty"), ("providers", "tpu"), ("providers", " , "),
        ("graph_optimization", "max"), ("log_level", "loud"), ("embedding_batch_size", "0"),
        ("max_body_bytes", "big"), ("max_body_bytes", "10"), ("intra_op_threads", "-2"),
        ("embedding_batch_wait_ms", "soon"), ("embedding_batch_wait_ms", "-1"), ("embedding_truncate", "maybe"),
        ("execution_provider_libraries", "qnn"), ("execution_provider_libraries", "=/x.so"),
        ("execution_provider_libraries", "qnn="), ("provider_options", "openvino"), ("provider_options", "tpu.x=1"), ("provider_options", "cuda.=1"),
        ("provider_options", "cuda.device_id="), ("provider_policy", "fastest"), ("provider_options", "cpu.threads=2"), ("preload", "../etc"), ("memory_budget", "0"), ("memory_budget", "120%"), ("memory_budget", "lots"),
        ("memory_budget", "1e400"), ("memory_budget", "-5GiB"), ("keep_alive", "forever"), ("keep_alive", "5 parsecs"),
        ("keep_alive", "1e300"), ("keep_alive", "nan"), ("host", ""), ("log_format", "xml"), ("log_bodies", "sometimes"),
        ("max_queued_embedding_inputs", "0"), ("stream_buffer_events", "0"), ("max_inputs_per_request", "0"),
        ("max_tokens_limit", "-1"), ("max_tokens_limit", "9223372036854775807"), ("request_timeout_seconds", "-1"),
        ("request_timeout_seconds", "nan"), ("sse_keepalive_seconds", "inf"), ("shutdown_grace_seconds", "-5"),
        ("api_key_file", "/nonexistent/keys"), ("health_requires_auth", "2"),
        ("data_dir", ""), ("data_dir", "   "), ("responses_max_age", "-1"), ("responses_max_age", "30d"),
        ("responses_max_age", "1.5"), ("responses_max_age", "3153600001"), ("responses_max_age", ""),
    ]

    @Test("a bad value is an error naming where it came from and the key", arguments: badValues)
    func badValue(key name: String, value: String) throws {
        let key = try #require(ConfigurationLoader.keys.first { $0.file == name })
        func expectError(source: String, _ load: () throws -> GatewayConfiguration) {
            let error = #expect(throws: ConfigurationError.self, "\(name)=\(value) from \(source)") { try load() }
            let message = error?.description ?? ""
            #expect(message.contains(source), "\(message)")
            #expect(message.contains(name), "the key '\(name)' is not named: \(message)")
            #expect(!message.contains("\n"), "\(message)")
        }
        if !value.isEmpty && !value.hasPrefix(" ") {
            try withConfigFile("\(name): \"\(value)\"\n") { path in
                expectError(source: path) { try ConfigurationLoader.load(configFile: path, environment: [:]) }
            }
        }
        expectError(source: key.environment) { try ConfigurationLoader.load(environment: [key.environment: value]) }
        expectError(source: key.flag) { try ConfigurationLoader.load(environment: [:], flags: [name: value]) }
    }

    @Test("a file that cannot be read, is not YAML, or is not a mapping is a one-line error naming the file",
          arguments: [
              ("port: [9000\n", "YAML"), ("port: 9000\n  host: : x\n\t- [", "YAML"), ("- port\n- host\n", "mapping"),
              ("just a sentence\n", "mapping"), ("host:\n  name: x\n", "scalar"),
          ])
    func badFile(text: String, expected: String) throws {
        try withConfigFile(text) { path in
            let error = #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.load(configFile: path, environment: [:])
            }
            let message = error?.description ?? ""
            #expect(message.contains(path), "\(message)")
            #expect(message.contains(expected), "\(message)")
            #expect(!message.contains("\n"), "not one line: \(message)")
        }
    }

    @Test("a missing config file is an error naming it")
    func missingFile() {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(configFile: "/nonexistent/aigw.yaml", environment: [:])
        }
        #expect(error?.description.contains("/nonexistent/aigw.yaml") == true)
    }

    @Test("a null value in the file is refused or ignored, never taken as text")
    func nullValue() throws {
        for text in ["host:\n", "host: ~\n", "models_dir: null\n"] {
            try withConfigFile(text) { path in
                do {
                    let configuration = try ConfigurationLoader.load(configFile: path, environment: [:])
                    #expect(configuration == GatewayConfiguration(), "'\(text)' gave \(configuration)")
                } catch let error as ConfigurationError {
                    #expect(error.description.contains(path))
                }
            }
        }
    }

    @Test("AIGW_CONFIG picks the file; an explicit config file wins over it")
    func configFromEnvironment() throws {
        try withConfigFile("port: 9001\n") { environmentPath in
            let configuration = try ConfigurationLoader.load(environment: ["AIGW_CONFIG": environmentPath])
            #expect(configuration.port == 9001)
            try withConfigFile("port: 9002\n") { explicitPath in
                let configuration = try ConfigurationLoader.load(configFile: explicitPath,
                                                                 environment: ["AIGW_CONFIG": environmentPath])
                #expect(configuration.port == 9002)
            }
        }
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(environment: ["AIGW_CONFIG": "/nonexistent/from-env.yaml"])
        }
        #expect(error?.description.contains("/nonexistent/from-env.yaml") == true)
    }

    @Test("data_dir and responses_max_age: from every source, 0 = for ever, bounds, one-line errors")
    func responseStoreSettings() throws {
        let fromFile = try withConfigFile("data_dir: /var/lib/aigw\nresponses_max_age: 0\n") { path in
            try ConfigurationLoader.load(configFile: path, environment: [:])
        }
        #expect(fromFile.dataDirectory == "/var/lib/aigw")
        #expect(fromFile.responsesMaxAgeSeconds == 0)
        #expect(fromFile.responseStorePath == "/var/lib/aigw/responses.sqlite")

        let environment = ["AIGW_DATA_DIR": "relative/data", "AIGW_RESPONSES_MAX_AGE": " 3153600000 "]
        let fromEnvironment = try ConfigurationLoader.load(environment: environment)
        #expect(fromEnvironment.dataDirectory == "relative/data")
        #expect(fromEnvironment.responsesMaxAgeSeconds == 3_153_600_000, "100 years is the largest")
        #expect(fromEnvironment.responseStorePath.hasSuffix("/relative/data/responses.sqlite"))
        let fromFlags = try ConfigurationLoader.load(environment: environment,
                                                     flags: ["data_dir": "/flag", "responses_max_age": "60"])
        #expect(fromFlags.dataDirectory == "/flag")
        #expect(fromFlags.responsesMaxAgeSeconds == 60)

        let tooOld = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(environment: ["AIGW_RESPONSES_MAX_AGE": "-5"])
        }
        #expect(tooOld?.description == "environment variable AIGW_RESPONSES_MAX_AGE: 'responses_max_age' must be an "
            + "integer in 0...3153600000, got '-5'")
        let noFolder = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(environment: [:], flags: ["data_dir": ""])
        }
        #expect(noFolder?.description == "flag --data-dir: 'data_dir' must name a folder, got ''")
    }

    @Test("providers parse by short or ONNX Runtime name, any case, spaces trimmed, duplicates dropped")
    func providerParsing() throws {
        let configuration = try ConfigurationLoader.load(environment: ["AIGW_PROVIDERS": "cuda, CPU,cuda"])
        #expect(configuration.providers == [.cuda, .cpu])
        let named = try ConfigurationLoader.load(environment: [:],
                                                 flags: ["providers": "CUDAExecutionProvider,directml, trt ,cpu"])
        #expect(named.providers == [.cuda, .dml, .tensorrt, .cpu])
    }
}
