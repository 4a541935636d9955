//! Trains and evaluates the engine's models from named public data.
//!
//! ```text
//! rapport-train eval  [options]   # train on the training split, report on the held-out split
//! rapport-train cv    [options]   # 4-fold cross-validation inside the training split (for tuning)
//! rapport-train oof [options]     # the out-of-fold sentiment predictions of `cv`, as TSV
//! rapport-train final [options]   # train on everything, write crates/rapport-analysis/data/*.model.tsv
//! ```
//!
//! Data (see `data/MODEL_CARD.md`): `../shared/data/airline-dev` (sentiment and complaint reasons),
//! `../shared/data/bitext-intents` (reasons of other industries), customer tweets to many brands from
//! `../shared/data/twcs` with the silver labels of `train/data/twcs-train/labels.csv`, and the VADER paper's rated
//! snippets from the `vaderSentiment` 3.3.2 sdist on PyPI (`bench/analysis/fetch_vader_corpora.sh`):
//! tweets and movie-review snippets for training, product-review (Amazon) and New York Times
//! editorial snippets held out for "general reading".
//!
//! Splits: airline tweets go to fold `fnv1a(tweet_id) % 5`; fold 0 (about 20 %) is the held-out
//! test split, never used for training or tuning; folds 1–4 are the training split.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rapport_analysis::train::{Example, TrainConfig, train};
use rapport_analysis::{ComplaintReason, Engine, OrderModel, ReasonModel, Scratch};

const SENTIMENT: [&str; 3] = ["negative", "neutral", "positive"];

/// The airline data set's `negativereason` → our reason (PRODUCT.md §3). Written down in
/// `eval/RESULTS.md` and the model card.
const AIRLINE_REASONS: &[(&str, ComplaintReason)] = &[
    ("Late Flight", ComplaintReason::DeliveryDelay),
    ("longlines", ComplaintReason::DeliveryDelay),
    ("Cancelled Flight", ComplaintReason::Cancellation),
    ("Lost Luggage", ComplaintReason::LostOrDamaged),
    ("Damaged Luggage", ComplaintReason::LostOrDamaged),
    ("Customer Service Issue", ComplaintReason::Communication),
    ("Flight Attendant Complaints", ComplaintReason::AgentAttitude),
    ("Bad Flight", ComplaintReason::ProductQuality),
    ("Flight Booking Problems", ComplaintReason::Technical),
];

/// Bitext intents → our reason (intents with no complaint reason are left out).
const BITEXT_REASONS: &[(&str, ComplaintReason)] = &[
    ("delivery_period", ComplaintReason::DeliveryDelay),
    ("track_order", ComplaintReason::DeliveryDelay),
    ("cancel_order", ComplaintReason::Cancellation),
    ("check_cancellation_fee", ComplaintReason::BillingRefund),
    ("get_refund", ComplaintReason::BillingRefund),
    ("track_refund", ComplaintReason::BillingRefund),
    ("check_refund_policy", ComplaintReason::BillingRefund),
    ("payment_issue", ComplaintReason::BillingRefund),
    ("check_invoice", ComplaintReason::BillingRefund),
    ("get_invoice", ComplaintReason::BillingRefund),
    ("check_payment_methods", ComplaintReason::BillingRefund),
    ("registration_problems", ComplaintReason::Technical),
    ("recover_password", ComplaintReason::Technical),
    ("edit_account", ComplaintReason::Technical),
    ("contact_customer_service", ComplaintReason::Communication),
    ("contact_human_agent", ComplaintReason::Communication),
    ("complaint", ComplaintReason::Other),
];

struct Tweet {
    id: String,
    text: String,
    sentiment: usize,
    reason: Option<ComplaintReason>,
    fold: u64,
}

/// A customer tweet to some brand (twcs) with its silver labels.
struct Silver {
    text: String,
    sentiment: usize,
    reason: Option<ComplaintReason>,
}

struct Rated {
    id: String,
    text: String,
    mean: f32,
}

struct Options {
    cfg: TrainConfig,
    reason_cfg: TrainConfig,
    w_tweets: f32,
    w_movies: f32,
    w_bitext: f32,
    /// Weight of the twcs silver labels for reasons / for sentiment.
    w_twcs: f32,
    w_twcs_sentiment: f32,
    /// Weight of an extra example per airline tweet with its LLM label; weight of a tweet whose crowd and
    /// LLM labels differ.
    w_silver: f32,
    w_disagree: f32,
    twcs_labels: PathBuf,
    /// Tune decision offsets for macro-F1 by cross-validation (on by default).
    offsets: bool,
    shared: PathBuf,
    corpora: PathBuf,
    /// A word-order reader to blend into the evaluated engine (`eval`, `heldout`), trained by
    /// `train/student` on the same folds.
    order: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first().cloned() else {
        bail!(
            "usage: rapport-train eval|cv|oof|heldout|final|tokens [--epochs N --lr X --l2 X --min-count N --w-tweets X --w-movies X --w-bitext X --w-twcs X]"
        );
    };
    if cmd == "tokens" {
        return print_order_keys();
    }
    let opts = parse_options(&args[1..])?;
    let tweets = load_airline(&opts.shared.join("airline-dev/tweets-dev.csv"))?;
    let vader_tweets = load_rated(&opts.corpora.join("tweets_GroundTruth.txt"))?;
    // Movie snippets: half for training, half as a general-reading dev set (by id hash).
    let (movies, movies_dev): (Vec<Rated>, Vec<Rated>) =
        load_rated(&opts.corpora.join("movieReviewSnippets_GroundTruth.txt"))?
            .into_iter()
            .partition(|r| fnv1a(&r.id).is_multiple_of(2));
    let amazon = load_rated(&opts.corpora.join("amazonReviewSnippets_GroundTruth.txt"))?;
    let nyt = load_rated(&opts.corpora.join("nytEditorialSnippets_GroundTruth.txt"))?;
    let bitext = load_bitext(&opts.shared.join("bitext-intents/Bitext_Sample_Customer_Service_Training_Dataset.csv"))?;
    eprintln!(
        "data: {} airline tweets, {} VADER tweets, {} movie snippets, {} Amazon snippets, {} NYT snippets, {} Bitext utterances",
        tweets.len(),
        vader_tweets.len(),
        movies.len(),
        amazon.len(),
        nyt.len(),
        bitext.len()
    );
    let twcs = if opts.w_twcs > 0.0 || opts.w_twcs_sentiment > 0.0 {
        load_twcs(&opts.shared.join("twcs/twcs_first5000.csv"), &opts.twcs_labels)?
    } else {
        Vec::new()
    };
    eprintln!("data: {} twcs customer tweets with silver labels", twcs.len());
    let air_silver = if opts.w_silver > 0.0 || opts.w_disagree != 1.0 {
        load_air_silver(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../eval/data/airline-llm-labels/labels.csv"))?
    } else {
        BTreeMap::new()
    };
    let extra =
        Extra { vader_tweets: &vader_tweets, movies: &movies, bitext: &bitext, twcs: &twcs, air_silver: &air_silver };

    match cmd.as_str() {
        "cv" => {
            let mut sent = Vec::new();
            let mut reas = Vec::new();
            let mut oof: Vec<([f32; 3], usize)> = Vec::new();
            for test_fold in 1..5 {
                let train_set: Vec<&Tweet> = tweets.iter().filter(|t| t.fold != 0 && t.fold != test_fold).collect();
                let test_set: Vec<&Tweet> = tweets.iter().filter(|t| t.fold == test_fold).collect();
                let engine = fit(&train_set, &extra, &opts, Vec::new(), Vec::new())?;
                oof.extend(logits(&engine, &test_set));
                sent.push(sentiment_report(&engine, &test_set).macro_f1());
                reas.push(reason_report(&engine, &test_set).macro_f1());
                eprintln!(
                    "fold {test_fold}: sentiment macro-F1 {:.4}, reason macro-F1 {:.4}",
                    sent[sent.len() - 1],
                    reas[reas.len() - 1]
                );
            }
            let (offsets, f1) = best_offsets(&oof);
            let offsets: [f32; 3] = offsets;
            println!(
                "decision offsets tuned on the out-of-fold predictions: neutral {:+.2}, positive {:+.2} -> macro-F1 {f1:.4}",
                offsets[1], offsets[2]
            );
            // General-reading dev sets (meaningful only when not trained on: --w-tweets 0 / --w-movies 0).
            let all_train: Vec<&Tweet> = tweets.iter().filter(|t| t.fold != 0).collect();
            let engine = fit(&all_train, &extra, &opts, Vec::new(), Vec::new())?;
            let (_, vt) = binary_accuracy(&engine, &vader_tweets);
            let (_, mv) = binary_accuracy(&engine, &movies_dev);
            let shifted = fit_with_offsets(&all_train, &extra, &opts, offsets, Vec::new(), Vec::new())?;
            let (_, mvs) = binary_accuracy(&shifted, &movies_dev);
            println!("movie-dev binary accuracy: {mv:.4} without the offsets, {mvs:.4} with them");
            let twcs_dev = load_twcs_dev(
                &opts.shared.join("twcs/twcs_first5000.csv"),
                &Path::new(env!("CARGO_MANIFEST_DIR")).join("../eval/data/twcs-labels/labels.csv"),
            )?;
            if !twcs_dev.is_empty() {
                let (ts, tr) = silver_f1(&shifted, &twcs_dev);
                println!(
                    "twcs dev ({} tweets, with the offsets): sentiment macro-F1 {ts:.4}, reason macro-F1 {tr:.4}",
                    twcs_dev.len()
                );
            }
            println!(
                "cv (folds 1-4): sentiment macro-F1 {:.4}, reason macro-F1 {:.4}; dev binary accuracy: VADER tweets {vt:.4}, movie-dev snippets {mv:.4}; features {} + {}",
                sent.iter().sum::<f64>() / 4.0,
                reas.iter().sum::<f64>() / 4.0,
                engine.sentiment_model().len(),
                engine.reason_model().model().len()
            );
        }
        "oof" => {
            // Out-of-fold sentiment predictions inside the training split (never fold 0), for reading errors
            // and for stacking experiments.
            println!("{PROBABILITIES_HEADER}");
            for test_fold in 1..5 {
                let train_set: Vec<&Tweet> = tweets.iter().filter(|t| t.fold != 0 && t.fold != test_fold).collect();
                let engine = fit(&train_set, &extra, &opts, Vec::new(), Vec::new())?;
                print_probabilities(&engine, tweets.iter().filter(|t| t.fold == test_fold));
            }
        }
        "heldout" => {
            // The held-out fold's sentiment probabilities from the model of `eval` (trained on folds 1-4), for
            // scoring a stacked recipe once.
            let train_set: Vec<&Tweet> = tweets.iter().filter(|t| t.fold != 0).collect();
            let engine = fit(&train_set, &extra, &opts, Vec::new(), Vec::new())?;
            println!("{PROBABILITIES_HEADER}");
            print_probabilities(&engine, tweets.iter().filter(|t| t.fold == 0));
        }
        "eval" => {
            let train_set: Vec<&Tweet> = tweets.iter().filter(|t| t.fold != 0).collect();
            let test_set: Vec<&Tweet> = tweets.iter().filter(|t| t.fold == 0).collect();
            let offsets = if opts.offsets { tune_offsets(&train_set, &extra, &opts)? } else { [0.0; 3] };
            let mut engine = fit_with_offsets(&train_set, &extra, &opts, offsets, Vec::new(), Vec::new())?;
            engine.set_order(load_order(&opts)?);
            let s = sentiment_report(&engine, &test_set);
            println!("## Sentiment — airline-dev held-out split (fold 0, {} tweets)\n", test_set.len());
            println!("{}", s.markdown());
            let r = reason_report(&engine, &test_set);
            println!(
                "## Complaint reason — airline-dev held-out split (negative tweets with a reason, Can't Tell excluded)\n"
            );
            println!("{}", r.markdown());
            println!(
                "## General reading — held-out VADER ground-truth sets (binary, sign of the score vs sign of the mean rating)\n"
            );
            println!("| set | rows | accuracy |\n| --- | --: | --: |");
            for (name, set) in [("Amazon product-review snippets", &amazon), ("NYT editorial snippets", &nyt)] {
                let (n, acc) = binary_accuracy(&engine, set);
                println!("| {name} | {n} | {acc:.4} |");
            }
            let (n, acc) = binary_accuracy_tweets(&engine, &test_set);
            println!("| airline held-out (positive vs negative only) | {n} | {acc:.4} |");
            println!("\n## Calibration of the sentiment confidence — airline-dev held-out split (fold 0)\n");
            println!("{}", calibration_report(&engine, &test_set));
        }
        "final" => {
            let all: Vec<&Tweet> = tweets.iter().collect();
            let header = |what: &str| {
                vec![
                    format!("Rapport {what} model — trained by `train/run` (rapport-train final); see data/MODEL_CARD.md."),
                    "Training data: airline-dev (CC BY-NC-SA 4.0), VADER tweets + movie snippets (vaderSentiment 3.3.2, MIT),".into(),
                    "Bitext customer-service sample (CDLA-Sharing 1.0), twcs customer tweets with silver reason labels (CC BY-NC-SA 4.0).".into(),
                    "The weights inherit the non-commercial terms of airline-dev and twcs.".into(),
                ]
            };
            let offsets = if opts.offsets { tune_offsets(&all, &extra, &opts)? } else { [0.0; 3] };
            let engine =
                fit_with_offsets(&all, &extra, &opts, offsets, header("sentiment"), header("complaint-reason"))?;
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/rapport-analysis/data");
            std::fs::write(dir.join("sentiment.model.tsv"), engine.sentiment_model().to_tsv())?;
            std::fs::write(dir.join("reasons.model.tsv"), engine.reason_model().model().to_tsv())?;
            println!(
                "wrote {} sentiment and {} reason features to {}",
                engine.sentiment_model().len(),
                engine.reason_model().model().len(),
                dir.display()
            );
        }
        other => bail!("unknown command {other:?}"),
    }
    Ok(())
}

/// `rapport-train tokens`: for each line of stdin (a literal `\\n` stands for a line break), the keys the
/// word-order reader looks up, in hex, space-separated: what `train/student` trains on.
fn print_order_keys() -> Result<()> {
    use std::io::{BufRead, Write};
    let engine = Engine::new();
    let mut scratch = Scratch::default();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for line in std::io::stdin().lock().lines() {
        let text = line?.replace("\\n", "\n");
        let keys = engine.order_keys(&text, &mut scratch);
        let hex: Vec<String> = keys.iter().map(|k| format!("{k:x}")).collect();
        writeln!(out, "{}", hex.join(" "))?;
    }
    out.flush()?;
    Ok(())
}

/// The word-order reader of `--order`, if given.
fn load_order(opts: &Options) -> Result<Option<OrderModel>> {
    let Some(path) = &opts.order else { return Ok(None) };
    let src = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Some(OrderModel::parse(&src).with_context(|| format!("parsing {}", path.display()))?))
}

const PROBABILITIES_HEADER: &str = "tweet_id\tfold\tgold\tpredicted\tp_negative\tp_neutral\tp_positive\ttext";

/// One line per tweet: id, fold, gold and predicted label, the three probabilities, the text on one line.
fn print_probabilities<'a>(engine: &Engine, tweets: impl Iterator<Item = &'a Tweet>) {
    let mut scratch = Scratch::default();
    for t in tweets {
        engine.features_into(&t.text, &mut scratch);
        let p = engine.sentiment_model().score(&scratch.features).probabilities();
        let best = (0..3).fold(0, |b, c| if p[c] > p[b] { c } else { b });
        let text = t.text.split_whitespace().collect::<Vec<_>>().join(" ");
        println!(
            "{}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}\t{text}",
            t.id, t.fold, SENTIMENT[t.sentiment], SENTIMENT[best], p[0], p[1], p[2]
        );
    }
}

struct Extra<'a> {
    vader_tweets: &'a [Rated],
    movies: &'a [Rated],
    bitext: &'a [(String, ComplaintReason)],
    twcs: &'a [Silver],
    /// A second, LLM-made sentiment label of the airline tweets, by tweet id (`--w-silver`, `--w-disagree`;
    /// tried and not adopted, `eval/RESULTS.md`).
    air_silver: &'a BTreeMap<String, usize>,
}

/// Three-class label of a rated snippet: clearly positive / negative means, else neutral.
fn rated_label(mean: f32) -> usize {
    if mean >= 0.5 {
        2
    } else if mean <= -0.5 {
        0
    } else {
        1
    }
}

fn fit(
    tweets: &[&Tweet],
    extra: &Extra<'_>,
    o: &Options,
    sentiment_header: Vec<String>,
    reason_header: Vec<String>,
) -> Result<Engine> {
    let mut ex: Vec<Example<'_>> = Vec::new();
    for t in tweets {
        let silver = extra.air_silver.get(&t.id).copied();
        let agrees = silver.is_none_or(|s| s == t.sentiment);
        ex.push(Example { text: &t.text, label: t.sentiment, weight: if agrees { 1.0 } else { o.w_disagree } });
        if let Some(s) = silver.filter(|_| o.w_silver > 0.0) {
            ex.push(Example { text: &t.text, label: s, weight: o.w_silver });
        }
    }
    if o.w_tweets > 0.0 {
        ex.extend(extra.vader_tweets.iter().map(|r| Example {
            text: &r.text,
            label: rated_label(r.mean),
            weight: o.w_tweets,
        }));
    }
    if o.w_movies > 0.0 {
        ex.extend(extra.movies.iter().map(|r| Example {
            text: &r.text,
            label: rated_label(r.mean),
            weight: o.w_movies,
        }));
    }
    if o.w_twcs_sentiment > 0.0 {
        ex.extend(extra.twcs.iter().map(|t| Example { text: &t.text, label: t.sentiment, weight: o.w_twcs_sentiment }));
    }
    let classes: Vec<String> = SENTIMENT.iter().map(|s| s.to_string()).collect();
    let base = Engine::new();
    let sentiment = train(&base, &ex, &classes, &o.cfg, sentiment_header)?;

    let reason_classes: Vec<String> = ComplaintReason::ALL.iter().map(|r| r.as_str().to_string()).collect();
    let idx = |r: ComplaintReason| ComplaintReason::ALL.iter().position(|x| *x == r).unwrap_or(0);
    let mut rex: Vec<Example<'_>> =
        tweets.iter().filter_map(|t| t.reason.map(|r| Example { text: &t.text, label: idx(r), weight: 1.0 })).collect();
    if o.w_bitext > 0.0 {
        rex.extend(extra.bitext.iter().map(|(text, r)| Example { text, label: idx(*r), weight: o.w_bitext }));
    }
    if o.w_twcs > 0.0 {
        rex.extend(
            extra
                .twcs
                .iter()
                .filter_map(|t| t.reason.map(|r| Example { text: &t.text, label: idx(r), weight: o.w_twcs })),
        );
    }
    let reasons = train(&base, &rex, &reason_classes, &o.reason_cfg, reason_header)?;
    Ok(Engine::with_models(sentiment, ReasonModel::new(reasons)))
}

/// Confusion matrix and the usual figures.
struct Report {
    classes: Vec<String>,
    /// confusion[gold][predicted]
    confusion: Vec<Vec<u32>>,
}

impl Report {
    fn new(classes: Vec<String>) -> Self {
        let n = classes.len();
        Report { classes, confusion: vec![vec![0; n]; n] }
    }

    fn f1(&self, c: usize) -> Option<f64> {
        let tp = f64::from(self.confusion[c][c]);
        let gold: f64 = self.confusion[c].iter().map(|&x| f64::from(x)).sum();
        let pred: f64 = self.confusion.iter().map(|row| f64::from(row[c])).sum();
        if gold == 0.0 {
            return None;
        }
        if tp == 0.0 {
            return Some(0.0);
        }
        let (p, r) = (tp / pred, tp / gold);
        Some(2.0 * p * r / (p + r))
    }

    /// Mean F1 over the classes present in the gold data.
    fn macro_f1(&self) -> f64 {
        let f: Vec<f64> = (0..self.classes.len()).filter_map(|c| self.f1(c)).collect();
        if f.is_empty() { 0.0 } else { f.iter().sum::<f64>() / f.len() as f64 }
    }

    fn accuracy(&self) -> f64 {
        let total: u32 = self.confusion.iter().flatten().sum();
        let right: u32 = (0..self.classes.len()).map(|c| self.confusion[c][c]).sum();
        if total == 0 { 0.0 } else { f64::from(right) / f64::from(total) }
    }

    fn markdown(&self) -> String {
        let total: u32 = self.confusion.iter().flatten().sum();
        let mut s = format!(
            "{} messages: accuracy **{:.4}**, macro-F1 **{:.4}** (over the classes present)\n\n| class | gold | F1 |\n| --- | --: | --: |\n",
            total,
            self.accuracy(),
            self.macro_f1()
        );
        for (c, name) in self.classes.iter().enumerate() {
            let gold: u32 = self.confusion[c].iter().sum();
            if gold > 0 {
                s.push_str(&format!("| {name} | {gold} | {:.4} |\n", self.f1(c).unwrap_or(0.0)));
            }
        }
        s.push_str("\nConfusion (rows gold, columns predicted):\n\n| gold \\ predicted |");
        for name in &self.classes {
            s.push_str(&format!(" {name} |"));
        }
        s.push_str("\n| --- |");
        s.push_str(&" --: |".repeat(self.classes.len()));
        s.push('\n');
        for (c, name) in self.classes.iter().enumerate() {
            if self.confusion[c].iter().sum::<u32>() == 0 {
                continue;
            }
            s.push_str(&format!("| {name} |"));
            for v in &self.confusion[c] {
                s.push_str(&format!(" {v} |"));
            }
            s.push('\n');
        }
        s
    }
}

fn sentiment_report(engine: &Engine, set: &[&Tweet]) -> Report {
    let mut r = Report::new(SENTIMENT.iter().map(|s| s.to_string()).collect());
    let mut scratch = Scratch::default();
    for t in set {
        let p = engine.summarize(&t.text, &mut scratch).sentiment.label;
        let pi = SENTIMENT.iter().position(|s| *s == p.as_str()).unwrap_or(1);
        r.confusion[t.sentiment][pi] += 1;
    }
    r
}

/// How well the reported confidence (the probability of the chosen label) matches how often that label
/// is right: a reliability table over confidence bins and the expected calibration error (the
/// count-weighted gap between mean confidence and accuracy per bin).
fn calibration_report(engine: &Engine, set: &[&Tweet]) -> String {
    const BINS: usize = 10;
    let mut bins = [(0u32, 0f64, 0u32); BINS]; // (count, summed confidence, right)
    let mut scratch = Scratch::default();
    let mut brier = 0f64;
    for t in set {
        let s = engine.summarize(&t.text, &mut scratch).sentiment;
        let right = SENTIMENT.iter().position(|x| *x == s.label.as_str()) == Some(t.sentiment);
        let b = ((s.confidence * BINS as f64) as usize).min(BINS - 1);
        bins[b].0 += 1;
        bins[b].1 += s.confidence;
        bins[b].2 += u32::from(right);
        brier += (s.confidence - f64::from(u8::from(right))).powi(2);
    }
    let n = set.len().max(1) as f64;
    let mut out = String::from("| confidence | messages | mean confidence | accuracy |\n| --- | --: | --: | --: |\n");
    let mut ece = 0f64;
    for (b, &(count, conf, right)) in bins.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let (mean, acc) = (conf / f64::from(count), f64::from(right) / f64::from(count));
        ece += f64::from(count) / n * (mean - acc).abs();
        let (lo, hi) = (b as f64 / BINS as f64, (b + 1) as f64 / BINS as f64);
        out.push_str(&format!("| {lo:.1}–{hi:.1} | {count} | {mean:.3} | {acc:.3} |\n"));
    }
    out.push_str(&format!(
        "\nexpected calibration error {ece:.4}; Brier score of the confidence {:.4} ({} messages)",
        brier / n,
        set.len()
    ));
    out
}

fn reason_report(engine: &Engine, set: &[&Tweet]) -> Report {
    let classes: Vec<String> = ComplaintReason::ALL.iter().map(|r| r.as_str().to_string()).collect();
    let mut r = Report::new(classes);
    let mut scratch = Scratch::default();
    for t in set {
        let Some(gold) = t.reason else { continue };
        // The engine's own reading (8-bit rows and reason cues), unreported or not: gold says it is a complaint.
        let best = usize::from(engine.likeliest_reason(&t.text, &mut scratch).0);
        let gi = ComplaintReason::ALL.iter().position(|x| *x == gold).unwrap_or(0);
        r.confusion[gi][best] += 1;
    }
    r
}

fn binary_accuracy(engine: &Engine, set: &[Rated]) -> (usize, f64) {
    let mut scratch = Scratch::default();
    let (mut n, mut right) = (0usize, 0usize);
    for r in set.iter().filter(|r| r.mean != 0.0) {
        n += 1;
        let score = engine.summarize(&r.text, &mut scratch).sentiment.score;
        if (score > 0.0) == (r.mean > 0.0) && score != 0.0 {
            right += 1;
        }
    }
    (n, if n == 0 { 0.0 } else { right as f64 / n as f64 })
}

fn binary_accuracy_tweets(engine: &Engine, set: &[&Tweet]) -> (usize, f64) {
    let mut scratch = Scratch::default();
    let (mut n, mut right) = (0usize, 0usize);
    for t in set.iter().filter(|t| t.sentiment != 1) {
        n += 1;
        let score = engine.summarize(&t.text, &mut scratch).sentiment.score;
        if (score > 0.0) == (t.sentiment == 2) && score != 0.0 {
            right += 1;
        }
    }
    (n, if n == 0 { 0.0 } else { right as f64 / n as f64 })
}

/// Decision offsets for a training set: k-fold cross-validation over its folds, then the offsets that
/// maximise macro-F1 on the out-of-fold predictions.
fn tune_offsets(tweets: &[&Tweet], extra: &Extra<'_>, o: &Options) -> Result<[f32; 3]> {
    let mut folds: Vec<u64> = tweets.iter().map(|t| t.fold).collect();
    folds.sort_unstable();
    folds.dedup();
    let mut oof = Vec::new();
    for &f in &folds {
        let train_set: Vec<&Tweet> = tweets.iter().filter(|t| t.fold != f).copied().collect();
        let test_set: Vec<&Tweet> = tweets.iter().filter(|t| t.fold == f).copied().collect();
        let engine = fit(&train_set, extra, o, Vec::new(), Vec::new())?;
        oof.extend(logits(&engine, &test_set));
    }
    let (off, f1) = best_offsets(&oof);
    eprintln!("decision offsets: neutral {:+.2}, positive {:+.2} (out-of-fold macro-F1 {f1:.4})", off[1], off[2]);
    Ok(off)
}

/// [`fit`], then the sentiment model's bias shifted by `offsets`.
fn fit_with_offsets(
    tweets: &[&Tweet],
    extra: &Extra<'_>,
    o: &Options,
    offsets: [f32; 3],
    sentiment_header: Vec<String>,
    reason_header: Vec<String>,
) -> Result<Engine> {
    let engine = fit(tweets, extra, o, sentiment_header, reason_header)?;
    let mut sentiment = engine.sentiment_model().clone();
    sentiment.shift_bias(&offsets);
    sentiment.push_header(format!(
        "decision offsets (tuned for macro-F1 by cross-validation on the training data): neutral {:+.2}, positive {:+.2}",
        offsets[1], offsets[2]
    ));
    Ok(Engine::with_models(sentiment, engine.reason_model().clone()))
}

/// Sentiment logits of each tweet (model classes in SENTIMENT order) with its gold class.
fn logits(engine: &Engine, set: &[&Tweet]) -> Vec<([f32; 3], usize)> {
    let mut scratch = Scratch::default();
    set.iter()
        .map(|t| {
            engine.features_into(&t.text, &mut scratch);
            let s = engine.sentiment_model().score(&scratch.features);
            ([s.logits[0], s.logits[1], s.logits[2]], t.sentiment)
        })
        .collect()
}

fn macro_f1_with(oof: &[([f32; 3], usize)], off: [f32; 3]) -> f64 {
    let mut r = Report::new(SENTIMENT.iter().map(|s| s.to_string()).collect());
    for (l, gold) in oof {
        let adj = [l[0] + off[0], l[1] + off[1], l[2] + off[2]];
        let best = (0..3).fold(0, |b, c| if adj[c] > adj[b] { c } else { b });
        r.confusion[*gold][best] += 1;
    }
    r.macro_f1()
}

/// Offsets added to the neutral and positive logits that maximise macro-F1 on out-of-fold predictions
/// (a grid of 0.05 steps in [-1, 1]).
fn best_offsets(oof: &[([f32; 3], usize)]) -> ([f32; 3], f64) {
    let mut best = ([0.0; 3], macro_f1_with(oof, [0.0; 3]));
    for i in -20..=20 {
        for j in -20..=20 {
            let off = [0.0, i as f32 * 0.05, j as f32 * 0.05];
            let f = macro_f1_with(oof, off);
            if f > best.1 + 1e-9 {
                best = (off, f);
            }
        }
    }
    best
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn load_airline(path: &Path) -> Result<Vec<Tweet>> {
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = rdr.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).with_context(|| format!("no column {name}"));
    let (id, sent, reason, text) = (col("tweet_id")?, col("airline_sentiment")?, col("negativereason")?, col("text")?);
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let Some(sentiment) = SENTIMENT.iter().position(|s| Some(*s) == rec.get(sent)) else { continue };
        let reason = rec.get(reason).and_then(|r| AIRLINE_REASONS.iter().find(|(a, _)| *a == r).map(|(_, o)| *o));
        out.push(Tweet {
            id: rec.get(id).unwrap_or("").to_string(),
            text: rec.get(text).unwrap_or("").to_string(),
            sentiment,
            reason: if sentiment == 0 { reason } else { None },
            fold: fnv1a(rec.get(id).unwrap_or("")) % 5,
        });
    }
    Ok(out)
}

fn load_rated(path: &Path) -> Result<Vec<Rated>> {
    let raw = std::fs::read(path)
        .with_context(|| format!("reading {} (run bench/analysis/fetch_vader_corpora.sh)", path.display()))?;
    let text = String::from_utf8_lossy(&raw);
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut cols = l.trim_end_matches('\r').splitn(3, '\t');
            let id = cols.next()?.to_string();
            let mean: f32 = cols.next()?.trim().parse().ok()?;
            Some(Rated { id, mean, text: cols.next()?.to_string() })
        })
        .collect())
}

fn load_bitext(path: &Path) -> Result<Vec<(String, ComplaintReason)>> {
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = rdr.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .with_context(|| format!("no column {name}"))
    };
    let (utt, intent) = (col("utterance")?, col("intent")?);
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        if let (Some(u), Some(i)) = (rec.get(utt), rec.get(intent))
            && let Some((_, r)) = BITEXT_REASONS.iter().find(|(b, _)| *b == i)
        {
            out.push((u.to_string(), *r));
        }
    }
    Ok(out)
}

/// The twcs texts by tweet id, whitespace collapsed (as `eval/twcs_eval.py` feeds them to `rapport score`).
fn twcs_texts(path: &Path) -> Result<BTreeMap<String, String>> {
    // Flexible: the file has one malformed upstream row.
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let headers = rdr.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).with_context(|| format!("no column {name}"));
    let (id, text) = (col("tweet_id")?, col("text")?);
    let mut by_id = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec?;
        if let (Some(i), Some(t)) = (rec.get(id), rec.get(text)) {
            by_id.insert(i.to_string(), t.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    Ok(by_id)
}

/// A label row's sentiment and (for negatives) reason; `cant_tell` and `none` give no reason.
fn silver(texts: &BTreeMap<String, String>, id: &str, sentiment: &str, reason: &str) -> Result<Silver> {
    let s = SENTIMENT
        .iter()
        .position(|x| *x == sentiment)
        .with_context(|| format!("tweet {id}: sentiment {sentiment:?}"))?;
    let text = texts.get(id).with_context(|| format!("tweet {id} is not in the twcs file"))?.clone();
    let reason = ComplaintReason::ALL.iter().copied().find(|c| c.as_str() == reason).filter(|_| s == 0);
    Ok(Silver { text, sentiment: s, reason })
}

/// Silver-labelled twcs customer tweets for training: `labels` has columns `tweet_id,sentiment,reason`.
fn load_twcs(texts: &Path, labels: &Path) -> Result<Vec<Silver>> {
    let by_id = twcs_texts(texts)?;
    let mut rdr = csv::Reader::from_path(labels).with_context(|| format!("reading {}", labels.display()))?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let (Some(i), Some(s), Some(r)) = (rec.get(0), rec.get(1), rec.get(2)) else {
            bail!("{}: short row", labels.display())
        };
        out.push(silver(&by_id, i, s, r)?);
    }
    Ok(out)
}

/// The `dev` rows of `eval/data/twcs-labels` where both labellers agree on the sentiment, and on the
/// reason (else no reason), as `eval/twcs_eval.py` counts them. Empty without the shared twcs file.
fn load_twcs_dev(texts: &Path, labels: &Path) -> Result<Vec<Silver>> {
    if !texts.exists() {
        return Ok(Vec::new());
    }
    let by_id = twcs_texts(texts)?;
    let mut rdr = csv::Reader::from_path(labels).with_context(|| format!("reading {}", labels.display()))?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        let (Some(i), Some(sa), Some(ra), Some(sb), Some(rb), Some(split)) =
            (rec.get(0), rec.get(1), rec.get(2), rec.get(3), rec.get(4), rec.get(5))
        else {
            bail!("{}: short row", labels.display())
        };
        if split == "dev" && sa == sb {
            out.push(silver(&by_id, i, sa, if ra == rb { ra } else { "none" })?);
        }
    }
    Ok(out)
}

/// Sentiment and reported-reason macro-F1 on silver-labelled tweets (reasons: rows with a reason).
fn silver_f1(engine: &Engine, set: &[Silver]) -> (f64, f64) {
    let mut s = Report::new(SENTIMENT.iter().map(|s| s.to_string()).collect());
    let mut classes: Vec<String> = ComplaintReason::ALL.iter().map(|r| r.as_str().to_string()).collect();
    classes.push("(none)".into());
    let mut r = Report::new(classes);
    let mut scratch = Scratch::default();
    for t in set {
        let sum = engine.summarize(&t.text, &mut scratch);
        let label = match sum.sentiment.label {
            rapport_analysis::SentimentLabel::Negative => 0,
            rapport_analysis::SentimentLabel::Neutral => 1,
            rapport_analysis::SentimentLabel::Positive => 2,
        };
        s.confusion[t.sentiment][label] += 1;
        if let Some(gold) = t.reason {
            let gi = ComplaintReason::ALL.iter().position(|x| *x == gold).unwrap_or(0);
            let pi = sum.reason.map_or(ComplaintReason::ALL.len(), |p| usize::from(p.0));
            r.confusion[gi][pi] += 1;
        }
    }
    (s.macro_f1(), r.macro_f1())
}

/// `tweet_id,sentiment` rows.
fn load_air_silver(path: &Path) -> Result<BTreeMap<String, usize>> {
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec?;
        if let (Some(i), Some(s)) = (rec.get(0), rec.get(1))
            && let Some(c) = SENTIMENT.iter().position(|x| *x == s)
        {
            out.insert(i.to_string(), c);
        }
    }
    Ok(out)
}

fn parse_options(args: &[String]) -> Result<Options> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut o = Options {
        cfg: TrainConfig::default(),
        reason_cfg: TrainConfig { epochs: 15, min_count: 2, ..TrainConfig::default() },
        w_tweets: 0.2,
        w_movies: 0.5,
        w_bitext: 0.3,
        w_twcs: 0.3,
        w_twcs_sentiment: 0.0,
        w_silver: 0.0,
        w_disagree: 1.0,
        twcs_labels: root.join("train/data/twcs-train/labels.csv"),
        offsets: true,
        shared: std::env::var_os("RAPPORT_SHARED_DATA").map_or_else(|| root.join("../shared/data"), PathBuf::from),
        corpora: root.join("target/corpora/vader"),
        order: None,
    };
    let mut map = BTreeMap::new();
    for pair in args.chunks(2) {
        let [k, v] = pair else { bail!("options come in pairs: --name value") };
        map.insert(k.trim_start_matches('-').to_string(), v.clone());
    }
    for (k, v) in map {
        if k == "order" {
            o.order = Some(PathBuf::from(v));
            continue;
        }
        let f: f32 = v.parse().with_context(|| format!("--{k} {v}: not a number"))?;
        match k.as_str() {
            "epochs" => o.cfg.epochs = f as u32,
            "lr" => o.cfg.learning_rate = f,
            "l2" => o.cfg.l2 = f,
            "min-count" => o.cfg.min_count = f as u32,
            "reason-epochs" => o.reason_cfg.epochs = f as u32,
            "reason-lr" => o.reason_cfg.learning_rate = f,
            "reason-l2" => o.reason_cfg.l2 = f,
            "w-tweets" => o.w_tweets = f,
            "w-movies" => o.w_movies = f,
            "w-bitext" => o.w_bitext = f,
            "w-twcs" => o.w_twcs = f,
            "w-twcs-sentiment" => o.w_twcs_sentiment = f,
            "w-silver" => o.w_silver = f,
            "w-disagree" => o.w_disagree = f,
            "balance" => o.cfg.balance_power = f,
            "offsets" => o.offsets = f != 0.0,
            "reason-balance" => o.reason_cfg.balance_power = f,
            "prune" => {
                o.cfg.prune_below = f;
                o.reason_cfg.prune_below = f;
            }
            _ => bail!("unknown option --{k}"),
        }
    }
    Ok(o)
}
