//! Latency histograms and the JSON summary every subcommand prints.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::{Map, Value, json};

/// Latencies are recorded in microseconds, from 1 µs up to one hour, 3 significant figures.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3)
        .expect("constant bounds satisfy low >= 1, high >= 2*low, sigfig <= 5")
}

pub fn record(hist: &mut Histogram<u64>, latency: Duration) {
    let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX).max(1);
    hist.saturating_record(us);
}

/// What one run (or one worker of it) observed.
#[derive(Debug)]
pub struct Tally {
    /// Requests sent in the measured window (after warm-up), whatever their outcome.
    pub requests: u64,
    /// Requests answered 2xx (and, for `list`, with a well-formed page).
    pub ok: u64,
    /// Requests not answered 2xx, malformed answers, timeouts and connection failures.
    pub errors: u64,
    /// Error counts keyed by HTTP status (`"500"`) or by failure kind (`"timeout"`, `"connect"`, ...).
    pub errors_by_kind: BTreeMap<String, u64>,
    /// Latency of the successful requests, in µs.
    pub hist: Histogram<u64>,
}

impl Default for Tally {
    fn default() -> Self {
        Self { requests: 0, ok: 0, errors: 0, errors_by_kind: BTreeMap::new(), hist: new_histogram() }
    }
}

impl Tally {
    pub fn success(&mut self, latency: Duration) {
        self.requests += 1;
        self.ok += 1;
        record(&mut self.hist, latency);
    }

    pub fn failure(&mut self, kind: &str) {
        self.requests += 1;
        self.errors += 1;
        *self.errors_by_kind.entry(kind.to_string()).or_default() += 1;
    }

    pub fn merge(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.ok += other.ok;
        self.errors += other.errors;
        for (k, v) in &other.errors_by_kind {
            *self.errors_by_kind.entry(k.clone()).or_default() += v;
        }
        // Both histograms share the same bounds, so adding cannot fail.
        let _ = self.hist.add(&other.hist);
    }
}

/// Microseconds to milliseconds, rounded to the µs (3 decimals).
pub fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `count / seconds`, 0 when no time elapsed.
pub fn rate(count: u64, seconds: f64) -> f64 {
    if seconds > 0.0 { round3(count as f64 / seconds) } else { 0.0 }
}

/// Percentile fields of a histogram; `null` when nothing was recorded.
pub fn latency_fields(hist: &Histogram<u64>) -> Map<String, Value> {
    let mut m = Map::new();
    let empty = hist.is_empty();
    let q = |p: f64| {
        if empty { Value::Null } else { json!(us_to_ms(hist.value_at_quantile(p))) }
    };
    m.insert("p50_ms".into(), q(0.50));
    m.insert("p90_ms".into(), q(0.90));
    m.insert("p99_ms".into(), q(0.99));
    m.insert("max_ms".into(), if empty { Value::Null } else { json!(us_to_ms(hist.max())) });
    m.insert("mean_ms".into(), if empty { Value::Null } else { json!(round3(hist.mean() / 1000.0)) });
    m
}

/// The common summary: `{requests, errors, seconds, messages_per_sec?, requests_per_sec, p50_ms, p90_ms,
/// p99_ms, max_ms, mean_ms, ok, errors_by_kind}`. `messages_per_sec` (successful creations per second)
/// is only given for the modes that create messages.
pub fn summarize(tally: &Tally, seconds: f64, creates_messages: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("requests".into(), json!(tally.requests));
    m.insert("errors".into(), json!(tally.errors));
    m.insert("seconds".into(), json!(round3(seconds)));
    if creates_messages {
        m.insert("messages_per_sec".into(), json!(rate(tally.ok, seconds)));
    }
    m.insert("requests_per_sec".into(), json!(rate(tally.requests, seconds)));
    m.extend(latency_fields(&tally.hist));
    m.insert("ok".into(), json!(tally.ok));
    m.insert("errors_by_kind".into(), json!(tally.errors_by_kind));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn percentiles_of_one_to_a_hundred_ms() {
        let mut t = Tally::default();
        for v in 1..=100 {
            t.success(ms(v));
        }
        let s = summarize(&t, 10.0, true);
        let f = |k: &str| s[k].as_f64().expect(k);
        // HdrHistogram with 3 significant figures: values within 0.1 %.
        assert!((f("p50_ms") - 50.0).abs() <= 0.05, "{}", f("p50_ms"));
        assert!((f("p90_ms") - 90.0).abs() <= 0.09, "{}", f("p90_ms"));
        assert!((f("p99_ms") - 99.0).abs() <= 0.1, "{}", f("p99_ms"));
        assert!((f("max_ms") - 100.0).abs() <= 0.1, "{}", f("max_ms"));
        assert!((f("mean_ms") - 50.5).abs() <= 0.1, "{}", f("mean_ms"));
        assert_eq!(s["requests"], 100);
        assert_eq!(s["errors"], 0);
        assert_eq!(f("messages_per_sec"), 10.0);
        assert_eq!(f("requests_per_sec"), 10.0);
        assert_eq!(f("seconds"), 10.0);
    }

    #[test]
    fn errors_count_as_requests_but_not_as_messages_or_latency() {
        let mut t = Tally::default();
        for _ in 0..30 {
            t.success(ms(2));
        }
        for _ in 0..10 {
            t.failure("500");
        }
        t.failure("timeout");
        let s = summarize(&t, 2.0, true);
        assert_eq!(s["requests"], 41);
        assert_eq!(s["errors"], 11);
        assert_eq!(s["ok"], 30);
        assert_eq!(s["messages_per_sec"].as_f64(), Some(15.0));
        assert_eq!(s["requests_per_sec"].as_f64(), Some(20.5));
        assert_eq!(s["errors_by_kind"]["500"], 10);
        assert_eq!(s["errors_by_kind"]["timeout"], 1);
        assert!((s["max_ms"].as_f64().expect("max") - 2.0).abs() < 0.01);
    }

    #[test]
    fn merging_workers_adds_counts_and_histograms() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        a.success(ms(1));
        a.failure("connect");
        b.success(ms(300));
        b.failure("connect");
        b.failure("404");
        a.merge(&b);
        assert_eq!((a.requests, a.ok, a.errors), (5, 2, 3));
        assert_eq!(a.errors_by_kind["connect"], 2);
        assert_eq!(a.hist.len(), 2);
        assert!((us_to_ms(a.hist.max()) - 300.0).abs() < 0.5);
    }

    #[test]
    fn empty_run_has_null_latencies_and_zero_rates() {
        let s = summarize(&Tally::default(), 0.0, false);
        assert!(s["p50_ms"].is_null());
        assert!(s["max_ms"].is_null());
        assert_eq!(s["requests_per_sec"].as_f64(), Some(0.0));
        assert!(!s.contains_key("messages_per_sec"));
    }

    #[test]
    fn sub_microsecond_and_huge_latencies_are_clamped_not_lost() {
        let mut t = Tally::default();
        t.success(Duration::from_nanos(10));
        t.success(Duration::from_secs(10_000));
        assert_eq!(t.hist.len(), 2);
        assert_eq!(t.hist.min(), 1);
    }

    #[test]
    fn rate_and_rounding() {
        assert_eq!(rate(1, 3.0), 0.333);
        assert_eq!(rate(5, 0.0), 0.0);
        assert_eq!(us_to_ms(1234), 1.234);
        assert_eq!(us_to_ms(1), 0.001);
    }
}
