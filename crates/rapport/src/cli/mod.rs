//! Subcommands. Each is a thin shell over `rapport-app`.

mod serve;
mod users;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
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
    let bind = match &cli.command {
        Command::Serve(args) => args.bind.clone(),
        _ => None,
    };
    let config = config::load(&cli.config, Overrides { db: cli.db.clone(), bind })?;
    match cli.command {
        Command::Serve(args) => serve::run(config, args).await,
        Command::Migrate => {
            let db = open_db(&config, true).await?;
            db.close().await;
            println!("database {} is up to date", redact(&config.db));
            Ok(())
        }
        Command::User { command } => users::user(config, command).await,
        Command::Token { command } => users::token(config, command).await,
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
