extension TemplateValue {
    /// Compact JSON text (`,` and `:` separators, keys in their order, numbers as Python writes them), so that a
    /// value read with `init(json:)` can travel as text and be read back unchanged.
    public func jsonText(maxBytes: Int = 16 << 20) throws -> String {
        try JSONDump(indent: nil, separators: (",", ":"), sortKeys: false, maxBytes: maxBytes).dump(Value(self))
    }
}
