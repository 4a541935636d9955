//! Evaluates the reply `tone` estimate on the Stanford Politeness Corpus
//! (Stack Exchange requests, Danescu-Niculescu-Mizil et al., ACL 2013).
//!
//! ```text
//! cargo run -p rapport-analysis --example politeness_eval [-- --data PATH] [--fit]
//! ```
//!
//! Split: rows with an even `Id` are the tuning half, odd `Id` the held-out half.
//! Labels follow the paper: top quartile of `Normalized Score` (over all rows)
//! is polite, bottom quartile impolite; the middle half is only used for the
//! Spearman correlation. Reported on the held-out half: accuracy and F1
//! (polite = positive) at tone > 0 and at the threshold that is best on the
//! tuning half, and Spearman's rho between tone and `Normalized Score` over
//! all held-out rows.
//!
//! `--fit` fits the `tone` and `tone_from` weights of `data/reply_cues.tsv` by
//! L2-regularised logistic regression on the tuning half's quartile rows,
//! shrunk towards the hand-set weights (the regularisation strength is chosen
//! by 2-fold cross-validation inside the tuning half, Id mod 4), and prints
//! them as `tone:<phrase>` / `tone_from:<check>` lines. The held-out half is
//! never looked at while fitting.

use std::collections::HashMap;
use std::error::Error;
use std::path::PathBuf;

use rapport_analysis::reply::{ReplyChecker, ReplyContext, check_reply};

struct Row {
    id: u64,
    request: String,
    score: f64,
}

/// RFC 4180 fields: quoted fields may hold commas, newlines and "" for a quote.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

fn load(path: &PathBuf) -> Result<Vec<Row>, Box<dyn Error>> {
    let text = std::fs::read_to_string(path)?;
    let mut records = parse_csv(&text).into_iter();
    let header = records.next().ok_or("empty file")?;
    let col = |name: &str| header.iter().position(|h| h == name).ok_or(format!("no column {name}"));
    let (id_col, req_col, score_col) = (col("Id")?, col("Request")?, col("Normalized Score")?);
    let mut rows = Vec::new();
    for (n, r) in records.enumerate() {
        if r.len() == 1 && r[0].is_empty() {
            continue;
        }
        let get = |i: usize| r.get(i).ok_or(format!("record {}: only {} fields", n + 2, r.len()));
        rows.push(Row {
            id: get(id_col)?.trim().parse().map_err(|e| format!("record {}: Id: {e}", n + 2))?,
            request: get(req_col)?.clone(),
            score: get(score_col)?.trim().parse().map_err(|e| format!("record {}: score: {e}", n + 2))?,
        });
    }
    Ok(rows)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    pearson(&ranks(a), &ranks(b))
}

struct Binary {
    n: usize,
    accuracy: f64,
    f1: f64,
    macro_f1: f64,
}

/// `items`: (tone, is_polite).
fn binary(items: &[(f64, bool)], threshold: f64) -> Binary {
    let (mut tp, mut fp, mut tn, mut fneg) = (0.0, 0.0, 0.0, 0.0);
    for &(t, polite) in items {
        match (t > threshold, polite) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, false) => tn += 1.0,
            (false, true) => fneg += 1.0,
        }
    }
    let f1 = |tp: f64, fp: f64, fneg: f64| if tp == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + fp + fneg) };
    Binary {
        n: items.len(),
        accuracy: (tp + tn) / items.len().max(1) as f64,
        f1: f1(tp, fp, fneg),
        macro_f1: (f1(tp, fp, fneg) + f1(tn, fneg, fp)) / 2.0,
    }
}

fn best_threshold(items: &[(f64, bool)]) -> f64 {
    let mut cands: Vec<f64> = items.iter().map(|x| x.0).collect();
    cands.sort_by(f64::total_cmp);
    cands.dedup();
    let mut best = (0.0, binary(items, 0.0).accuracy);
    for w in cands.windows(2) {
        let t = (w[0] + w[1]) / 2.0;
        let acc = binary(items, t).accuracy;
        if acc > best.1 {
            best = (t, acc);
        }
    }
    best.0
}

struct Model {
    names: Vec<String>,
    prior: Vec<f64>,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Gradient descent on mean log-loss + lambda/n · |w − prior|²; returns (w, bias).
fn fit(model: &Model, xs: &[Vec<(usize, f64)>], ys: &[bool], lambda: f64) -> (Vec<f64>, f64) {
    let mut w = model.prior.clone();
    let mut b = 0.0;
    let n = xs.len().max(1) as f64;
    let lr = 0.5;
    for _ in 0..3000 {
        let mut gw = vec![0.0; w.len()];
        let mut gb = 0.0;
        for (x, &y) in xs.iter().zip(ys) {
            let z = b + x.iter().map(|&(j, v)| w[j] * v).sum::<f64>();
            let err = sigmoid(z) - if y { 1.0 } else { 0.0 };
            gb += err;
            for &(j, v) in x {
                gw[j] += err * v;
            }
        }
        for j in 0..w.len() {
            w[j] -= lr * (gw[j] / n + 2.0 * lambda / n * (w[j] - model.prior[j]));
        }
        b -= lr * gb / n;
    }
    (w, b)
}

fn log_loss(w: &[f64], b: f64, xs: &[Vec<(usize, f64)>], ys: &[bool]) -> f64 {
    let mut s = 0.0;
    for (x, &y) in xs.iter().zip(ys) {
        let p = sigmoid(b + x.iter().map(|&(j, v)| w[j] * v).sum::<f64>()).clamp(1e-9, 1.0 - 1e-9);
        s -= if y { p.ln() } else { (1.0 - p).ln() };
    }
    s / xs.len().max(1) as f64
}

fn run_fit(rows: &[&Row], q1: f64, q3: f64) {
    let checker = ReplyChecker::new();
    // Features are the cues that occur in the data; each starts from (and is
    // shrunk towards) its weight in the current table.
    let mut names: Vec<String> = Vec::new();
    let mut prior: Vec<f64> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let tone_from: HashMap<&str, f64> = checker.tone_from().into_iter().collect();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let mut ids = Vec::new();
    for r in rows.iter().filter(|r| r.score >= q3 || r.score <= q1) {
        let mut x = Vec::new();
        for h in checker.cue_hits(&r.request) {
            if h.negated || h.weight == 0.0 {
                continue;
            }
            let (key, value, w0) = if h.check == "tone" {
                (format!("tone:{}", h.phrase), 1.0, h.weight)
            } else if let Some(&c) = tone_from.get(h.check) {
                (format!("tone_from:{}", h.check), h.weight, c)
            } else {
                continue;
            };
            let j = *index.entry(key.clone()).or_insert_with(|| {
                names.push(key);
                prior.push(w0);
                names.len() - 1
            });
            x.push((j, value));
        }
        xs.push(x);
        ys.push(r.score >= q3);
        ids.push(r.id);
    }
    let model = Model { names, prior };
    let fold = |k: u64| -> (Vec<Vec<(usize, f64)>>, Vec<bool>) {
        let pick: Vec<usize> = (0..xs.len()).filter(|&i| ids[i] % 4 == k).collect();
        (pick.iter().map(|&i| xs[i].clone()).collect(), pick.iter().map(|&i| ys[i]).collect())
    };
    let (a, b) = (fold(0), fold(2));
    let mut best = (f64::INFINITY, 1.0);
    for lambda in [0.3, 1.0, 3.0, 10.0, 30.0, 100.0] {
        let (wa, ba) = fit(&model, &a.0, &a.1, lambda);
        let (wb, bb) = fit(&model, &b.0, &b.1, lambda);
        let cv = (log_loss(&wa, ba, &b.0, &b.1) + log_loss(&wb, bb, &a.0, &a.1)) / 2.0;
        eprintln!("lambda {lambda:>5}: 2-fold CV log-loss {cv:.4}");
        if cv < best.0 {
            best = (cv, lambda);
        }
    }
    let (w, bias) = fit(&model, &xs, &ys, best.1);
    eprintln!(
        "fitted on {} tuning rows (Id even, quartiles only), lambda {}, bias {bias:.3} (not stored: tone 0 means 'no cue')",
        xs.len(),
        best.1
    );
    let counts: Vec<usize> =
        (0..model.names.len()).map(|j| xs.iter().filter(|x| x.iter().any(|&(k, _)| k == j)).count()).collect();
    for (j, name) in model.names.iter().enumerate() {
        println!("{name}\t{:.2}", w[j]);
        eprintln!("  {name:<70} prior {:>6.2} -> {:>6.2}  ({} rows)", model.prior[j], w[j], counts[j]);
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fit_mode = args.iter().any(|a| a == "--fit");
    let path = match args.iter().position(|a| a == "--data") {
        Some(i) => PathBuf::from(args.get(i + 1).ok_or("--data needs a path")?),
        None => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/politeness-dev/stack-exchange.annotated.csv"
        )),
    };
    if !path.exists() {
        println!("skip: {} not found", path.display());
        return Ok(());
    }
    let rows = load(&path)?;
    let mut all: Vec<f64> = rows.iter().map(|r| r.score).collect();
    all.sort_by(f64::total_cmp);
    let (q1, q3) = (quantile(&all, 0.25), quantile(&all, 0.75));
    let (tune, held): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| r.id % 2 == 0);
    println!(
        "{} rows; quartiles of Normalized Score (all rows): Q1 {q1:.3}, Q3 {q3:.3}; tuning half (Id even) {}, held-out half (Id odd) {}",
        rows.len(),
        tune.len(),
        held.len()
    );
    if fit_mode {
        run_fit(&tune, q1, q3);
        return Ok(());
    }
    let ctx = ReplyContext::default();
    let tone = |rs: &[&Row]| -> Vec<f64> { rs.iter().map(|r| check_reply(&r.request, &ctx).tone).collect() };
    let (tune_tone, held_tone) = (tone(&tune), tone(&held));
    let labelled = |rs: &[&Row], ts: &[f64]| -> Vec<(f64, bool)> {
        rs.iter().zip(ts).filter(|(r, _)| r.score >= q3 || r.score <= q1).map(|(r, &t)| (t, r.score >= q3)).collect()
    };
    let (tune_l, held_l) = (labelled(&tune, &tune_tone), labelled(&held, &held_tone));
    let t_star = best_threshold(&tune_l);
    let no_cue = held_tone.iter().filter(|&&t| t == 0.0).count();
    for (name, rs, ts, l) in
        [("tuning  (Id even)", &tune, &tune_tone, &tune_l), ("held-out (Id odd)", &held, &held_tone, &held_l)]
    {
        let scores: Vec<f64> = rs.iter().map(|r| r.score).collect();
        let b0 = binary(l, 0.0);
        let bt = binary(l, t_star);
        println!(
            "{name}: quartile rows {}; tone>0: accuracy {:.3}, F1(polite) {:.3}, macro-F1 {:.3}; tone>{t_star:.3} (best on tuning half): accuracy {:.3}, F1 {:.3}, macro-F1 {:.3}; Spearman rho (all {} rows) {:.3}",
            b0.n,
            b0.accuracy,
            b0.f1,
            b0.macro_f1,
            bt.accuracy,
            bt.f1,
            bt.macro_f1,
            rs.len(),
            spearman(ts, &scores)
        );
    }
    let polite_share = held_l.iter().filter(|x| x.1).count() as f64 / held_l.len().max(1) as f64;
    println!(
        "held-out: {no_cue} of {} rows have no tone cue (tone 0); majority-class accuracy on quartile rows {:.3}",
        held.len(),
        polite_share.max(1.0 - polite_share)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_newlines() {
        let r = parse_csv("a,b\n\"x, \"\"y\"\"\nz\",2\r\n");
        assert_eq!(r, vec![vec!["a", "b"], vec!["x, \"y\"\nz", "2"]]);
    }
}
