//! `ingest-load report DIR`: renders the summaries in a results folder as markdown.
//!
//! Every `NAME.json` with a `mode` field is a summary written by this tool; an optional
//! `NAME.server.json` beside it holds what bench/ingest.sh measured on the server process during that
//! run: `{"vmhwm_kb":…, "vmrss_max_kb":…, "cpu_s":…}`.
//!
//! When the folder also holds an ingest run of a baseline (`"target": "django-helpdesk"`, written by
//! bench/baselines/django-helpdesk/bench.sh), a second table gives Rapport's ingest runs as ratios to it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::run::LIST_FILTERS;

struct Row {
    name: String,
    summary: Value,
    server: Option<Value>,
}

fn mode_rank(mode: &str) -> u8 {
    match mode {
        "ingest" => 0,
        "seed" => 1,
        "list" => 2,
        _ => 3,
    }
}

pub fn render_dir(dir: &Path) -> Result<String> {
    let mut rows = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else {
            continue;
        };
        if !file.ends_with(".json") || file.ends_with(".server.json") {
            continue;
        }
        let name = file.trim_end_matches(".json").to_string();
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let Ok(summary) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if summary.get("mode").and_then(Value::as_str).is_none() {
            continue;
        }
        let server = std::fs::read_to_string(dir.join(format!("{name}.server.json")))
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok());
        rows.push(Row { name, summary, server });
    }
    rows.sort_by(|a, b| {
        let ma = a.summary["mode"].as_str().unwrap_or_default();
        let mb = b.summary["mode"].as_str().unwrap_or_default();
        (mode_rank(ma), &a.name).cmp(&(mode_rank(mb), &b.name))
    });
    Ok(render(&rows))
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn fmt(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) => format!("{x:.decimals$}"),
        None => "–".into(),
    }
}

fn mib(kb: Option<f64>) -> String {
    fmt(kb.map(|k| k / 1024.0), 1)
}

fn render(rows: &[Row]) -> String {
    let mut s = String::new();
    if rows.is_empty() {
        s.push_str("_no results_\n");
        return s;
    }
    s.push_str(
        "| run | backend | conc. | requests | errors | seconds | throughput | p50 ms | p90 ms | p99 ms \
         | max ms | server peak RSS (VmHWM) MiB | max sampled VmRSS MiB | server CPU s |\n",
    );
    s.push_str("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in rows {
        let v = &r.summary;
        let mode = v["mode"].as_str().unwrap_or("?");
        let throughput = match num(v, "messages_per_sec") {
            Some(x) => format!("{x:.1} msg/s"),
            None => format!("{} req/s", fmt(num(v, "requests_per_sec"), 1)),
        };
        let server = r.server.as_ref();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            if r.name.is_empty() { mode } else { &r.name },
            v["label"].as_str().unwrap_or("–"),
            fmt(num(v, "concurrency"), 0),
            fmt(num(v, "requests"), 0),
            fmt(num(v, "errors"), 0),
            fmt(num(v, "seconds"), 2),
            throughput,
            fmt(num(v, "p50_ms"), 2),
            fmt(num(v, "p90_ms"), 2),
            fmt(num(v, "p99_ms"), 2),
            fmt(num(v, "max_ms"), 2),
            mib(server.and_then(|x| num(x, "vmhwm_kb"))),
            mib(server.and_then(|x| num(x, "vmrss_max_kb"))),
            fmt(server.and_then(|x| num(x, "cpu_s")), 1),
        );
    }
    s.push_str(&render_baseline_ratios(rows));
    for r in rows.iter().filter(|r| r.summary["mode"] == "list") {
        let Some(by) = r.summary.get("by_filter") else {
            continue;
        };
        let _ = writeln!(
            s,
            "\n`{}`: inbox first page by filter (mean {} items per page)\n",
            r.name,
            fmt(num(&r.summary, "mean_items_per_page"), 1)
        );
        s.push_str("| filter | requests | errors | p50 ms | p90 ms | p99 ms | max ms |\n");
        s.push_str("|---|--:|--:|--:|--:|--:|--:|\n");
        for (name, _) in LIST_FILTERS {
            let Some(f) = by.get(name) else { continue };
            let _ = writeln!(
                s,
                "| {name} | {} | {} | {} | {} | {} | {} |",
                fmt(num(f, "requests"), 0),
                fmt(num(f, "errors"), 0),
                fmt(num(f, "p50_ms"), 2),
                fmt(num(f, "p90_ms"), 2),
                fmt(num(f, "p99_ms"), 2),
                fmt(num(f, "max_ms"), 2),
            );
        }
    }
    let errors: Vec<&Row> = rows.iter().filter(|r| num(&r.summary, "errors").unwrap_or(0.0) > 0.0).collect();
    for r in errors {
        let _ = writeln!(s, "\n`{}` errors by kind: {}", r.name, r.summary["errors_by_kind"]);
    }
    s
}

/// The baseline's target name in ingest summaries.
const BASELINE_TARGET: &str = "django-helpdesk";

fn is_ingest(r: &Row) -> bool {
    r.summary["mode"] == "ingest"
}

fn is_baseline(r: &Row) -> bool {
    r.summary["target"] == BASELINE_TARGET
}

/// Peak memory of a run in kB: the larger of VmHWM and the largest sampled VmRSS (both summed over the
/// process tree for the baseline).
fn peak_kb(r: &Row) -> Option<f64> {
    let server = r.server.as_ref()?;
    match (num(server, "vmhwm_kb"), num(server, "vmrss_max_kb")) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
    .filter(|kb| *kb > 0.0)
}

/// `num / den` as `12.3×`, or `–` when either side is missing or zero.
fn ratio(num: Option<f64>, den: Option<f64>) -> String {
    match (num, den) {
        (Some(n), Some(d)) if n > 0.0 && d > 0.0 => {
            let x = n / d;
            if x >= 100.0 {
                format!("{x:.0}×")
            } else if x >= 10.0 {
                format!("{x:.1}×")
            } else {
                format!("{x:.2}×")
            }
        }
        _ => "–".into(),
    }
}

/// Rapport's ingest runs against each baseline ingest run of the same folder (so the same machine, load
/// shape and time), as "how many times better": throughput Rapport ÷ baseline; latency and memory
/// baseline ÷ Rapport. Empty when the folder has no baseline run or no Rapport ingest run.
fn render_baseline_ratios(rows: &[Row]) -> String {
    let mut s = String::new();
    let baselines: Vec<&Row> = rows.iter().filter(|r| is_ingest(r) && is_baseline(r)).collect();
    let ours: Vec<&Row> = rows.iter().filter(|r| is_ingest(r) && !is_baseline(r)).collect();
    if baselines.is_empty() || ours.is_empty() {
        return s;
    }
    s.push_str(
        "\nRapport vs baseline, same run (how many times better Rapport does: throughput = Rapport ÷ \
         baseline; latency and peak memory = baseline ÷ Rapport)\n\n",
    );
    s.push_str(
        "| Rapport run | baseline run | throughput | p50 latency | p99 latency | peak memory \
         | baseline peak memory MiB (PSS) |\n",
    );
    s.push_str("|---|---|--:|--:|--:|--:|--:|\n");
    for b in &baselines {
        let bv = &b.summary;
        let pss = b.server.as_ref().and_then(|x| num(x, "pss_max_kb"));
        for r in &ours {
            let v = &r.summary;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} ({}) |",
                r.name,
                b.name,
                ratio(num(v, "messages_per_sec"), num(bv, "messages_per_sec")),
                ratio(num(bv, "p50_ms"), num(v, "p50_ms")),
                ratio(num(bv, "p99_ms"), num(v, "p99_ms")),
                ratio(peak_kb(b), peak_kb(r)),
                mib(peak_kb(b)),
                mib(pss),
            );
        }
    }
    s.push_str(
        "\nThe baseline's memory is summed over its gunicorn master and workers (peak RSS: the larger of \
         the summed VmHWM and the largest summed VmRSS sample; PSS counts pages shared between them once); \
         Rapport's is its one process. See bench/baselines/django-helpdesk/README.md.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_rows_in_mode_order_with_server_figures() {
        let dir = std::env::temp_dir().join(format!("ingest-load-report-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let w = |name: &str, v: Value| {
            std::fs::write(dir.join(name), v.to_string()).expect("write");
        };
        w(
            "list-sqlite.json",
            json!({"mode":"list","label":"sqlite","concurrency":4,"requests":8,"errors":0,
                   "seconds":1.0,"requests_per_sec":8.0,"p50_ms":1.5,"p90_ms":2.0,"p99_ms":3.0,
                   "max_ms":3.0,"mean_items_per_page":50.0,
                   "by_filter":{"none":{"requests":2,"errors":0,"p50_ms":1.0,"p90_ms":1.0,
                                        "p99_ms":1.0,"max_ms":1.0}}}),
        );
        w(
            "ingest-sqlite.json",
            json!({"mode":"ingest","label":"sqlite","concurrency":16,"requests":1000,"errors":2,
                   "seconds":20.0,"messages_per_sec":49.9,"requests_per_sec":50.0,"p50_ms":10.0,
                   "p90_ms":20.0,"p99_ms":40.0,"max_ms":90.0,"errors_by_kind":{"500":2}}),
        );
        w("ingest-sqlite.server.json", json!({"vmhwm_kb":51200,"vmrss_max_kb":40960,"cpu_s":12.5}));
        w("notes.json", json!({"something":"else"}));
        let out = render_dir(&dir).expect("renders");
        let _ = std::fs::remove_dir_all(&dir);
        let ingest_at = out.find("| ingest-sqlite |").expect("ingest row");
        let list_at = out.find("| list-sqlite |").expect("list row");
        assert!(ingest_at < list_at, "{out}");
        assert!(out.contains("49.9 msg/s"), "{out}");
        assert!(out.contains("8.0 req/s"), "{out}");
        assert!(out.contains("| 50.0 | 40.0 | 12.5 |"), "{out}");
        assert!(out.contains("| none | 2 | 0 |"), "{out}");
        assert!(out.contains(r#"errors by kind: {"500":2}"#), "{out}");
        assert!(!out.contains("notes"), "{out}");
        assert!(!out.contains("Rapport vs baseline"), "{out}");
    }

    #[test]
    fn baseline_rows_get_a_ratio_table() {
        let dir = std::env::temp_dir().join(format!("ingest-load-report-bl-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let w = |name: &str, v: Value| {
            std::fs::write(dir.join(name), v.to_string()).expect("write");
        };
        w(
            "ingest-sqlite.json",
            json!({"mode":"ingest","label":"sqlite","concurrency":16,"requests":20000,"errors":0,
                   "seconds":20.0,"messages_per_sec":1000.0,"p50_ms":10.0,"p90_ms":20.0,
                   "p99_ms":40.0,"max_ms":90.0}),
        );
        w("ingest-sqlite.server.json", json!({"vmhwm_kb":20480,"vmrss_max_kb":10240,"cpu_s":30.0}));
        w(
            "ingest-django-helpdesk.json",
            json!({"mode":"ingest","target":"django-helpdesk","label":"django-helpdesk/sqlite",
                   "concurrency":16,"requests":1000,"errors":0,"seconds":20.0,
                   "messages_per_sec":50.0,"p50_ms":300.0,"p90_ms":400.0,"p99_ms":500.0,
                   "max_ms":900.0}),
        );
        w(
            "ingest-django-helpdesk.server.json",
            json!({"vmhwm_kb":153600,"vmrss_max_kb":163840,"pss_max_kb":122880,"cpu_s":38.0}),
        );
        let out = render_dir(&dir).expect("renders");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(out.contains("| ingest-django-helpdesk | django-helpdesk/sqlite |"), "{out}");
        assert!(
            out.contains("| ingest-sqlite | ingest-django-helpdesk | 20.0× | 30.0× | 12.5× | 8.00× | 160.0 (120.0) |"),
            "{out}"
        );
    }

    #[test]
    fn ratios_need_both_sides() {
        assert_eq!(ratio(Some(3.0), Some(2.0)), "1.50×");
        assert_eq!(ratio(Some(300.0), Some(2.0)), "150×");
        assert_eq!(ratio(Some(25.0), Some(2.0)), "12.5×");
        assert_eq!(ratio(None, Some(2.0)), "–");
        assert_eq!(ratio(Some(1.0), Some(0.0)), "–");
    }
}
