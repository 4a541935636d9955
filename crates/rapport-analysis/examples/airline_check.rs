//! Sanity check of the lexicon scorer on the airline-tweets development set.
//!
//! ```text
//! cargo run -p rapport-analysis --release --example airline_check [-- path/to/tweets-dev.csv]
//! ```
//!
//! Prints accuracy, per-class precision/recall/F1, macro-F1 and the confusion
//! matrix. The set is for sanity-checking only: the lexicon is not tuned to it.

use rapport_analysis::{Engine, SentimentLabel};

const DEFAULT_PATH: &str = "/work/shared/data/airline-dev/tweets-dev.csv";
const LABELS: [SentimentLabel; 3] = [SentimentLabel::Negative, SentimentLabel::Neutral, SentimentLabel::Positive];

/// Minimal RFC-4180 reader: quoted fields, doubled quotes, newlines inside quotes.
fn parse_csv(src: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => in_quotes = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn idx(l: SentimentLabel) -> usize {
    match l {
        SentimentLabel::Negative => 0,
        SentimentLabel::Neutral => 1,
        SentimentLabel::Positive => 2,
    }
}

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| DEFAULT_PATH.to_string());
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let rows = parse_csv(&src);
    let Some((header, data)) = rows.split_first() else {
        eprintln!("{path}: empty file");
        std::process::exit(2);
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(label_col), Some(text_col)) = (col("airline_sentiment"), col("text")) else {
        eprintln!("{path}: needs columns airline_sentiment and text");
        std::process::exit(2);
    };

    let engine = Engine::new();
    let mut confusion = [[0usize; 3]; 3]; // [gold][predicted]
    let mut skipped = 0usize;
    let started = std::time::Instant::now();
    let show_errors = std::env::var_os("SHOW_ERRORS").is_some();
    for row in data {
        let (Some(gold), Some(text)) = (row.get(label_col), row.get(text_col)) else {
            skipped += 1;
            continue;
        };
        let Some(gold) = SentimentLabel::parse(gold) else {
            skipped += 1;
            continue;
        };
        let predicted = engine.analyze_customer(text).sentiment.label;
        if show_errors && predicted != gold {
            println!("{:>8} → {:<8} {}", gold.as_str(), predicted.as_str(), text.replace('\n', " "));
        }
        confusion[idx(gold)][idx(predicted)] += 1;
    }
    let elapsed = started.elapsed();
    let total: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
    println!("{path}: {total} tweets scored ({skipped} rows skipped) in {elapsed:.2?}");
    if total == 0 {
        return;
    }
    let mut f1_sum = 0.0;
    println!("{:>9} {:>9} {:>9} {:>9} {:>7}", "class", "precision", "recall", "f1", "gold");
    for l in LABELS {
        let i = idx(l);
        let tp = confusion[i][i] as f64;
        let predicted: usize = (0..3).map(|g| confusion[g][i]).sum();
        let gold: usize = confusion[i].iter().sum();
        let p = if predicted > 0 { tp / predicted as f64 } else { 0.0 };
        let r = if gold > 0 { tp / gold as f64 } else { 0.0 };
        let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        f1_sum += f1;
        println!("{:>9} {p:>9.3} {r:>9.3} {f1:>9.3} {gold:>7}", l.as_str());
    }
    println!("accuracy {:.3}", correct as f64 / total as f64);
    println!("macro-F1 {:.3}", f1_sum / 3.0);
    println!("confusion (rows = gold, columns = predicted: negative neutral positive)");
    for l in LABELS {
        let r = confusion[idx(l)];
        println!("{:>9} {:>8} {:>8} {:>8}", l.as_str(), r[0], r[1], r[2]);
    }
}
