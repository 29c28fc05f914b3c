import GatewayCore

/// Deterministic English-like texts for the embeddings benchmark: the same seed gives the same texts on every
/// machine, and their lengths (2 to 256 words) are mixed so that every batch holds short and long texts.
struct BenchTextGenerator {
    /// The shortest and longest text, in words.
    static let wordRange = 2...256

    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// `count` texts; about 40 % short (2-16 words), 30 % medium (17-96), 30 % long (97-256).
    mutating func texts(count: Int) -> [String] {
        (0..<count).map { _ in text(words: wordCount()) }
    }

    private mutating func wordCount() -> Int {
        let bucket = Int.random(in: 0..<10, using: &random)
        switch bucket {
        case 0..<4: return Int.random(in: 2...16, using: &random)
        case 4..<7: return Int.random(in: 17...96, using: &random)
        default: return Int.random(in: 97...Self.wordRange.upperBound, using: &random)
        }
    }

    /// Sentences of 4 to 18 words, capitalised, with the odd comma and number.
    private mutating func text(words: Int) -> String {
        var out = ""
        out.reserveCapacity(words * 7)
        var left = words
        while left > 0 {
            let length = min(left, Int.random(in: 4...18, using: &random))
            for position in 0..<length {
                var word = nextWord()
                if position == 0 {
                    word = word.prefix(1).uppercased() + word.dropFirst()
                }
                if !out.isEmpty { out += " " }
                out += word
                if position == length - 1 {
                    out += Int.random(in: 0..<8, using: &random) == 0 ? "?" : "."
                } else if Int.random(in: 0..<12, using: &random) == 0 {
                    out += ","
                }
            }
            left -= length
        }
        return out
    }

    private mutating func nextWord() -> String {
        if Int.random(in: 0..<40, using: &random) == 0 {
            return String(Int.random(in: 1...2030, using: &random))
        }
        return Self.vocabulary[Int.random(in: 0..<Self.vocabulary.count, using: &random)]
    }

    private static let vocabulary: [String] = """
        the of and to in is was for that on with as by at from his her they this which be are or an had not but \
        have were one all their has been more when who will can there about its other new some would time these \
        two may first only after most into over also many then state people such year under between city during \
        world where used known well while high water system small long later name work each made place game \
        government river number music through around great house area team school life national country company \
        history found large series group since before both part early public family based several second however \
        among until local main season village center three line war university back following against without \
        often built station book film development century power road around form order field population light \
        market model energy language computer network data server model request answer memory engine question \
        weather morning evening garden kitchen window mountain ocean forest travel journey friend teacher student \
        doctor engineer library museum bridge harbor island coffee bread apple orange summer winter autumn spring \
        quickly slowly carefully happily simply really always never sometimes usually perhaps certainly nearly \
        bright dark quiet loud warm cold fresh old young strong gentle simple complex modern ancient curious \
        build write read learn teach run walk speak listen think believe remember forget carry follow measure \
        explain improve compare describe discover create design deliver support manage travel open close
        """.split(separator: " ").map(String.init)
}
