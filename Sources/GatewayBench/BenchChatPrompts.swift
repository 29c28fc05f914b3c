import GatewayCore

/// Deterministic, unique chat prompts for the chat benchmark: prompt `i` of a seed is the same on every machine and
/// differs from every other, so no request of a run can reuse another's work. Short prompts ask for a long essay
/// (the model keeps writing past 128 tokens); long prompts carry about 250 tokens of notes for the TTFT scenario.
struct BenchChatPrompts: Sendable {
    /// Words of notes in a long prompt: with the template's system prompt, about 250 tokens for SmolLM2.
    static let defaultLongWords = 170

    let seed: UInt64
    let longWords: Int
    /// A seeded permutation of every (topic, audience) pair; short prompt `i` uses pair `i` modulo the count.
    private let pairs: [(topic: Int, audience: Int)]

    init(seed: UInt64, longWords: Int = Self.defaultLongWords) {
        self.seed = seed
        self.longWords = longWords
        var random = SplitMix64(seed: seed)
        var pairs: [(topic: Int, audience: Int)] = []
        for topic in Self.topics.indices {
            for audience in Self.audiences.indices { pairs.append((topic, audience)) }
        }
        pairs.shuffle(using: &random)
        self.pairs = pairs
    }

    /// How many different short prompts there are.
    var count: Int { pairs.count }

    /// Short prompt `index`: an essay request on a numbered topic and audience.
    func short(_ index: Int) -> String {
        let pair = pairs[index % pairs.count]
        let round = index / pairs.count
        let suffix = round == 0 ? "" : " (version \(round + 1))"
        return "Write a detailed, multi-paragraph essay about \(Self.topics[pair.topic]) "
            + "for \(Self.audiences[pair.audience])\(suffix)."
    }

    /// Long prompt `index`: about `longWords` words of notes on a topic, then the same kind of request.
    func long(_ index: Int) -> String {
        let pair = pairs[(pairs.count - 1 - index % pairs.count)]
        let topic = Self.topics[pair.topic]
        var random = SplitMix64(seed: seed ^ (0x5EED_0000 &+ UInt64(index)))
        var words: [String] = []
        words.reserveCapacity(longWords)
        var sentence = 0
        while words.count < longWords {
            let length = min(longWords - words.count, Int.random(in: 8...16, using: &random))
            var part: [String] = []
            for position in 0..<length {
                var word = Self.noteWords[Int.random(in: 0..<Self.noteWords.count, using: &random)]
                if position == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
                part.append(word)
            }
            words.append(contentsOf: part)
            words[words.count - 1] += sentence % 3 == 2 ? ";" : "."
            sentence += 1
        }
        return "Notes \(index + 1) on \(topic): " + words.joined(separator: " ")
            + "\n\nUsing these notes, write a detailed, multi-paragraph essay about \(topic)."
    }

    private static let topics = [
        "the history of lighthouses", "how bees make honey", "the water cycle", "volcanoes", "the printing press",
        "coral reefs", "the first steam engines", "how bridges carry weight", "the silk road", "glaciers",
        "the invention of paper", "migrating birds", "the human heart", "ancient roman roads", "desert plants",
        "the moon landing", "how rivers shape valleys", "the telegraph", "rain forests", "the history of coffee",
        "how vaccines work", "the great wall of china", "octopuses", "wind power", "the history of maps",
        "earthquakes", "the invention of the bicycle", "tea ceremonies", "honeybee dances", "solar eclipses",
        "the history of libraries", "mushrooms and fungi", "the first airplanes", "ocean tides", "medieval castles",
        "the periodic table", "how trains changed travel", "wolves", "the history of chess", "clouds",
        "the invention of glass", "the amazon river", "how compasses work", "ancient egyptian pyramids", "penguins",
        "the history of bread", "northern lights", "how clocks keep time", "the olympic games", "sea turtles",
        "the invention of the telephone", "bamboo", "the history of music notation", "how soap cleans",
        "the roman colosseum", "hummingbirds", "the history of the postal service", "thunderstorms",
        "the first computers", "elephants", "the history of gardens", "salt and its trade", "how maps are drawn",
        "the life of stars",
    ]

    private static let audiences = [
        "a curious child", "a high school class", "a history club", "a science magazine", "a travel guide",
        "a museum visitor", "a university lecture", "a family newsletter",
    ]

    private static let noteWords: [String] = """
        river stone bridge market harbor village valley mountain forest garden kitchen window morning evening \
        winter summer autumn spring weather water light shadow journey traveler teacher student farmer builder \
        sailor merchant library museum tower castle road wagon engine wheel signal lantern compass letter story \
        ancient modern early later careful quiet bright heavy gentle strong simple curious famous local distant \
        built carried measured discovered improved described traded followed remembered learned opened crossed \
        many several most some each every often always slowly quickly carefully nearly perhaps really across \
        through between during after before under over with without about around because while although
        """.split(separator: " ").map(String.init)
}
