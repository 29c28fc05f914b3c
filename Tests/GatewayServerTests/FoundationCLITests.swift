import Foundation
import Testing
@testable import GatewayServer

/// The built `ai-gateway` binary, run as a user would.
@Suite("The ai-gateway command line")
struct FoundationCLITests {
    /// The non-empty lines of `text`.
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    @Test("providers lists the ONNX Runtime version and each preferred provider's availability")
    func providers() async throws {
        let result = try await GatewayProcess.run(["providers"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("ONNX Runtime 1.32.0"), "\(result.stdout)")
        #expect(result.stdout.contains("onnxruntime-genai 0.18.0"), "\(result.stdout)")
        #expect(result.stdout.contains("CPUExecutionProvider: available"), "\(result.stdout)")
        let cuda = lines(result.stdout).first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("cuda") }
        #expect(cuda?.contains("not in this ONNX Runtime build") == true, "\(result.stdout)")
    }

    @Test("providers follows --providers: only the listed providers, in that order")
    func providersPreference() async throws {
        let result = try await GatewayProcess.run(["providers", "--providers", "cpu,cuda"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let all = lines(result.stdout)
        let preference = all.drop { $0 != "preference:" }.dropFirst().filter { $0.hasPrefix("  ") }
        #expect(preference.count == 2, "\(result.stdout)")
        // Device discovery comes before the preference: the CPU device of ONNX Runtime 1.32.
        let devices = all.drop { $0 != "devices:" }.dropFirst().prefix { $0.hasPrefix("  ") }
        #expect(devices.contains { $0.contains("CPU  CPUExecutionProvider") }, "\(result.stdout)")
        #expect(preference.first?.contains("CPUExecutionProvider: available") == true, "\(result.stdout)")
        #expect(preference.last?.contains("CUDAExecutionProvider: not in this ONNX Runtime build") == true)
    }

    @Test("providers with a missing library exits non-zero with one line naming the path and the fix")
    func providersMissingLibrary() async throws {
        let result = try await GatewayProcess.run(["providers", "--ort-library", "/nonexistent.so"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
        let output = lines(result.stderr)
        #expect(output.count == 1, "expected one line, got: \(result.stderr)")
        let line = output.first { $0.contains("/nonexistent.so") }
        #expect(line?.contains("scripts/setup") == true, "stderr: \(result.stderr)")
        #expect(line?.contains("AIGW_ORT_LIBRARY") == true, "stderr: \(result.stderr)")
    }

    @Test("serve with a missing config file exits non-zero with one clear line")
    func serveMissingConfig() async throws {
        let result = try await GatewayProcess.run(["serve", "--port", "0", "--config", "/nonexistent.yaml"],
                                                  timeout: .seconds(30))
        #expect(result.status != 0)
        let output = lines(result.stderr)
        #expect(output.first?.contains("/nonexistent.yaml") == true, "stderr: \(result.stderr)")
        #expect(output.first?.contains("config file") == true, "stderr: \(result.stderr)")
        #expect(output.count == 1, "expected one line, got: \(result.stderr)")
    }

    @Test("serve with a bad environment value exits non-zero naming the variable")
    func serveBadEnvironment() async throws {
        let result = try await GatewayProcess.run(["serve", "--port", "0"], environment: ["AIGW_PORT": "70000"],
                                                  timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(result.stderr.contains("AIGW_PORT"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("70000"), "stderr: \(result.stderr)")
    }

    @Test("every configuration key has its flag on serve")
    func flagsMatchKeys() async throws {
        let result = try await GatewayProcess.run(["serve", "--help"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let help = result.stdout + result.stderr
        for key in ConfigurationLoader.keys {
            #expect(help.contains(key.flag + " "), "serve --help lacks \(key.flag)")
        }
        #expect(help.contains("--config"))
    }

    @Test("serve answers /health over a real socket and exits 0 within 5 s of SIGTERM")
    func serveAndShutDown() async throws {
        let port = try RawHTTP.freePort()
        let server = try GatewayProcess(["serve", "--port", "\(port)",  
                                         "--log-level", "info"])
        var health: RawHTTPResponse?
        let deadline = ContinuousClock.now + .seconds(30)
        while health == nil && ContinuousClock.now < deadline && server.process.isRunning {
            health = try? await RawHTTP.get(port: port, path: "/health")
            if health == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let response = try #require(health, "no answer on port \(port); stderr: \(server.stderr) \(server.stdout)")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["x-request-id"]?.isEmpty == false)
        let body = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        #expect(body["status"] as? String == "ok", "\(response.bodyText)")
        #expect((body["onnxruntime"] as? [String: Any])?["version"] as? String == "1.32.0")
        #expect((body["onnxruntime"] as? [String: Any])?["library"] as? String == TestEnvironment.ortLibrary)

        let models = try await RawHTTP.get(port: port, path: "/v1/models")
        #expect(models.status == 200)
        #expect(models.bodyText.contains(TestEnvironment.defaultEmbeddingModel), "\(models.bodyText)")

        server.terminate()
        let status = await server.waitForExit(timeout: .seconds(5))
        #expect(status == 0, "exit status \(String(describing: status)); output: \(server.stdout) \(server.stderr)")
        if status != nil { #expect(server.process.terminationReason == .exit, "killed by a signal") }
        let refused = try? await RawHTTP.get(port: port, path: "/health")
        #expect(refused == nil, "the port still answers after shutdown")
    }
}
