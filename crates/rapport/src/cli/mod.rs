//! Subcommands. Each is a thin shell over `rapport-app`.

mod assess;
mod score;
mod serve;
mod train_reasons;
mod users;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use rapport_analysis::Engine;
use rapport_storage::Db;

use crate::config::{self, Config, Overrides};

#[derive(Parser, Debug)]
#[command(
    name = "rapport",
    version,
    about = "Rapport — the customer-service desk that catches failures before the customer walks away"
)]
pub struct Cli {
    /// Configuration file (read when it exists).
    #[arg(long, global = true, default_value = "rapport.toml", env = "RAPPORT_CONFIG")]
    config: PathBuf,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: sqlite://rapport.db).
    #[arg(long, global = true)]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the web server (UI, API, live updates).
    Serve(serve::ServeArgs),
    /// Apply database migrations, then exit.
    Migrate,
    /// Manage agents.
    User {
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: users::TokenCommand,
    },
    /// Analyse messages, one per stdin line (or one CSV column), into one JSON object per line.
    Score(score::ScoreArgs),
    /// Train a custom complaint-reason model from labelled examples (for `score --reasons`).
    TrainReasons(train_reasons::TrainReasonsArgs),
    /// Assess an exported help-desk history: response times, unanswered conversations, mood, reasons.
    Assess(assess::AssessArgs),
}

/// A problem with what the command line points at (a file, a column, a model): reported like a
/// usage error, with exit code 2.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// The exit code for an error returned by [`run`].
/// How the commands that analyse messages (`score`, `assess`) read sentiment.
#[derive(Args, Debug)]
pub struct ReadingArgs {
    /// Read sentiment with the n-gram model alone, without the word-order reader: the engine's faster
    /// setting (12–16 % more messages per second, BENCHMARKS.md; 3 points less macro-F1 on held-out
    /// airline tweets, eval/RESULTS.md).
    #[arg(long)]
    pub no_word_order: bool,
}

/// The built-in engine, with its word-order reader (`word_order`) or without it (the faster setting):
/// what `serve` takes from the configuration and `score` and `assess` from `--no-word-order`.
pub(crate) fn builtin_engine(word_order: bool) -> Engine {
    let mut engine = Engine::new();
    if !word_order {
        engine.set_order(None);
    }
    engine
}

pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<InputError>().is_some() { 2 } else { 1 }
}

/// The index of the CSV column named `name` (exact, or ignoring surrounding spaces).
fn find_column(headers: &csv::ByteRecord, name: &str) -> Result<usize, InputError> {
    let names: Vec<String> = headers.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
    names.iter().position(|h| h == name).or_else(|| names.iter().position(|h| h.trim() == name.trim())).ok_or_else(
        || {
            if names.is_empty() {
                InputError(format!("column \"{name}\" not found; the file has no header row"))
            } else {
                InputError(format!("column \"{name}\" not found; columns are: {}", names.join(", ")))
            }
        },
    )
}

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

/// Open and migrate the configured database.
pub async fn open_db(config: &Config, migrate: bool) -> anyhow::Result<Db> {
    let db = Db::connect_with(&config.db, config.max_connections)
        .await
        .with_context(|| format!("opening database {}", redact(&config.db)))?;
    if migrate {
        db.migrate().await.context("migrating the database")?;
    }
    Ok(db)
}

/// Database URLs may carry a password: never print it.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    // The analysis commands need no configuration and no database.
    let command = match cli.command {
        Command::Score(args) => return score::run(args),
        Command::TrainReasons(args) => return train_reasons::run(args),
        Command::Assess(args) => return assess::run(args),
        other => other,
    };
    let bind = match &command {
        Command::Serve(args) => args.bind.clone(),
        _ => None,
    };
    let config = config::load(&cli.config, Overrides { db: cli.db.clone(), bind })?;
    match command {
        Command::Serve(args) => serve::run(config, args).await,
        Command::Migrate => {
            let db = open_db(&config, true).await?;
            db.close().await;
            println!("database {} is up to date", redact(&config.db));
            Ok(())
        }
        Command::User { command } => users::user(config, command).await,
        Command::Token { command } => users::token(config, command).await,
        Command::Score(_) | Command::TrainReasons(_) | Command::Assess(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_in_database_urls_are_redacted() {
        assert_eq!(super::redact("postgres://app:s3cret@db:5432/rapport"), "postgres://app:***@db:5432/rapport");
        assert_eq!(super::redact("sqlite://rapport.db"), "sqlite://rapport.db");
    }
}
