import ArgumentParser

/// What `--scenario` selects: one scenario, all of them, or none (only `--dump-texts`).
enum BenchScenarioChoice: String, CaseIterable, ExpressibleByArgument {
    case batch, concurrent, single, all, none

    var scenarios: [BenchScenario] {
        switch self {
        case .all: BenchScenario.allCases
        case .none: []
        case .batch: [.batch]
        case .concurrent: [.concurrent]
        case .single: [.single]
        }
    }
}
