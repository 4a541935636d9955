//! `rapport assess`: a thin shell over `rapport_app::assess` — read an export, assess, write
//! `report.json` and `conversations.csv`, print a summary.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use rapport_analysis::Engine;
use rapport_app::assess::{ConversationFacts, Report, assess};
use rapport_channels::importers::{ImportError, twcs};

use super::InputError;

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// The export to assess.
    pub file: PathBuf,
    /// The export's format; `auto` reads its header.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub format: Format,
    /// Folder for report.json and conversations.csv (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Stop at the first unreadable row instead of counting it.
    #[arg(long)]
    pub strict: bool,
    /// No progress or summary output.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Auto,
    /// Customer Support on Twitter (`tweet_id, author_id, inbound, created_at, text, …`).
    Twcs,
}

pub fn run(args: AssessArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let format = match args.format {
        Format::Auto => sniff(&args.file)?,
        f => f,
    };
    let import = match format {
        Format::Twcs | Format::Auto => twcs::read(&args.file).map_err(|e| match e {
            ImportError::Io { .. } | ImportError::Format { .. } => InputError(e.to_string()),
        })?,
    };
    if args.strict
        && let Some(e) = import.errors.first()
    {
        return Err(InputError(format!("{e} (--strict stops at the first unreadable row)")).into());
    }
    let (report, facts) = assess(&import.messages, &Engine::new());
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    write_json(&args.out.join("report.json"), &report)?;
    write_csv(&args.out.join("conversations.csv"), &facts)?;
    if !args.quiet {
        summary(&report, import.errors.len(), &args.out, started.elapsed());
        for e in import.errors.iter().take(10) {
            eprintln!("skipped {e}");
        }
    }
    Ok(())
}

/// The format from the file's first line.
fn sniff(path: &Path) -> anyhow::Result<Format> {
    let file = std::fs::File::open(path).map_err(|e| InputError(format!("cannot read {}: {e}", path.display())))?;
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(file), &mut first)
        .map_err(|e| InputError(format!("cannot read {}: {e}", path.display())))?;
    if ["tweet_id", "author_id", "inbound", "in_response_to_tweet_id"].iter().all(|c| first.contains(c)) {
        return Ok(Format::Twcs);
    }
    Err(InputError(format!(
        "{}: unknown export format (first line {:?}); known: twcs — name it with --format",
        path.display(),
        first.trim_end().chars().take(120).collect::<String>()
    ))
    .into())
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
        "started_at",
        "customer_messages",
        "agent_messages",
        "first_response_seconds",
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
    ])?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for f in facts {
        w.write_record([
            f.conversation.clone(),
            opt(f.account.clone()),
            opt(f.channel.clone()),
            f.started_at.clone(),
            f.customer_messages.to_string(),
            f.agent_messages.to_string(),
            opt(f.first_response_seconds.map(|s| s.to_string())),
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
        let _ = writeln!(o, "written: {}/report.json, {}/conversations.csv", out.display(), out.display());
    } else {
        let _ = writeln!(o, "written: {}", out.display());
    }
}
