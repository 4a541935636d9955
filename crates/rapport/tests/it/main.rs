//! The one integration-test binary ("each file in tests/ is a binary to link"): modules share the
//! harness below, which starts the real router on a free port over a fresh database per test.

mod api;
mod assess;
mod browser;
mod score;
mod ui;

use std::net::SocketAddr;
use std::sync::Arc;

use rapport_app::App;
use rapport_domain::Role;
use rapport_storage::testing::{TestDb, fresh_postgres, fresh_sqlite};

pub struct TestApp {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    pub http: reqwest::Client,
    _db: TestDb,
}

#[derive(Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(Backend::Sqlite).await
}

pub async fn spawn_app_on(backend: Backend) -> TestApp {
    let test_db = match backend {
        Backend::Sqlite => fresh_sqlite().await,
        Backend::Postgres => fresh_postgres().await,
    }
    .expect("fresh database");
    let app = App::new(test_db.db.clone()).await.expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = rapport_web::router(app.clone(), false);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp { addr, app, http, _db: test_db }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn token(&self, role: Role) -> String {
        self.app.create_token(&format!("test-{}", role.as_str()), role).await.expect("token").1
    }
}
