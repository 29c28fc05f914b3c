/// One entry of HF's `added_tokens`: text matched whole in the input (special tokens such as "[CLS]" included).
struct AddedToken: Sendable, Equatable {
    var id: Int32
    var content: String
    /// Only match when not touching a word character on either side.
    var singleWord = false
    /// Swallow whitespace on the left of a match.
    var leftStrip = false
    /// Swallow whitespace on the right of a match.
    var rightStrip = false
    /// Match in the normalised text (with the content normalised too) instead of the raw input.
    var normalized = false
    var special = false
}
