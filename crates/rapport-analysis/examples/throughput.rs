//! Throughput of the full customer-message analysis (sentiment, emotion, reason, intents; no
//! evidence) on one core, and the heap allocations it makes after warm-up.
//!
//! ```text
//! cargo run --release -p rapport-analysis --example throughput -- [CSV_WITH_TEXT_COLUMN] [SECONDS]
//! cargo run --release -p rapport-analysis --example throughput -- CSV --passes N
//! cargo run --release -p rapport-analysis --example throughput -- CSV --dump
//! cargo run --release -p rapport-analysis --example throughput -- … --ngram-only
//! RAPPORT_ORDER_MODEL=FILE cargo run --release -p rapport-analysis --example throughput -- …
//! ```
//!
//! `RAPPORT_ORDER_MODEL` swaps in another word-order reader (a `train/order/student.py --export` file),
//! to measure what its table's size costs.
//!
//! `--passes N` runs exactly N passes instead of a timed loop, inside `measured_passes`, so that
//! `valgrind --tool=callgrind --toggle-collect=*measured_passes*` counts the hot path's instructions
//! alone — a figure that does not move with the machine's load. `--dump` prints each message's
//! summary (the hot path's output, one line per message) instead of timing, so that an
//! optimisation can be checked to change nothing.
//!
//! Default input: `../shared/data/airline-dev/tweets-dev.csv` (the 4,328 dev tweets), else the VADER
//! tweets set fetched by `bench/analysis/fetch_vader_corpora.sh`. Prints one JSON object.
//!
//! `messages_per_second` is the whole timed loop's rate. Each pass over the input is also timed
//! alone (`passes` gives the 10th percentile, median and best pass rate): on a shared virtual machine
//! the neighbours' load moves the rate by a third within a minute, and the spread shows how much.

use std::alloc::System;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rapport_analysis::{Engine, OrderModel, Scratch};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn load(path: &Path) -> Option<Vec<String>> {
    if path.extension().is_some_and(|e| e == "csv") {
        let mut rdr = csv::Reader::from_path(path).ok()?;
        let col = rdr.headers().ok()?.iter().position(|h| h == "text")?;
        Some(rdr.records().filter_map(Result::ok).filter_map(|r| r.get(col).map(String::from)).collect())
    } else {
        let raw = std::fs::read(path).ok()?;
        Some(String::from_utf8_lossy(&raw).lines().filter_map(|l| l.splitn(3, '\t').nth(2).map(String::from)).collect())
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // `--ngram-only` (anywhere): the engine without its word-order reader, for the reader's cost.
    let ngram_only = std::env::args().any(|a| a == "--ngram-only");
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--ngram-only").collect();
    let candidates: Vec<PathBuf> = match args.first().filter(|a| !a.is_empty()) {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![
            root.join("../shared/data/airline-dev/tweets-dev.csv"),
            root.join("target/corpora/vader/tweets_GroundTruth.txt"),
        ],
    };
    let dump = args.get(1).is_some_and(|a| a == "--dump");
    let passes: Option<u64> = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("--passes"), Some(n)) => n.parse().ok(),
        _ => None,
    };
    let seconds: f64 =
        if passes.is_some() || dump { 0.0 } else { args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10.0) };
    let Some((path, texts)) = candidates.iter().find_map(|p| load(p).filter(|t| !t.is_empty()).map(|t| (p, t))) else {
        eprintln!("no input found (tried {candidates:?})");
        std::process::exit(2);
    };
    let bytes: usize = texts.iter().map(String::len).sum();

    let started = Instant::now();
    let mut engine = Engine::new();
    if ngram_only {
        engine.set_order(None);
    } else if let Some(file) = std::env::var_os("RAPPORT_ORDER_MODEL").filter(|f| !f.is_empty()) {
        // Another word-order reader (a `train/order/student.py --export` file), to measure what its size costs.
        match std::fs::read_to_string(&file)
            .map_err(|e| e.to_string())
            .and_then(|src| OrderModel::parse(&src).map_err(|e| e.to_string()))
        {
            Ok(order) => engine.set_order(Some(order)),
            Err(e) => {
                eprintln!("RAPPORT_ORDER_MODEL={file:?}: {e}");
                std::process::exit(2);
            }
        }
    }
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut scratch = Scratch::default();
    if dump {
        for t in &texts {
            println!("{:?}", engine.summarize(t, &mut scratch));
        }
        return;
    }

    // Warm-up: one pass grows the scratch buffers to the longest message.
    for t in &texts {
        black_box(engine.summarize(t, &mut scratch));
    }

    // Room for every pass's time, so that timing them allocates nothing in the measured region.
    let mut pass_seconds: Vec<f64> = Vec::with_capacity(1 << 20);
    let region = Region::new(GLOBAL);
    let start = Instant::now();
    let mut n = 0u64;
    if let Some(p) = passes {
        n = measured_passes(&engine, &texts, &mut scratch, p);
    }
    while start.elapsed().as_secs_f64() < seconds && pass_seconds.len() < pass_seconds.capacity() {
        let pass = Instant::now();
        n += measured_passes(&engine, &texts, &mut scratch, 1);
        pass_seconds.push(pass.elapsed().as_secs_f64());
    }
    let elapsed = start.elapsed().as_secs_f64();
    let stats = region.change();
    let mut rates: Vec<f64> = pass_seconds.iter().map(|s| texts.len() as f64 / s).collect();
    rates.sort_by(f64::total_cmp);
    let at = |q: f64| rates.get(((rates.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);

    println!(
        "{{\"input\":{:?},\"messages\":{},\"mean_bytes\":{:.1},\"engine_build_ms\":{:.1},\"analysed\":{},\"seconds\":{:.3},\"messages_per_second\":{:.0},\"ns_per_message\":{:.1},\"allocations_after_warmup\":{},\"bytes_allocated_after_warmup\":{},\"passes\":{{\"count\":{},\"p10_messages_per_second\":{:.0},\"median_messages_per_second\":{:.0},\"best_messages_per_second\":{:.0}}}}}",
        path.display().to_string(),
        texts.len(),
        bytes as f64 / texts.len() as f64,
        build_ms,
        n,
        elapsed,
        n as f64 / elapsed,
        elapsed * 1e9 / n as f64,
        stats.allocations + stats.reallocations,
        stats.bytes_allocated,
        rates.len(),
        at(0.1),
        at(0.5),
        at(1.0)
    );
}

#[inline(never)]
fn measured_passes(engine: &Engine, texts: &[String], scratch: &mut Scratch, passes: u64) -> u64 {
    for _ in 0..passes {
        for t in texts {
            black_box(engine.summarize(black_box(t), scratch));
        }
    }
    passes * texts.len() as u64
}
