//! Scores each command-line argument (or each stdin line) and prints the analysis.
//!
//! `cargo run -p rapport-analysis --example score -- "not happy at all!!"`

use std::io::BufRead;

use rapport_analysis::Engine;

fn main() {
    let engine = Engine::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines: Vec<String> =
        if args.is_empty() { std::io::stdin().lock().lines().map_while(Result::ok).collect() } else { args };
    for line in lines {
        let a = engine.analyze_customer(&line);
        println!(
            "{:>8} {:+.3} (conf {:.2})  {}",
            a.sentiment.label.as_str(),
            a.sentiment.score,
            a.sentiment.confidence,
            line
        );
        for e in &a.evidence {
            println!("           {:+.3} {:?} [{}..{}] {}", e.weight, e.text, e.start, e.end, e.note);
        }
    }
}
