/// The single-sequence post-processor (HF `TemplateProcessing` / `BertProcessing`): ids put around the content,
/// such as `[CLS]` before and `[SEP]` after.
struct SpecialTokenTemplate: Sendable, Equatable {
    var prefix: [Int32]
    var suffix: [Int32]

    /// Adds nothing (no post-processor in `tokenizer.json`).
    static let none = SpecialTokenTemplate(prefix: [], suffix: [])

    /// How many ids the template adds to a single sequence.
    var count: Int { prefix.count + suffix.count }
}
