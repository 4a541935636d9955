//! `ingest-load report DIR`: renders the summaries in a results folder as markdown.
//!
//! Every `NAME.json` with a `mode` field is a summary written by this tool; an optional
//! `NAME.server.json` beside it holds what bench/ingest.sh measured on the server process during that
//! run: `{"vmhwm_kb":…, "vmrss_max_kb":…, "cpu_s":…}`.

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
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let Ok(summary) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if summary.get("mode").and_then(Value::as_str).is_none() {
            continue;
        }
        let server = std::fs::read_to_string(dir.join(format!("{name}.server.json")))
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok());
        rows.push(Row {
            name,
            summary,
            server,
        });
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
    let errors: Vec<&Row> = rows
        .iter()
        .filter(|r| num(&r.summary, "errors").unwrap_or(0.0) > 0.0)
        .collect();
    for r in errors {
        let _ = writeln!(
            s,
            "\n`{}` errors by kind: {}",
            r.name, r.summary["errors_by_kind"]
        );
    }
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
        w(
            "ingest-sqlite.server.json",
            json!({"vmhwm_kb":51200,"vmrss_max_kb":40960,"cpu_s":12.5}),
        );
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
    }
}
