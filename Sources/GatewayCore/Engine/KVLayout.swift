/// How a chat model's KV cache budget is divided into rows: one row per request running at once, each holding the
/// request's prompt and everything it generates (as llama.cpp's server divides its context among slots).
public enum KVLayout {
    /// Tokens per row when `kv_cache_tokens` is not set: the served context, up to this.
    public static let defaultRowTokens = 2048
    /// The shortest row worth having when the budget is small: fewer rows are made instead.
    public static let minimumRowTokens = 512

    /// Rows and tokens per row for a budget of `tokens`, a served context of `context` and at most `maxRows` rows:
    /// as many rows as fit (up to `maxRows`) with at least `minimumRowTokens` each (or the context, if shorter),
    /// each as long as the budget allows up to the context.
    public static func plan(tokens: Int, context: Int, maxRows: Int) -> (rows: Int, rowLength: Int) {
        let context = max(2, context)
        let tokens = max(2, tokens)
        let shortest = min(context, minimumRowTokens)
        let rows = max(1, min(max(1, maxRows), tokens / shortest))
        return (rows, max(2, min(context, tokens / rows)))
    }
}
