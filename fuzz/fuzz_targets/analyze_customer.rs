//! Structured customer messages: each input byte pair picks a word from `VOCAB` and a way to write it
//! (as is, UPPER CASE, elongated, glued to the next word, followed by punctuation), so the text is made of
//! the things the scorer reacts to (negation, intensifiers, "but", questions, caps, elongation, "!!!",
//! emoticons, emoji, courtesy words) in many orders. `Engine::analyze_customer` must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_analysis::Engine;

thread_local! {
    static ENGINE: Engine = Engine::new();
}

/// Plain English (plus a little French and German) that any version of the engine should read, so this
/// target does not depend on the engine's lexicon files.
const VOCAB: &[&str] = &[
    "the", "my", "order", "refund", "package", "flight", "agent", "support", "account", "invoice",
    "good", "great", "excellent", "love", "thanks", "thank you", "please", "helpful", "happy", "fixed",
    "bad", "terrible", "awful", "hate", "worst", "unacceptable", "broken", "late", "cancelled", "rude",
    "not", "never", "no", "don't", "isn't", "without", "hardly", "nobody", "nothing", "can't",
    "very", "really", "extremely", "so", "totally", "slightly", "kind of", "barely", "absolutely", "most",
    "but", "however", "although", "yet", "though", "and", "or", "still", "again", "since",
    "?", "!", "!!!", "?!", "...", ",", ".", ":)", ":(", ":-D", ";)", "<3", ":'(", "xD",
    "😀", "😡", "👍", "👎", "🙏", "❤️", "😭", "🤬", "👩‍👩‍👧", "🇫🇷",
    "merci", "mais", "nul", "génial", "pas", "danke", "aber", "schlecht", "nicht", "super",
    "@support", "#fail", "https://example.com/o/12345", "me@example.com", "#12345", "€49.99", "3h", "2x",
    "\u{200b}", "\u{301}", "\t", "\n", "\r\n", "  ", "'", "\"", "-", "—",
];

fuzz_target!(|data: &[u8]| {
    let mut text = String::new();
    for pair in data.chunks(2) {
        let word = VOCAB[usize::from(pair[0]) % VOCAB.len()];
        let style = pair.get(1).copied().unwrap_or(0);
        match style % 8 {
            0 | 1 | 2 => text.push_str(word),
            3 => text.push_str(&word.to_uppercase()),
            4 => {
                // Elongate the last char: "sooooo", "!!!!!!".
                text.push_str(word);
                if let Some(c) = word.chars().last() {
                    for _ in 0..(style / 8) % 12 {
                        text.push(c);
                    }
                }
            }
            5 => {
                // Glued to the next word.
                text.push_str(word);
                continue;
            }
            6 => {
                text.push_str(word);
                text.push_str(["!", "?", ".", "!!", "?!"][usize::from(style / 8) % 5]);
            }
            _ => {
                // Capitalised first letter.
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
            }
        }
        text.push(' ');
    }
    ENGINE.with(|engine| {
        let _ = engine.analyze_customer(&text);
    });
});
