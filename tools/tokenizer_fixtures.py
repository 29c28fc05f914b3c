#!/usr/bin/env python3
# Regenerate the tokenizer fixtures with exactly this command, from the repository root:
#
#   python3 -m venv /tmp/tok-venv && /tmp/tok-venv/bin/pip install tokenizers==0.23.3 && \
#   /tmp/tok-venv/bin/python tools/tokenizer_fixtures.py models/all-minilm-l6-v2 Tests/TokenizersTests/Fixtures
#
# It runs Hugging Face `tokenizers` on the real all-MiniLM-L6-v2 tokenizer files (placed in
# models/all-minilm-l6-v2 by scripts/setup) and writes the JSON fixtures the Swift `TokenizersTests` compare with:
#
#   wordpiece_corpus.json      the corpus (>= 300 texts) with ids from tokenizer.json: untruncated, and truncated
#                              at 128 and 512 tokens with `enable_truncation`.
#   wordpiece_variants.json    ids from vocab.txt with other BertWordPieceTokenizer settings (cased, no CJK
#                              handling), so the non-lowercasing paths are checked too.
#   wordpiece_added_tokens.json extra added tokens (lstrip, rstrip, single_word, normalized) and their ids.
#   unicode_properties.json    how HF classifies every Unicode scalar (control, whitespace, punctuation, CJK,
#                              accent stripping, lowercasing), for an exhaustive check of the Swift tables.
#
# Everything is deterministic: fixed lists plus a mix drawn from random.Random(20240611).
import json
import os
import random
import sys

import tokenizers
from tokenizers import AddedToken, BertWordPieceTokenizer, Tokenizer, normalizers, pre_tokenizers

COMMAND = (
    "/tmp/tok-venv/bin/python tools/tokenizer_fixtures.py models/all-minilm-l6-v2 " "Tests/TokenizersTests/Fixtures"
)
SEED = 20240611

ENGLISH = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "This is a test of the emergency broadcast system.",
    "I can't believe it's not butter!",
    'She said, "Don\'t go there." He went anyway.',
    "Machine learning models turn text into numbers called embeddings.",
    "What's the weather like in New York City today?",
    "Sentence embeddings capture semantic similarity between pieces of text.",
    "The server tokenizes hundreds of requests per second on two cores.",
    "unbelievably, the antidisestablishmentarianism debate continued",
    "Supercalifragilisticexpialidocious is a long word.",
    "Pneumonoultramicroscopicsilicovolcanoconiosis",
    "GPUs, TPUs and CPUs: which one wins?",
    "e-mail, re-enter, co-operate, mother-in-law",
    "It's 5 o'clock somewhere; let's grab a coffee.",
    "UPPERCASE TEXT SHOULD BE LOWERCASED BY THE UNCASED MODEL",
    "MiXeD CaSe WoRdS aNd CamelCaseIdentifiers likeThisOne",
    "Tokenization isn't always straightforward...",
    "A man, a plan, a canal: Panama.",
    "To be, or not to be, that is the question.",
    "Dr. Smith arrived at 10:30 a.m. on Jan. 5th.",
    "The U.S.A. and the U.K. signed the treaty.",
    "He scored 98.6% on the test (out of 100%).",
    "Price: $1,299.99 - 20% off = $1,039.99",
    "#hashtag @mention &amp; <tag> {brace} [bracket] |pipe| ~tilde~ `backtick`",
    "snake_case_variable and kebab-case-name and dot.separated.name",
    "Wait... what?! Really?!?!",
    "rock 'n' roll",
    "'single quotes' and \"double quotes\"",
    "The café served crème brûlée.",
    "naïve résumé fiancée façade coöperate",
    "bank bank bank bank",
    "walking talking running jumping swimming",
    "embeddings embedding embedded embeds",
    "xylophone zymurgy quixotic jejune",
    "ab cd ef gh ij kl mn op qr st uv wx yz",
    "1 2 3 4 5 6 7 8 9 10",
    "I",
    "a",
    "?",
    ".",
    "##",
    "##ing",
    "un##able",
]

ACCENTS = [
    "café",
    "cafe\u0301",
    "Ångström",
    "A\u030angstro\u0308m",
    "São Paulo",
    "Zürich",
    "Œuvre",
    "Dvořák",
    "Łódź",
    "İstanbul",
    "ıi İI",
    "straße STRASSE ß ẞ",
    "ﬁnance ﬂow ﬀ",
    "Ǆemal ǅ ǆ",
    "ΟΔΥΣΣΕΥΣ",
    "Σίσυφος",
    "ἄνθρωπος",
    "ῥῆμα",
    "Ελληνικά",
    "Crème Brûlée",
    "Ĳsselmeer",
    "Øresund",
    "Þórr",
    "Ærø",
    "a\u0308\u0323",
    "a\u0323\u0308",
    "e\u0301\u0301\u0301",
    "o\u0338",
    "\u0301start",
    "x\u20dd",
    "1\ufe0f\u20e3",
    "Việt Nam",
    "Tiếng Việt có dấu",
    "ḍḥṃṇṛṣṭ",
    "Ṁṁ",
    "Ǻǻ",
    "\u1e9e",
    "Ωmega Ω Ω",
]

SCRIPTS = [
    "我爱自然语言处理。",
    "北京是中国的首都",
    "你好，世界！",
    "漢字と仮名交じり文",
    "中文English混合",
    "𠀀𠀁𪚥 rare ideographs",
    "兀 﨎 compatibility ideographs 丽",
    "日本語のテキストです。",
    "ひらがな カタカナ ｶﾀｶﾅ",
    "東京タワーに行きました！",
    "ゃゅょっー",
    "한국어 텍스트입니다.",
    "안녕하세요 세계",
    "\u1100\u1161\u11a8 jamo",
    "Привет, мир!",
    "Съешь же ещё этих мягких французских булок.",
    "Ёлка ёж",
    "مرحبا بالعالم",
    "اَلْعَرَبِيَّةُ",
    "١٢٣ ٤٥٦",
    "שלום עולם",
    "שָׁלוֹם",
    "สวัสดีชาวโลก",
    "ภาษาไทย",
    "नमस्ते दुनिया",
    "हिन्दी भाषा",
    "বাংলা ভাষা",
    "தமிழ் மொழி",
    "ქართული ენა",
    "Հայերեն",
    "አማርኛ",
    "Γειά σου Κόσμε",
    "Ꭰ Ꭱ Ꭲ Cherokee ꭰ",
    "\u1c90\u1c91 Mtavruli",
    "𐐀𐐁 Deseret 𐐨",
    "𞤀𞤁 Adlam 𞤢",
    "ᠮᠣᠩᠭᠣᠯ",
    "ꦗꦮ",
    "ܐܪܡܝܐ",
    "ދިވެހި",
    "ⴰⵣⵓⵍ",
    "𓀀𓀁 hieroglyphs",
]

EMOJI = [
    "😀",
    "I love it 😍😍😍",
    "👍🏽 thumbs up",
    "👨‍👩‍👧‍👦 family",
    "🏳️‍🌈 flag",
    "🇺🇸🇯🇵🇩🇪",
    "1️⃣2️⃣3️⃣",
    "🥹🫠🫶 new emoji",
    "🧑🏿‍💻 technologist",
    "❤️ ♥ ❤",
    "🏴󠁧󠁢󠁥󠁮󠁧󠁿 England",
    "👩‍❤️‍💋‍👨",
    "emoji😀inside😀words",
    "🙂🙃",
    "🤖 robot says hi",
    "☺ ☹ ★ ☆ ✓ ✗",
    "🔥🔥🔥 fire",
]

TECH = [
    "https://www.example.com/path/to/page?query=1&x=y#frag",
    "http://localhost:8080/v1/embeddings",
    "ftp://files.example.org/pub/file.tar.gz",
    "user.name+tag@example.co.uk",
    "contact: john_doe123@mail.example.com",
    "3.14159 2.71828 1,000,000 -42 +7 1e-10 0x1F 0b1010",
    "½ ⅓ ¼ ² ³ ¹ Ⅻ ⅻ ٣",
    "IPv4 192.168.0.1 and IPv6 2001:db8::ff00:42:8329",
    "func encode(_ text: String) -> [Int32] { return [] }",
    "def f(x):\n    return x ** 2  # square",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }",
    "SELECT * FROM users WHERE id = 42 AND name LIKE '%bob%';",
    '{"key": [1, 2, 3], "nested": {"a": null}}',
    '<div class="x">Hello &nbsp; <b>world</b></div>',
    "$ ls -la /usr/local/bin | grep swift > out.txt 2>&1",
    "let x = a != b && c <= d || e >= f",
    "C:\\Users\\Admin\\Documents\\file.txt",
    "version 1.2.3-beta+build.456",
    "2024-06-11T12:34:56Z",
    "SHA256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "base64: SGVsbG8gV29ybGQhCg==",
]

CONTROL = [
    "a\x00b",
    "a\x01b\x02c",
    "bell\x07ring",
    "esc\x1b[31mred\x1b[0m",
    "del\x7fete",
    "nel\x85line",
    "c1\x9fend",
    "zero\u200bwidth",
    "zw\u200cnon\u200djoiner",
    "bom\ufeffhere",
    "\ufeffleading bom",
    "word\u2060joiner",
    "soft\u00adhyphen",
    "repl\ufffdacement",
    "\ufffd\ufffd",
    "private\ue000use\ue001x\uf8ff",
    "\U000f0000\U000f0001",
    "arabic\u0890pound\u08e2mark",
    "egypt\U00013430x",
    "rtl\u202eoverride\u202c",
    "\u2066isolate\u2069",
    "tab\tseparated\tvalues",
    "line\nbreak",
    "crlf\r\nline",
    "cr\ronly",
    "form\x0cfeed",
    "vertical\x0btab",
    "line\u2028sep\u2029para",
    "ideographic\u3000space",
    "no\u00a0break",
    "thin\u2009space\u202fnarrow",
    "ogham\u1680space",
    "mongolian\u180evowel",
    "en\u2002em\u2003spaces",
    "fs\x1cgs\x1drs\x1eus\x1f",
    "variation\ufe0eselector\ufe0f",
    "tag\U000e0041chars",
    "\U000e0001lang",
]

SPECIAL = [
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "[PAD]",
    "[UNK]",
    "[cls]",
    "[Cls]",
    "[sep]",
    "[mask]",
    "[Mask]",
    "[pad]",
    "[unk]",
    "[CLS] hello [SEP]",
    "[CLS][SEP]",
    "[SEP][SEP][SEP]",
    "x[MASK]y",
    "[[MASK]]",
    "[MASK",
    "MASK]",
    "[ MASK ]",
    "The capital of France is [MASK].",
    "[MASK][MASK] [mask][MASK]",
    "[UNK] unknown [unk]",
    "[PAD][PAD]pad",
    "[CLS]",
    "CLS SEP MASK",
    "[CLS ]",
    "[[CLS]SEP]",
    "a [MASK]b [SEP]c",
    "[Mask] [MASK] [mASK]",
]

EDGE = [
    "",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    " \t\n\r ",
    "\u3000",
    "\u200b",
    "\u200b\u200b \u200d",
    "\x00",
    "\ufffd",
    "a" * 100,
    "a" * 101,
    "b" * 99 + "!",
    "é" * 100,
    "é" * 101,
    "e\u0301" * 60,
    "中" * 120,
    "ab" * 60,
    "x" * 250 + " short",
    "http://" + "a" * 120 + ".com",
    "!!!???...",
    "—–-‐‑‒―",
    "«»“”‘’„‚‹›",
    "。、！？「」『』【】",
    "¡¿",
    "...,,,;;;:::",
    "()[]{}<>",
    "∑∫√∞≠≤≥±×÷",
    "∀x∈ℝ: x²≥0",
    "α+β=γ",
    "∂f/∂x",
    "⊕⊗⊂⊃∩∪",
    "→←↑↓⇒⇔",
    "°C °F ‰ ‱",
    "€£¥₹₽¢",
    "ＡＢＣ１２３！ｆｕｌｌｗｉｄｔｈ",
    "ｈｅｌｌｏ　ｗｏｒｌｄ",
    "𝐀𝐁𝐂 𝒜ℬ𝒞 𝔸𝔹ℂ",
    "Ⓐⓑⓒ ①②③",
    "™ © ®",
    "mixed English, 中文, русский, العربية, हिन्दी, 日本語, 한국어 in one line",
]


def long_texts(rng):
    words = [w for s in ENGLISH for w in s.split()]
    out = []
    for n in (700, 1500, 2600):
        out.append(" ".join(rng.choice(words) for _ in range(n)))
    out.append(("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 120).strip())
    out.append("".join(rng.choice("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年") for _ in range(900)))
    return out


def random_mix(rng, count):
    pools = [ENGLISH, ACCENTS, SCRIPTS, EMOJI, TECH, CONTROL, SPECIAL, EDGE[:12] + EDGE[22:]]
    seps = [" ", "", "\n", ", ", " - ", "\t", "!", "\u200b", "\u3000"]
    out = []
    for _ in range(count):
        parts = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 6))]
        text = ""
        for part in parts:
            text += part + rng.choice(seps)
        if rng.random() < 0.3:
            text = text.upper()
        out.append(text)
    return out


def random_scalars(rng, count):
    out = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(5, 40)):
            cp = rng.choice(
                [
                    rng.randint(0x20, 0x7E),
                    rng.randint(0x80, 0x2FFF),
                    rng.randint(0x3000, 0xFFFF),
                    rng.randint(0x10000, 0x10FFFF),
                    0x20,
                ]
            )
            if 0xD800 <= cp <= 0xDFFF:
                cp = 0x41
            chars.append(chr(cp))
        out.append("".join(chars))
    return out


def build_corpus():
    rng = random.Random(SEED)
    corpus = ENGLISH + ACCENTS + SCRIPTS + EMOJI + TECH + CONTROL + SPECIAL + EDGE
    corpus += [s.upper() for s in ACCENTS[:20]] + [s.lower() for s in SCRIPTS[12:24]]
    corpus += long_texts(rng)
    corpus += random_mix(rng, 160)
    corpus += random_scalars(rng, 40)
    return corpus


def ids(tokenizer, text):
    return tokenizer.encode(text).ids


def corpus_fixture(model_dir, corpus):
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    full = [ids(tok, t) for t in corpus]
    tok.enable_truncation(max_length=128)
    t128 = [ids(tok, t) for t in corpus]
    tok.enable_truncation(max_length=512)
    t512 = [ids(tok, t) for t in corpus]
    tok.no_truncation()
    plain = [tok.encode(t, add_special_tokens=False).ids for t in corpus]
    return {
        "command": COMMAND,
        "tokenizers_version": tokenizers.__version__,
        "vocab_size": tok.get_vocab_size(),
        "texts": [
            {"text": t, "ids": a, "ids_128": b, "ids_512": c, "ids_no_special": d}
            for t, a, b, c, d in zip(corpus, full, t128, t512, plain)
        ],
    }


def variants_fixture(model_dir, corpus):
    vocab = os.path.join(model_dir, "vocab.txt")
    variants = []
    settings = [
        ("cased", {"do_lower_case": False, "strip_accents": False, "tokenize_chinese_chars": True}),
        ("lowercase_keep_accents", {"do_lower_case": True, "strip_accents": False, "tokenize_chinese_chars": False}),
        ("cased_strip_accents", {"do_lower_case": False, "strip_accents": True, "tokenize_chinese_chars": True}),
    ]
    for name, cfg in settings:
        tok = BertWordPieceTokenizer(
            vocab,
            lowercase=cfg["do_lower_case"],
            strip_accents=cfg["strip_accents"],
            handle_chinese_chars=cfg["tokenize_chinese_chars"],
            clean_text=True,
        )
        full = [ids(tok, t) for t in corpus]
        tok.enable_truncation(max_length=128)
        t128 = [ids(tok, t) for t in corpus]
        variants.append({"name": name, "config": cfg, "ids": full, "ids_128": t128})
    return {"command": COMMAND, "corpus": "wordpiece_corpus.json", "variants": variants}


def added_tokens_fixture(model_dir):
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    tok.add_tokens(
        [
            AddedToken("<lstrip>", lstrip=True, normalized=False),
            AddedToken("<rstrip>", rstrip=True, normalized=False),
            AddedToken("<both>", lstrip=True, rstrip=True, normalized=False),
            AddedToken("soloq", single_word=True, normalized=False),
            AddedToken("Hello World", normalized=True),
            AddedToken("Café", normalized=True),
            AddedToken("[MASK]X", normalized=False),
            AddedToken("naïve", normalized=False),
        ]
    )
    saved = json.loads(tok.to_str())
    texts = [
        "a <lstrip> b",
        "a   <lstrip>   b",
        "a<lstrip>b",
        "x <rstrip>   y",
        "x<rstrip>y",
        "p  <both>  q",
        "soloq",
        "a soloq b",
        "asoloq b",
        "a soloqb",
        "soloq,soloq",
        "(soloq)",
        "sóloq soloq_ soloq1 _soloq",
        "soloqsoloq soloq",
        "soloq\u200dx",
        "x\u0301soloq",
        "soloq\u0301",
        "soloq\u3000soloq",
        "中soloq中",
        "١soloq",
        "hello world",
        "HELLO WORLD!",
        "Hello   World",
        "xhello worldy",
        "café CAFÉ cafe\u0301 Cafe",
        "[MASK]X [MASK] [MASK]x",
        "naïve nai\u0308ve NAÏVE",
        "<lstrip><rstrip><both>",
        "",
        "  <both>  ",
        "\u3000<lstrip>",
        "é <lstrip>",
        "<rstrip>\u3000\u00a0z",
        "\u200b <lstrip>",
    ]
    added = [t for t in saved["added_tokens"] if not t["special"]]
    return {
        "command": COMMAND,
        "vocab_size": tok.get_vocab_size(),
        "extra_added_tokens": added,
        "cases": [{"text": t, "ids": ids(tok, t)} for t in texts],
    }


def ranges(values):
    out = []
    for v in values:
        if out and out[-1][1] == v - 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return out


def unicode_fixture():
    make = normalizers.BertNormalizer
    clean = make(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    chinese = make(clean_text=False, handle_chinese_chars=True, strip_accents=False, lowercase=False)
    strip = make(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    lower = make(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=True)
    pre = pre_tokenizers.BertPreTokenizer()
    out = {
        k: []
        for k in ("dropped", "to_space", "chinese", "stripped", "strip_map", "lower_map", "punctuation", "whitespace")
    }
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        r = clean.normalize_str(c)
        if r == "":
            out["dropped"].append(cp)
        elif r != c:
            assert r == " ", hex(cp)
            out["to_space"].append(cp)
        if chinese.normalize_str(c) != c:
            out["chinese"].append(cp)
        s = strip.normalize_str(c)
        if s == "":
            out["stripped"].append(cp)
        elif s != c and not 0xAC00 <= cp <= 0xD7A3:  # Hangul syllables decompose algorithmically
            out["strip_map"].append([cp, s])
        low = lower.normalize_str(c)
        if low != c:
            out["lower_map"].append([cp, low])
        pieces = [p for p, _ in pre.pre_tokenize_str("x" + c + "x")]
        if pieces == ["x", c, "x"]:
            out["punctuation"].append(cp)
        elif pieces == ["x", "x"]:
            out["whitespace"].append(cp)
    for key in ("dropped", "to_space", "chinese", "stripped", "punctuation", "whitespace"):
        out[key] = ranges(out[key])
    out["command"] = COMMAND
    return out


def write(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: tokenizer_fixtures.py MODEL_DIR FIXTURES_DIR")
    model_dir, out_dir = sys.argv[1], sys.argv[2]
    corpus = build_corpus()
    assert len(corpus) >= 300, len(corpus)
    write(os.path.join(out_dir, "wordpiece_corpus.json"), corpus_fixture(model_dir, corpus))
    write(os.path.join(out_dir, "wordpiece_variants.json"), variants_fixture(model_dir, corpus))
    write(os.path.join(out_dir, "wordpiece_added_tokens.json"), added_tokens_fixture(model_dir))
    write(os.path.join(out_dir, "unicode_properties.json"), unicode_fixture())
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write(
            "Generated by Hugging Face `tokenizers` "
            + tokenizers.__version__
            + " from the repository root with: `"
            + COMMAND
            + "` (see tools/tokenizer_fixtures.py for the venv setup).\n"
        )


if __name__ == "__main__":
    main()
