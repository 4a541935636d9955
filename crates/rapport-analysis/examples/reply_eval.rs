//! Evaluates the agent-reply checks on support agents' tweets of `twcs_first5000` against the labels of
//! `eval/data/reply-labels` (two labellers; a row counts for a check where both agree).
//!
//! ```text
//! cargo run --release -p rapport-analysis --example reply_eval [-- dev|test ...] [--errors CHECK]
//! ```
//!
//! Each reply is checked as the server checks it: with the customer tweet it answers as context, and that
//! tweet's sentiment (read by the engine) deciding whether an apology is due. The customer's name is not known
//! (twcs replaces handles by numbers), so `uses_customer_name` is not evaluated. `--errors CHECK` prints the
//! dev rows where that check disagrees with the labels. Skips when `../shared/data/twcs` is absent.

use std::collections::HashMap;
use std::error::Error;
use std::path::{Path, PathBuf};

use rapport_analysis::reply::{ReplyContext, ReplyReport, check_reply};
use rapport_analysis::{Engine, Scratch, SentimentLabel};

/// Label column → the check that should agree with it (`dismissive` is the failing side of its check).
const LABELS: [(&str, &str, bool); 5] = [
    ("acknowledges", "acknowledges_problem", true),
    ("empathy", "expresses_empathy", true),
    ("apology", "apologises", true),
    ("next_step", "gives_next_step", true),
    ("dismissive", "no_blame_or_dismissal", false),
];

struct Row {
    split: String,
    reply: String,
    customer: String,
    /// Per label: both labellers' answers.
    labels: [(bool, bool); 5],
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn load(shared: &Path, labels: &Path) -> Result<Vec<Row>, Box<dyn Error>> {
    let mut tweets: HashMap<String, (String, String)> = HashMap::new();
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_path(shared.join("twcs/twcs_first5000.csv"))?;
    let h = rdr.headers()?.clone();
    let col = |n: &str| h.iter().position(|x| x == n).ok_or(format!("twcs: no column {n}"));
    let (id, text, parent) = (col("tweet_id")?, col("text")?, col("in_response_to_tweet_id")?);
    for rec in rdr.records() {
        let rec = rec?;
        let p = rec.get(parent).unwrap_or("").split('.').next().unwrap_or("").to_string();
        tweets.insert(rec.get(id).unwrap_or("").to_string(), (collapse(rec.get(text).unwrap_or("")), p));
    }
    let mut rdr = csv::Reader::from_path(labels)?;
    let h = rdr.headers()?.clone();
    let col = |n: &str| h.iter().position(|x| x == n).ok_or(format!("{}: no column {n}", labels.display()));
    let (rid, split) = (col("reply_id")?, col("split")?);
    let mut cols = Vec::new();
    for (name, _, _) in LABELS {
        cols.push((col(&format!("{name}_a"))?, col(&format!("{name}_b"))?));
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let key = rec.get(rid).unwrap_or("");
        let (reply, parent) = tweets.get(key).ok_or(format!("reply {key} is not in twcs"))?;
        let customer = tweets.get(parent).map(|(t, _)| t.clone()).ok_or(format!("reply {key}: no customer tweet"))?;
        let yes = |i: usize| rec.get(i) == Some("1");
        let mut labels = [(false, false); 5];
        for (l, &(a, b)) in labels.iter_mut().zip(&cols) {
            *l = (yes(a), yes(b));
        }
        rows.push(Row { split: rec.get(split).unwrap_or("").to_string(), reply: reply.clone(), customer, labels });
    }
    Ok(rows)
}

fn report(engine: &Engine, row: &Row, scratch: &mut Scratch) -> ReplyReport {
    let negative = engine.summarize(&row.customer, scratch).sentiment.label == SentimentLabel::Negative;
    let ctx = ReplyContext { customer_name: None, customer_negative: negative, customer_text: Some(&row.customer) };
    check_reply(&row.reply, &ctx)
}

fn predicted(r: &ReplyReport, check: &str, passing_means_yes: bool) -> bool {
    r.checks.iter().find(|c| c.name == check).is_some_and(|c| c.passed == passing_means_yes)
}

fn kappa(pairs: &[(bool, bool)]) -> f64 {
    let n = pairs.len() as f64;
    let agree = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let pa = pairs.iter().filter(|(a, _)| *a).count() as f64 / n;
    let pb = pairs.iter().filter(|(_, b)| *b).count() as f64 / n;
    let chance = pa * pb + (1.0 - pa) * (1.0 - pb);
    if chance >= 1.0 { 1.0 } else { (agree - chance) / (1.0 - chance) }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = std::env::var_os("RAPPORT_SHARED_DATA").map_or_else(|| root.join("../shared/data"), PathBuf::from);
    if !shared.join("twcs/twcs_first5000.csv").exists() {
        println!("skip: {} has no twcs data", shared.display());
        return Ok(());
    }
    let errors_of = args.iter().position(|a| a == "--errors").and_then(|i| args.get(i + 1)).cloned();
    let mut splits: Vec<&str> = args.iter().map(String::as_str).filter(|a| matches!(*a, "dev" | "test")).collect();
    if splits.is_empty() {
        splits = vec!["dev", "test"];
    }
    let rows = load(&shared, &root.join("eval/data/reply-labels/labels.csv"))?;
    let engine = Engine::new();
    let mut scratch = Scratch::default();
    let reports: Vec<ReplyReport> = rows.iter().map(|r| report(&engine, r, &mut scratch)).collect();

    if let Some(label) = errors_of {
        let li = LABELS.iter().position(|(n, _, _)| *n == label).ok_or(format!("no label {label}"))?;
        let (_, check, yes) = LABELS[li];
        for (row, rep) in rows.iter().zip(&reports).filter(|(r, _)| r.split == "dev") {
            let (a, b) = row.labels[li];
            let p = predicted(rep, check, yes);
            if a == b && p != a {
                let ev: Vec<&str> = rep
                    .checks
                    .iter()
                    .find(|c| c.name == check)
                    .map(|c| c.evidence.iter().map(|e| e.text.as_str()).collect())
                    .unwrap_or_default();
                println!(
                    "gold {} engine {} {:?}\n    customer: {}\n    reply: {}",
                    u8::from(a),
                    u8::from(p),
                    ev,
                    row.customer,
                    row.reply
                );
            }
        }
        return Ok(());
    }

    for split in splits {
        let part: Vec<(&Row, &ReplyReport)> = rows.iter().zip(&reports).filter(|(r, _)| r.split == split).collect();
        println!("### Agent-reply checks, {split} split ({} replies)\n", part.len());
        println!("| label (check) | labellers agree | kappa | yes | precision | recall | F1 | accuracy |");
        println!("| --- | --: | --: | --: | --: | --: | --: | --: |");
        for (li, (label, check, yes)) in LABELS.iter().enumerate() {
            let pairs: Vec<(bool, bool)> = part.iter().map(|(r, _)| r.labels[li]).collect();
            let agreed: Vec<(bool, bool)> = part
                .iter()
                .filter(|(r, _)| r.labels[li].0 == r.labels[li].1)
                .map(|(r, rep)| (r.labels[li].0, predicted(rep, check, *yes)))
                .collect();
            let tp = agreed.iter().filter(|&&(g, p)| g && p).count() as f64;
            let fp = agreed.iter().filter(|&&(g, p)| !g && p).count() as f64;
            let fn_ = agreed.iter().filter(|&&(g, p)| g && !p).count() as f64;
            let right = agreed.iter().filter(|&&(g, p)| g == p).count() as f64;
            let ratio = |a: f64, b: f64| if b == 0.0 { 0.0 } else { a / b };
            let (precision, recall) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
            let f1 = ratio(2.0 * precision * recall, precision + recall);
            println!(
                "| {label} ({check}) | {} | {:.2} | {} | {precision:.3} | {recall:.3} | {f1:.3} | {:.3} |",
                agreed.len(),
                kappa(&pairs),
                tp + fn_,
                ratio(right, agreed.len() as f64)
            );
        }
        println!();
    }
    Ok(())
}
