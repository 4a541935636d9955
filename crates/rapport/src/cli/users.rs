use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use rapport_app::App;
use rapport_domain::Role;

use super::open_db;
use crate::config::Config;

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an agent. The password is read from a prompt, or from --password-file.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// agent, lead or admin
        #[arg(long, default_value = "agent")]
        role: String,
        /// Read the password from this file (first line) instead of prompting.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for an integration; it is printed once, on the last line.
    Create {
        #[arg(long)]
        name: String,
        /// agent, lead or admin
        #[arg(long, default_value = "agent")]
        role: String,
    },
}

fn read_password(file: Option<PathBuf>) -> anyhow::Result<String> {
    match file {
        Some(path) => {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            Ok(text.lines().next().unwrap_or("").to_owned())
        }
        None => {
            let first = rpassword::prompt_password("Password: ").context("reading the password")?;
            let again = rpassword::prompt_password("Again: ").context("reading the password")?;
            anyhow::ensure!(first == again, "the passwords differ");
            Ok(first)
        }
    }
}

pub async fn user(config: Config, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { email, name, role, password_file } => {
            let role = Role::parse(&role)?;
            let password = read_password(password_file)?;
            let app = App::new(open_db(&config, true).await?).await?;
            let agent = app.create_agent(&name, &email, role, None, &password).await?;
            println!("created {} <{}> as {}", agent.name, agent.email, agent.role.as_str());
            app.db.close().await;
            Ok(())
        }
    }
}

pub async fn token(config: Config, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { name, role } => {
            let role = Role::parse(&role)?;
            let app = App::new(open_db(&config, true).await?).await?;
            let (token, secret) = app.create_token(&name, role).await?;
            eprintln!(
                "created token {:?} with role {} — store it now, it is not shown again:",
                token.name,
                token.role.as_str()
            );
            println!("{secret}");
            app.db.close().await;
            Ok(())
        }
    }
}
