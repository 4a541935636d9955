//! `rapport assess`: a thin shell over `rapport_app::assess` — read an export, assess, write
//! `report.json` and `conversations.csv`, print a summary.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use rapport_app::assess::{AssessOptions, ConversationFacts, Report, assess_stream};
use rapport_app::business_hours::BusinessHours;
use rapport_channels::importers::{self, Format, ImportError, generic::Mapping};

use super::{InputError, ReadingArgs};

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
    #[command(flatten)]
    pub reading: ReadingArgs,
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
    let options = options(&args)?;
    let read_error = |e: ImportError| match e {
        ImportError::Row(e) => InputError(format!("{e} (--strict stops at the first unreadable row)")),
        e => input(e),
    };
    // Every format is read as a stream of conversations, never held whole (twcs and the generic
    // formats are read twice, see importers::stream).
    let mut stream = importers::stream(&args.file, format, mapping.as_ref(), args.strict).map_err(read_error)?;
    progress.stage(&match stream.counts() {
        Some((messages, conversations)) => format!(
            "analysing {messages} messages in {conversations} conversations ({} unreadable rows skipped)…",
            stream.error_count()
        ),
        None => format!("reading and analysing {}…", args.file.display()),
    });
    let engine = super::builtin_engine(!args.reading.no_word_order);
    let csv_path = args.out.join("conversations.csv");
    let made_out = !args.out.exists();
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    // The fact table is written as the conversations are assessed: it is never held whole.
    let mut table = FactTable::create(&csv_path)?;
    let mut source = stream.by_ref().map(|c| c.map_err(|e| anyhow::Error::from(read_error(e))));
    let assessed = assess_stream(&mut source, &engine, &options, |f| table.write(f)).and_then(|t| {
        table.finish()?;
        Ok(t)
    });
    let tally = match assessed {
        Ok(tally) => tally,
        Err(e) => {
            // A strict reading stopped, or the file could not be read to the end: no partial table.
            let _ = std::fs::remove_file(&csv_path);
            // And no empty directory of this run's making (remove_dir never takes a non-empty one).
            if made_out {
                let _ = std::fs::remove_dir(&args.out);
            }
            return Err(e);
        }
    };
    let errors = stream.errors();
    progress.stage(&format!("writing {}…", args.out.display()));
    let report = tally.report(&options);
    write_json(&args.out.join("report.json"), &report)?;
    let html_path = args.out.join("report.html");
    let export_name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    std::fs::write(&html_path, rapport_app::assess_html::render(&report, &tally, &export_name))
        .with_context(|| format!("writing {}", html_path.display()))?;
    progress.done();
    if !args.quiet {
        summary(&report, stream.error_count(), &args.out, started.elapsed());
        for e in errors.iter().take(10) {
            eprintln!("skipped {e}");
        }
    }
    Ok(())
}

/// The assessment options from the flags (business hours and their holidays).
fn options(args: &AssessArgs) -> anyhow::Result<AssessOptions> {
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
    Ok(options)
}

fn write_json(path: &Path, report: &Report) -> anyhow::Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, report)?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(())
}

const COLUMNS: [&str; 22] = [
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
];

/// `conversations.csv`, written a row at a time; numbers are formatted into one reused buffer.
struct FactTable {
    w: csv::Writer<std::fs::File>,
    path: PathBuf,
    buf: String,
}

impl FactTable {
    fn create(path: &Path) -> anyhow::Result<FactTable> {
        let mut w = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_path(path)
            .with_context(|| format!("writing {}", path.display()))?;
        w.write_record(COLUMNS)?;
        Ok(FactTable { w, path: path.to_owned(), buf: String::new() })
    }

    /// A field formatted by `f` (empty when it writes nothing).
    fn field(&mut self, f: impl FnOnce(&mut String) -> std::fmt::Result) -> anyhow::Result<()> {
        self.buf.clear();
        f(&mut self.buf)?;
        self.w.write_field(&self.buf)?;
        Ok(())
    }

    fn write(&mut self, f: &ConversationFacts) -> anyhow::Result<()> {
        use std::fmt::Write as _;
        self.w.write_field(&f.conversation)?;
        for v in [&f.account, &f.channel, &f.agent, &f.team, &f.site] {
            self.w.write_field(v.as_deref().unwrap_or_default())?;
        }
        self.w.write_field(&f.started_at)?;
        self.field(|b| write!(b, "{}", f.customer_messages))?;
        self.field(|b| write!(b, "{}", f.agent_messages))?;
        for v in [f.first_response_seconds, f.first_response_business_seconds] {
            self.field(|b| v.map_or(Ok(()), |s| write!(b, "{s}")))?;
        }
        self.field(|b| {
            for (i, s) in f.next_response_seconds.iter().enumerate() {
                write!(b, "{}{s}", if i > 0 { " " } else { "" })?;
            }
            Ok(())
        })?;
        self.field(|b| write!(b, "{}", f.unanswered_customer_messages))?;
        for v in [f.mood_start, f.mood_end, f.mood_min] {
            self.field(|b| v.map_or(Ok(()), |s| write!(b, "{s:.3}")))?;
        }
        self.field(|b| write!(b, "{}", f.mood_drops))?;
        self.field(|b| f.recovered.map_or(Ok(()), |r| write!(b, "{r}")))?;
        self.field(|b| f.recovery_seconds.map_or(Ok(()), |s| write!(b, "{s}")))?;
        self.w.write_field(f.reason.as_deref().unwrap_or_default())?;
        self.field(|b| write!(b, "{}", f.empathy_gaps))?;
        self.field(|b| f.rating.map_or(Ok(()), |r| write!(b, "{r}")))?;
        self.w.write_record(None::<&[u8]>)?;
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<()> {
        self.w.flush().with_context(|| format!("writing {}", self.path.display()))?;
        Ok(())
    }
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
