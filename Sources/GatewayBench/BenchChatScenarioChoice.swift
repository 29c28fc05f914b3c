import ArgumentParser

/// What `--scenario` selects for the chat benchmark: one scenario, all of them, or none (only `--dump-prompts`).
enum BenchChatScenarioChoice: String, CaseIterable, ExpressibleByArgument {
    case single, ttft, concurrent, all, none

    var scenarios: [BenchChatScenario] {
        switch self {
        case .all: BenchChatScenario.allCases
        case .none: []
        case .single: [.single]
        case .ttft: [.ttft]
        case .concurrent: [.concurrent]
        }
    }
}
