//! Scores each command-line argument (or each stdin line) and prints the analysis with its evidence.
//!
//! `cargo run -p rapport-analysis --example score -- "not happy at all!!"`
//! (`rapport score` is the same engine with JSON output.)

use std::io::BufRead;

use rapport_analysis::Engine;

fn main() {
    let engine = Engine::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines: Vec<String> =
        if args.is_empty() { std::io::stdin().lock().lines().map_while(Result::ok).collect() } else { args };
    for line in lines {
        let a = engine.analyze_customer(&line);
        let intents: Vec<&str> = a.intents.iter().map(|i| i.as_str()).collect();
        println!(
            "{:>8} {:+.3} (conf {:.2}) {} / {} [{}]  {}",
            a.sentiment.label.as_str(),
            a.sentiment.score,
            a.sentiment.confidence,
            a.emotion,
            a.reason.as_deref().unwrap_or("-"),
            intents.join(","),
            line
        );
        for e in &a.evidence {
            println!("           {:9} {:+.3} {:?} [{}..{}] {}", e.signal, e.weight, e.text, e.start, e.end, e.note);
        }
    }
}
