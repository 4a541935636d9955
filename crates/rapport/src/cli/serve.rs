use anyhow::Context;
use clap::Args;
use rapport_app::App;
use rapport_app::demo::{self, DEMO_ADMIN_EMAIL, DEMO_PASSWORD};

use super::{open_db, redact};
use crate::config::Config;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub bind: Option<String>,
    /// Load the demo workspace (once) and print its login.
    #[arg(long)]
    pub demo: bool,
}

pub async fn run(config: Config, args: ServeArgs) -> anyhow::Result<()> {
    let db = open_db(&config, config.migrate_on_start).await?;
    let mut engine = super::builtin_engine(config.word_order);
    if !config.word_order {
        println!("sentiment from the n-gram model alone (word_order = false)");
    }
    if let Some(path) = &config.reasons_model {
        let model = super::score::load_reason_model(std::path::Path::new(path))?;
        println!("complaint reasons from {path}: {}", model.classes().join(", "));
        engine.set_reasons(rapport_analysis::ReasonModel::new(model));
    }
    let app = App::with_engine(db, engine).await?;
    if args.demo {
        let summary = demo::load_demo(&app).await.context("loading the demo workspace")?;
        if summary.created {
            println!(
                "demo workspace loaded: {} agents, {} conversations, {} messages",
                summary.agents, summary.conversations, summary.messages
            );
        } else {
            println!("demo workspace already present ({} conversations)", summary.conversations);
        }
    }
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    println!("Rapport is running on http://{address} (database {})", redact(&config.db));
    if args.demo {
        println!("demo login: {DEMO_ADMIN_EMAIL} / {DEMO_PASSWORD}");
    } else if app.needs_setup().await? {
        println!("open http://{address}/setup to create the first administrator");
    }
    let router = rapport_web::router(app.clone(), config.secure_cookies);
    axum::serve(listener, router).with_graceful_shutdown(shutdown_signal()).await.context("server failed")?;
    app.db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
