//! `rapport assess`: a thin shell over `rapport_app::assess` — read an export, assess, write
//! `report.json` and `conversations.csv`, print a summary.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use rapport_analysis::Engine;
use rapport_app::assess::{AssessOptions, ConversationFacts, Report, assess_with};
use rapport_app::business_hours::BusinessHours;
use rapport_channels::importers::{self, Format, ImportError, generic::Mapping};

use super::InputError;

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// The export to assess.
    pub file: PathBuf,
    /// The export's format: auto (read the header), twcs, csv, ndjson, json, zendesk, freshdesk.
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// Column mapping for csv/ndjson/json, repeatable: `--map conversation=ticket_id --map text=body …`
    /// (fields: conversation, timestamp, role, text required; author, channel, account, rating, agent,
    /// team, site, status, id optional).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// Folder for report.json and conversations.csv (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Count response times in business hours too, e.g. "Mon-Fri 09:00-17:00 Europe/Berlin".
    #[arg(long, value_name = "SPEC")]
    pub business_hours: Option<String>,
    /// Closed days for --business-hours: a file with one YYYY-MM-DD per line.
    #[arg(long, value_name = "FILE", requires = "business_hours")]
    pub holidays: Option<PathBuf>,
    /// Stop at the first unreadable row instead of counting it.
    #[arg(long)]
    pub strict: bool,
    /// No progress or summary output.
    #[arg(long)]
    pub quiet: bool,
}

/// Stage-by-stage progress on a terminal's stderr (nothing when piped or with --quiet).
struct Progress {
    on: bool,
    started: std::time::Instant,
}

impl Progress {
    fn stage(&self, what: &str) {
        if self.on {
            eprint!("\r\x1b[2K[{:>6.1} s] {what}", self.started.elapsed().as_secs_f64());
        }
    }

    fn done(&self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}

pub fn run(args: AssessArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let progress = Progress { on: !args.quiet && std::io::stderr().is_terminal(), started };
    progress.stage(&format!("reading {}…", args.file.display()));
    let input = |e: ImportError| InputError(e.to_string());
    let format = if args.format.trim().eq_ignore_ascii_case("auto") {
        importers::sniff_file(&args.file).map_err(input)?.ok_or_else(|| {
            InputError(format!(
                "{}: unknown export format; name it with --format (twcs, csv, ndjson, json, zendesk, freshdesk)",
                args.file.display()
            ))
        })?
    } else {
        args.format.parse::<Format>().map_err(|e| InputError(e.to_string()))?
    };
    let mapping = if args.map.is_empty() {
        None
    } else {
        Some(Mapping::parse(args.map.iter()).map_err(|e| InputError(format!("--map: {e}")))?)
    };
    let import = importers::read(&args.file, format, mapping.as_ref()).map_err(input)?;
    if args.strict
        && let Some(e) = import.errors.first()
    {
        return Err(InputError(format!("{e} (--strict stops at the first unreadable row)")).into());
    }
    progress.stage(&format!(
        "analysing {} messages ({} unreadable rows skipped)…",
        import.messages.len(),
        import.errors.len()
    ));
    let mut options = AssessOptions::default();
    if let Some(spec) = &args.business_hours {
        let mut hours = BusinessHours::parse(spec).map_err(|e| InputError(e.to_string()))?;
        if let Some(path) = &args.holidays {
            let text = std::fs::read_to_string(path)
                .map_err(|e| InputError(format!("cannot read {}: {e}", path.display())))?;
            hours = hours.with_holidays(&text).map_err(|e| InputError(format!("{}: {e}", path.display())))?;
        }
        options.business_hours = Some((spec.clone(), hours));
    }
    let (report, facts) = assess_with(&import.messages, &Engine::new(), &options);
    progress.stage(&format!("writing {}…", args.out.display()));
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    write_json(&args.out.join("report.json"), &report)?;
    write_csv(&args.out.join("conversations.csv"), &facts)?;
    let html_path = args.out.join("report.html");
    let export_name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    std::fs::write(&html_path, rapport_app::assess_html::render(&report, &facts, &export_name))
        .with_context(|| format!("writing {}", html_path.display()))?;
    progress.done();
    if !args.quiet {
        summary(&report, import.errors.len(), &args.out, started.elapsed());
        for e in import.errors.iter().take(10) {
            eprintln!("skipped {e}");
        }
    }
    Ok(())
}

fn write_json(path: &Path, report: &Report) -> anyhow::Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, report)?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(())
}

fn write_csv(path: &Path, facts: &[ConversationFacts]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record([
        "conversation",
        "account",
        "channel",
        "agent",
        "team",
        "site",
        "started_at",
        "customer_messages",
        "agent_messages",
        "first_response_seconds",
        "first_response_business_seconds",
        "next_response_seconds",
        "unanswered_customer_messages",
        "mood_start",
        "mood_end",
        "mood_min",
        "mood_drops",
        "recovered",
        "recovery_seconds",
        "reason",
        "empathy_gaps",
        "rating",
    ])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for f in facts {
        w.write_record([
            f.conversation.clone(),
            opt(f.account.clone()),
            opt(f.channel.clone()),
            opt(f.agent.clone()),
            opt(f.team.clone()),
            opt(f.site.clone()),
            f.started_at.clone(),
            f.customer_messages.to_string(),
            f.agent_messages.to_string(),
            opt(f.first_response_seconds.map(|s| s.to_string())),
            opt(f.first_response_business_seconds.map(|s| s.to_string())),
            f.next_response_seconds.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" "),
            f.unanswered_customer_messages.to_string(),
            opt(f.mood_start.map(|s| format!("{s:.3}"))),
            opt(f.mood_end.map(|s| format!("{s:.3}"))),
            opt(f.mood_min.map(|s| format!("{s:.3}"))),
            f.mood_drops.to_string(),
            opt(f.recovered.map(|r| r.to_string())),
            opt(f.recovery_seconds.map(|s| s.to_string())),
            opt(f.reason.clone()),
            f.empathy_gaps.to_string(),
            opt(f.rating.map(|r| r.to_string())),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn summary(r: &Report, skipped: usize, out: &Path, took: std::time::Duration) {
    let fmt = |s: Option<f64>| s.map_or_else(|| "-".to_owned(), |v| format!("{:.0} s", v));
    let mut o = std::io::stdout().lock();
    let _ = writeln!(
        o,
        "{} messages in {} conversations ({} rows skipped) assessed in {:.2} s",
        r.messages,
        r.conversations,
        skipped,
        took.as_secs_f64()
    );
    let f = &r.first_response.overall;
    let _ = writeln!(
        o,
        "first response: {} answered, median {}, p90 {}; never answered: {} conversations",
        f.count,
        fmt(f.p50_seconds),
        fmt(f.p90_seconds),
        r.unanswered.count
    );
    let _ = writeln!(
        o,
        "mood: {} conversations dropped sharply, {} recovered; {} upset messages answered without acknowledgement",
        r.mood.dropped, r.mood.recovered, r.mood.empathy_gaps
    );
    if std::io::stdout().is_terminal() {
        let d = out.display();
        let _ = writeln!(o, "written: {d}/report.html, {d}/report.json, {d}/conversations.csv");
    } else {
        let _ = writeln!(o, "written: {}", out.display());
    }
}
