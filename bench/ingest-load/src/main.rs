//! `ingest-load`: a bounded, loopback-only HTTP load generator for Rapport.
//!
//! Subcommands: `ingest` (timed POST /api/v1/inbound load; with `--target django-helpdesk`, POST
//! /api/tickets/ on the django-helpdesk baseline instead), `seed` (create N conversations), `list`
//! (GET the first inbox page N times), `wait` (poll /healthz until ready) and `report` (render a
//! results folder as a markdown table). Every loop is bounded by a duration or a count; every URL must be
//! loopback (see `target.rs`). Summaries go to stdout as JSON, progress and errors to stderr.

mod corpus;
mod report;
mod run;
mod summary;
mod target;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "ingest-load", version, about = "Loopback-only load generator for Rapport")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

/// Options shared by the load-generating subcommands.
#[derive(Debug, Args)]
pub struct Common {
    /// Base URL of the server; host must be 127.0.0.1, localhost or [::1].
    #[arg(long)]
    pub url: String,
    /// API token (admin role), sent as `Authorization: Bearer` (django-helpdesk target: DRF's
    /// `Authorization: Token`).
    #[arg(long, env = "RAPPORT_BENCH_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Per-request timeout; a request that takes longer counts as an error.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Stop early once this many requests have failed and failures outnumber successes
    /// (0 = never stop early).
    #[arg(long, default_value_t = 1000)]
    pub max_errors: u64,
    /// Runtime threads of the load generator. 1 leaves the other cores to the server.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub threads: u64,
    /// Free-form label copied into the JSON summary (e.g. the backend name).
    #[arg(long)]
    pub label: Option<String>,
    /// Also write the JSON summary to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print at most this many error bodies to stderr (they are also kept in the summary).
    #[arg(long, default_value_t = 5)]
    pub show_errors: usize,
}

/// Which server `ingest` loads. The baseline exists so Rapport can be compared with a peer in the same
/// run (see bench/baselines/).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IngestTarget {
    /// Rapport: POST /api/v1/inbound, `Authorization: Bearer`.
    Rapport,
    /// django-helpdesk's REST API: POST /api/tickets/ {queue, title, description, submitter_email,
    /// priority}, `Authorization: Token` (Django REST framework token auth).
    DjangoHelpdesk,
}

impl IngestTarget {
    pub fn name(self) -> &'static str {
        match self {
            Self::Rapport => "rapport",
            Self::DjangoHelpdesk => "django-helpdesk",
        }
    }
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Timed load: workers loop POST /api/v1/inbound with realistic texts from a pool of contacts
    /// (or, with --target django-helpdesk, create a django-helpdesk ticket from each text).
    Ingest {
        #[command(flatten)]
        common: Common,
        /// Concurrent workers, each with one request in flight.
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
        concurrency: u64,
        /// Measured duration (after warm-up), e.g. 20s, 500ms, 2m. At most 1h.
        #[arg(long, default_value = "20s", value_parser = parse_duration)]
        duration: Duration,
        /// Warm-up before measuring; requests sent then are not counted. At most 10m.
        #[arg(long, default_value = "2s", value_parser = parse_duration)]
        warmup: Duration,
        /// Size of the contact pool messages are drawn from (so conversations get several messages).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        contacts: u64,
        /// Server to load: Rapport, or the django-helpdesk baseline (bench/baselines/django-helpdesk).
        #[arg(long, value_enum, default_value_t = IngestTarget::Rapport)]
        target: IngestTarget,
        /// django-helpdesk only: id of the queue tickets are created in.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        queue: u64,
    },
    /// Create N conversations as fast as possible: one message from each of N distinct new contacts.
    Seed {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        conversations: u64,
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
        concurrency: u64,
    },
    /// GET the first inbox page N times, rotating filters (status=open; status=open&channel=api;
    /// mood=negative; none).
    List {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        requests: u64,
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=1024))]
        concurrency: u64,
        /// Page size asked for (`limit=`).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=1000))]
        limit: u64,
    },
    /// Poll GET /healthz until it answers 200 {"status":"ok"}; exit 1 on timeout or if --pid exits.
    Wait {
        #[arg(long)]
        url: String,
        #[arg(long, default_value = "60s", value_parser = parse_duration)]
        timeout: Duration,
        /// Give up as soon as this process (the server) is gone.
        #[arg(long)]
        pid: Option<u32>,
    },
    /// Print a markdown table of the summaries (*.json) in a results folder.
    Report {
        /// Folder written by bench/ingest.sh (or any folder of ingest-load summaries).
        dir: PathBuf,
    },
}

/// Parses `20s`, `500ms`, `2m`, `1h`, `1.5s`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num.parse().map_err(|_| format!("{s:?} is not a duration (try 20s, 500ms, 2m)"))?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!("unknown duration unit {other:?} in {s:?} (use ms, s, m, h)"));
        }
    };
    if !secs.is_finite() || !(0.0..=24.0 * 3600.0).contains(&secs) {
        return Err(format!("duration {s:?} out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run::dispatch(cli.cmd) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ingest-load: {e:#}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("100h").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn ingest_flags_parse_with_defaults() {
        let cli = Cli::try_parse_from([
            "ingest-load",
            "ingest",
            "--url",
            "http://127.0.0.1:8080",
            "--token",
            "t",
            "--concurrency",
            "16",
            "--duration",
            "20s",
        ])
        .expect("parses");
        match cli.cmd {
            Cmd::Ingest { common, concurrency, duration, warmup, contacts, target, queue } => {
                assert_eq!(concurrency, 16);
                assert_eq!(target, IngestTarget::Rapport);
                assert_eq!(queue, 1);
                assert_eq!(duration, Duration::from_secs(20));
                assert_eq!(warmup, Duration::from_secs(2));
                assert_eq!(contacts, 2000);
                assert_eq!(common.token, "t");
                assert_eq!(common.timeout, Duration::from_secs(30));
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn django_helpdesk_target_parses() {
        let cli = Cli::try_parse_from([
            "ingest-load",
            "ingest",
            "--url",
            "http://127.0.0.1:8080",
            "--token",
            "t",
            "--target",
            "django-helpdesk",
            "--queue",
            "3",
        ])
        .expect("parses");
        assert!(matches!(cli.cmd, Cmd::Ingest { target: IngestTarget::DjangoHelpdesk, queue: 3, .. }));
        let bad = Cli::try_parse_from([
            "ingest-load",
            "ingest",
            "--url",
            "http://127.0.0.1:8080",
            "--token",
            "t",
            "--target",
            "zendesk",
        ]);
        assert!(bad.is_err());
    }

    #[test]
    fn zero_concurrency_is_refused() {
        let r = Cli::try_parse_from([
            "ingest-load",
            "list",
            "--url",
            "http://127.0.0.1:1",
            "--token",
            "t",
            "--concurrency",
            "0",
        ]);
        assert!(r.is_err());
    }

    #[test]
    fn seed_and_list_defaults() {
        let cli = Cli::try_parse_from(["ingest-load", "seed", "--url", "http://127.0.0.1:1", "--token", "t"])
            .expect("parses");
        assert!(matches!(cli.cmd, Cmd::Seed { conversations: 100_000, concurrency: 16, .. }));
        let cli = Cli::try_parse_from(["ingest-load", "list", "--url", "http://127.0.0.1:1", "--token", "t"])
            .expect("parses");
        assert!(matches!(cli.cmd, Cmd::List { requests: 2000, concurrency: 4, limit: 50, .. }));
    }
}
