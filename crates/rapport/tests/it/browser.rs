//! The agent UI in a real browser: headless Chromium driven over WebDriver (chromedriver, started here
//! on a free port). Without chromedriver on PATH the test is skipped, unless `RAPPORT_REQUIRE_BROWSER=1`
//! makes a missing browser a failure (as `scripts/test` does).
//!
//! The test also refreshes `docs/inbox.png`, the screenshot in the README.

use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::{Client, ClientBuilder, Locator};
use rapport_app::demo::{DEMO_ADMIN_EMAIL, DEMO_PASSWORD, load_demo};
use serde_json::{Value, json};

use crate::spawn_app;

const WAIT: Duration = Duration::from_secs(20);

fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A chromedriver process of our own; killed when dropped, whatever happened in between.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    async fn start(binary: &Path) -> Chromedriver {
        // The port is free when we ask, but another process may take it before chromedriver binds it:
        // try a few ports.
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let child = Command::new(binary)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
            let mut driver = Chromedriver { child, url: format!("http://127.0.0.1:{port}") };
            match driver.wait_until_ready().await {
                Ok(()) => return driver,
                Err(e) => last_error = e,
            }
        }
        panic!("chromedriver did not start: {last_error}");
    }

    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("chromedriver exited with {status}"));
            }
            if let Ok(response) = http.get(format!("{}/status", self.url)).send().await
                && let Ok(body) = response.json::<Value>().await
                && body["value"]["ready"] == json!(true)
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err("chromedriver did not answer within 15 s".into())
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Poll the current URL until its path satisfies `ok`.
async fn wait_for_path(client: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let url = client.current_url().await.expect("current url");
        if ok(url.path()) {
            return url.path().to_owned();
        }
        assert!(Instant::now() < deadline, "expected to reach {what}, still on {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Run a script that returns JSON; one round trip, so elements swapped by htmx polling cannot go stale
/// between finding and reading them.
async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// The texts of all elements matching `selector`.
async fn texts(client: &Client, selector: &str) -> Vec<String> {
    let script = format!(
        "return Array.from(document.querySelectorAll({})).map(e => e.textContent.trim());",
        serde_json::to_string(selector).expect("json")
    );
    serde_json::from_value(js(client, &script).await).expect("strings")
}

/// Browser console messages at level SEVERE since the last call (chromedriver's log endpoint).
async fn console_errors(client: &Client, driver_url: &str) -> Vec<String> {
    let Ok(Some(session)) = client.session_id().await else { return vec![] };
    let response = reqwest::Client::new()
        .post(format!("{driver_url}/session/{session}/se/log"))
        .json(&json!({"type": "browser"}))
        .send()
        .await;
    let Ok(response) = response else { return vec![] };
    let Ok(body) = response.json::<Value>().await else { return vec![] };
    body["value"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter(|e| e["level"] == json!("SEVERE"))
                .filter_map(|e| e["message"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// chromedriver and Chromium from PATH; `None` (the test is skipped) when either is missing, unless
/// `RAPPORT_REQUIRE_BROWSER=1` makes that a failure.
fn browser_binaries() -> Option<(PathBuf, PathBuf)> {
    let required = std::env::var("RAPPORT_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let Some(chromedriver) = find_on_path(&["chromedriver"]) else {
        assert!(
            !required,
            "RAPPORT_REQUIRE_BROWSER=1 but chromedriver is not on PATH (apt-get install chromium-driver)"
        );
        eprintln!("skipping browser test: chromedriver not found");
        return None;
    };
    let Some(chromium) = find_on_path(&["chromium", "chromium-browser", "google-chrome"]) else {
        assert!(!required, "RAPPORT_REQUIRE_BROWSER=1 but chromium is not on PATH (apt-get install chromium)");
        eprintln!("skipping browser test: chromium not found");
        return None;
    };
    Some((chromedriver, chromium))
}

/// A WebDriver session on headless Chromium with the browser console log enabled.
async fn headless_chromium(driver: &Chromedriver, chromium: &Path, profile: &Path, size: (u32, u32)) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", format!("--window-size={},{}", size.0, size.1), "--hide-scrollbars",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    capabilities.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    ClientBuilder::rustls()
        .expect("tls connector")
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("webdriver session")
}

/// Screenshot of the browser window into `docs/<name>` (for the README).
async fn save_screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    std::fs::create_dir_all(&docs).expect("docs dir");
    // Written to a temporary file and renamed, so parallel runs never leave a torn image.
    let mut file = tempfile::NamedTempFile::new_in(&docs).expect("temporary file in docs/");
    file.write_all(&png).expect("write screenshot");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).expect("chmod screenshot");
    }
    file.persist(docs.join(name)).unwrap_or_else(|e| panic!("docs/{name}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_logs_in_opens_a_conversation_from_the_inbox_and_replies() {
    let Some((chromedriver, chromium)) = browser_binaries() else { return };

    let started = Instant::now();
    let app = spawn_app().await;
    let summary = load_demo(&app.app).await.expect("demo data");
    assert!(summary.conversations > 100, "{summary:?}");
    eprintln!("demo loaded in {:?}", started.elapsed());

    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Chromedriver::start(&chromedriver).await;
    let client = headless_chromium(&driver, &chromium, profile.path(), (1400, 900)).await;

    // The scenario runs in its own task so that a failed assertion still closes the browser below.
    let base = app.url("");
    let outcome = tokio::spawn(scenario(client.clone(), base, driver.url.clone())).await;
    let _ = client.close().await;
    drop(driver);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    eprintln!("browser test took {:?}", started.elapsed());
}

async fn scenario(client: Client, base: String, driver_url: String) {
    let mut errors = Vec::new();

    // A visitor lands on the login form.
    client.goto(&format!("{base}/")).await.expect("goto /");
    wait_for_path(&client, "/login", |p| p == "/login").await;
    errors.extend(console_errors(&client, &driver_url).await);
    client
        .find(Locator::Css("input[name=email]"))
        .await
        .expect("email field")
        .send_keys(DEMO_ADMIN_EMAIL)
        .await
        .expect("type");
    client
        .find(Locator::Css("input[name=password]"))
        .await
        .expect("password field")
        .send_keys(DEMO_PASSWORD)
        .await
        .expect("type");
    client.find(Locator::Css("form button[type=submit]")).await.expect("log in button").click().await.expect("click");

    // The inbox: conversations with the customer's mood.
    wait_for_path(&client, "/inbox", |p| p == "/inbox").await;
    client.wait().at_most(WAIT).for_element(Locator::Css("table.inbox tr.row a.conv")).await.expect("inbox rows");
    let subjects = texts(&client, "table.inbox tr.row a.conv").await;
    assert!(subjects.len() >= 10, "the demo inbox shows conversations: {subjects:?}");
    let moods = texts(&client, "table.inbox tr.row .mood").await;
    assert!(moods.len() >= subjects.len() / 2, "most rows show a mood badge: {moods:?}");
    assert!(moods.iter().all(|m| ["negative", "neutral", "positive"].contains(&m.as_str())), "{moods:?}");
    assert!(moods.iter().any(|m| m == "negative"), "the demo has upset customers: {moods:?}");
    let badge_colour =
        js(&client, "return getComputedStyle(document.querySelector('tr.row .mood')).backgroundColor;").await;
    assert_ne!(badge_colour, json!("rgba(0, 0, 0, 0)"), "mood badges are styled (app.css loaded)");

    save_screenshot(&client, "inbox.png").await;
    errors.extend(console_errors(&client, &driver_url).await);

    // Open the first conversation.
    let first = client.find(Locator::Css("table.inbox tr.row a.conv")).await.expect("first conversation");
    let href = first.attr("href").await.expect("href").expect("a link");
    let subject = first.text().await.expect("subject");
    first.click().await.expect("click conversation");
    wait_for_path(&client, &href, |p| p == href).await;
    client.wait().at_most(WAIT).for_element(Locator::Css("article.msg")).await.expect("messages");
    assert_eq!(texts(&client, ".thread h1").await, vec![subject.clone()]);
    let customer_moods = texts(&client, "article.msg-inbound header .mood").await;
    let customer_messages = texts(&client, "article.msg-inbound").await;
    assert!(!customer_messages.is_empty(), "the conversation starts with the customer");
    assert_eq!(
        customer_moods.len(),
        customer_messages.len(),
        "every customer message shows its mood: {customer_moods:?}"
    );
    assert!(
        customer_moods
            .iter()
            .all(|m| m.starts_with("negative") || m.starts_with("neutral") || m.starts_with("positive")),
        "{customer_moods:?}"
    );
    errors.extend(console_errors(&client, &driver_url).await);

    // Reply; the page comes back with the reply in the thread.
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_nanos();
    let reply = format!("Thanks for your patience, I have sorted this out for you. (browser test {nanos})");
    client
        .find(Locator::Css("textarea#reply-text"))
        .await
        .expect("reply box")
        .send_keys(&reply)
        .await
        .expect("type reply");
    // Mark this document, so that we know when the browser has followed the redirect to a new one
    // (the live refresh could show the reply on the old page too).
    js(&client, "window.rapportBeforeReply = true; return null;").await;
    client.find(Locator::Css("#send-reply")).await.expect("send button").click().await.expect("send");
    let deadline = Instant::now() + WAIT;
    loop {
        let reloaded = js(&client, "return document.readyState === 'complete' && !window.rapportBeforeReply;").await;
        let outbound = texts(&client, "article.msg-outbound .text").await;
        if reloaded == json!(true) && outbound.iter().any(|t| t == &reply) {
            break;
        }
        let page = js(&client, "return document.body ? document.body.innerText.slice(0, 500) : '';").await;
        assert!(Instant::now() < deadline, "the reply never appeared as an outbound message; page shows: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(client.current_url().await.expect("url").path(), href, "back on the conversation after sending");
    let box_text = js(&client, "return document.querySelector('#reply-text').value;").await;
    assert_eq!(box_text, json!(""), "the reply box is empty again after the redirect");
    errors.extend(console_errors(&client, &driver_url).await);

    assert!(errors.is_empty(), "the browser console shows errors: {errors:#?}");
}

/// A hand-made twcs export: three brands, six conversations. acme answers within minutes; globex
/// takes 6.5 h and then 42 h; initech answers one customer after 20 min and never answers another.
const TWCS_FIXTURE: &str = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,c1,True,Tue Oct 31 10:00:00 +0000 2017,@acme my parcel is late again and this is terrible,2,
2,acme,False,Tue Oct 31 10:02:00 +0000 2017,@c1 so sorry to hear that! Checking now,3,1
3,c1,True,Tue Oct 31 10:30:00 +0000 2017,@acme still nothing??,4,2
4,acme,False,Tue Oct 31 11:00:00 +0000 2017,@c1 it is out for delivery today,,3
5,c2,True,Wed Nov 01 09:00:00 +0000 2017,@acme can I change my delivery address?,6,
6,acme,False,Wed Nov 01 09:05:00 +0000 2017,@c2 sure - send us a DM,,5
7,c3,True,Wed Nov 01 14:00:00 +0000 2017,@globex I was charged twice. Refund please,8,
8,globex,False,Wed Nov 01 20:30:00 +0000 2017,@c3 refunded,,7
9,c4,True,Thu Nov 02 16:00:00 +0000 2017,@globex worst service ever. nobody answers,10,
10,globex,False,Sat Nov 04 10:00:00 +0000 2017,@c4 fixed,,9
11,c5,True,Fri Nov 03 20:00:00 +0000 2017,@initech my account is locked,,
12,c6,True,Sat Nov 04 08:00:00 +0000 2017,@initech the app crashes on start,13,
13,initech,False,Sat Nov 04 08:20:00 +0000 2017,@c6 please update the app,,12
";

/// `rapport assess` writes a report.html that renders in Chromium on its own: no console errors, no
/// request of any kind, the charts drawn, the scorecard showing the conversation count. Refreshes
/// `docs/assess-report.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assess_report_renders_offline_in_chromium() {
    let Some((chromedriver, chromium)) = browser_binaries() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("twcs_sample.csv"), TWCS_FIXTURE).expect("write fixture");
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["assess", "twcs_sample.csv", "--out", "out", "--quiet"])
        .current_dir(dir.path())
        .env_remove("RAPPORT_CONFIG")
        .output()
        .expect("run rapport assess");
    assert!(out.status.success(), "rapport assess failed: {}", String::from_utf8_lossy(&out.stderr));
    let report = dir.path().join("out/report.html");
    assert!(report.is_file(), "report.html written");
    let url = format!("file://{}", report.canonicalize().expect("absolute path").display());

    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Chromedriver::start(&chromedriver).await;
    let client = headless_chromium(&driver, &chromium, profile.path(), (1200, 900)).await;
    let outcome = tokio::spawn(assess_report_scenario(client.clone(), url, driver.url.clone())).await;
    let _ = client.close().await;
    drop(driver);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn assess_report_scenario(client: Client, url: String, driver_url: String) {
    client.goto(&url).await.expect("open report.html");
    client.wait().at_most(WAIT).for_element(Locator::Css("#slowest table")).await.expect("the report is rendered");
    assert_eq!(js(&client, "return document.readyState;").await, json!("complete"));

    // Nothing loaded from anywhere: no resource entries at all (the document itself is a navigation).
    let resources = js(&client, "return performance.getEntriesByType('resource').map(e => e.name);").await;
    assert_eq!(resources, json!([]), "report.html loads nothing");
    let svgs = js(&client, "return document.querySelectorAll('svg').length;").await;
    assert!(svgs.as_u64().is_some_and(|n| n >= 3), "charts present: {svgs}");
    let drawn = js(&client, "return Array.from(document.querySelectorAll('svg')).every(s => s.getBoundingClientRect().height > 20 && s.querySelectorAll('rect').length > 0);").await;
    assert_eq!(drawn, json!(true), "every chart has a size and bars");

    assert_eq!(
        texts(&client, "#scorecard [data-metric=conversations] .value").await,
        vec!["6".to_owned()],
        "the scorecard shows the conversation count"
    );
    assert_eq!(texts(&client, "#scorecard [data-metric=unanswered] .value").await, vec!["1".to_owned()]);
    let sections = texts(&client, "section h2").await;
    assert!(sections.len() >= 8, "{sections:?}");
    let accounts = texts(&client, "#accounts svg g > text:first-of-type").await;
    for brand in ["acme", "globex", "initech"] {
        assert!(accounts.iter().any(|a| a.starts_with(brand)), "{brand} in the account chart: {accounts:?}");
    }
    let slowest = texts(&client, "#slowest tbody tr td:last-child").await;
    assert_eq!(slowest.first().map(String::as_str), Some("1 d 18 h"), "globex's 42 h wait first: {slowest:?}");
    let recs = texts(&client, "#recommendations li").await;
    assert!(recs.iter().any(|r| r.contains("never got an answer")), "{recs:?}");

    // Readable at 1200 px: nothing wider than the window.
    let overflow = js(&client, "return document.documentElement.scrollWidth - window.innerWidth;").await;
    assert!(overflow.as_i64().is_some_and(|o| o <= 0), "horizontal overflow of {overflow} px at 1200 px");

    // The whole page in one screenshot for the README.
    let height = js(&client, "return document.documentElement.scrollHeight;").await;
    let height = height.as_u64().and_then(|h| u32::try_from(h).ok()).unwrap_or(900).clamp(900, 6000);
    client.set_window_size(1200, height).await.expect("resize window");
    tokio::time::sleep(Duration::from_millis(200)).await;
    save_screenshot(&client, "assess-report.png").await;

    let errors = console_errors(&client, &driver_url).await;
    assert!(errors.is_empty(), "the browser console shows errors: {errors:#?}");
}
