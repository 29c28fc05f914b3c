"""A diverse text corpus for tokenizer equivalence tests."""

CORPUS = [
    "Hello world",
    "Hello, world! How are you doing today?",
    " leading space and trailing space ",
    "multiple   spaces\tand\ttabs\n\nand newlines\r\nwindows line",
    "I'm sure you'll see they've done it; he'd say it's OK. DON'T SHOUT, I'LL HEAR YOU'RE HERE.",
    "Numbers: 0 1 12 123 1234 12345 3.14159 -42 1,000,000 2024-11-27 0x1F",
    "def fibonacci(n):\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n",
    "for (int i = 0; i < 10; ++i) { printf(\"%d\\n\", i); }",
    "{\"key\": [1, 2, {\"nested\": null}], \"emoji\": \"\U0001F600\"}",
    "Café naïve façade résumé Ångström Straße coöperate",
    "Москва — столица России. Київ. Ελληνικά γράμματα.",
    "日本語のテキストと中文文本，还有한국어 텍스트。",
    "العربية من اليمين إلى اليسار",
    "हिन्दी देवनागरी लिपि में",
    "Emoji: \U0001F680\U0001F31F\U0001F44D\U0001F3FD \U0001F468\u200d\U0001F469\u200d\U0001F467 \u2764\ufe0f",
    "Math: ∑_{i=1}^{n} x_i² ≤ ∞, α+β=γ, √2 ≈ 1.414",
    "URLs https://example.com/path?q=1&r=two#frag and emails someone@example.org",
    "    indented code\n\ttabbed\n  \n",
    "a",
    " ",
    "\n",
    "!!!???...,,,;;;:::",
    "CamelCaseIdentifier snake_case_identifier kebab-case-identifier SCREAMING_CASE",
    "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX.",
    "zero-width\u200bspace and non\u00a0breaking and soft\u00adhyphen",
    "Mixed123Numbers456In789Words and 1st 2nd 3rd 4th",
    "'''quoted''' \"double\" `backticks` «guillemets» „German“",
    "x" * 50 + " " + "ab" * 30,
    "Supercalifragilisticexpialidocious antidisestablishmentarianism",
    "   \n\n\n   ",
    "tab\there, nul-free control chars \x07 \x1b[0m",
]

# Texts with the model's control tokens in them (byte-level BPE vocabularies only).
SPECIAL_CORPUS = [
    "<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n",
    "text<|endoftext|>more text",
]
