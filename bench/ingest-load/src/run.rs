//! The subcommands: build the client, run bounded worker loops, merge per-worker tallies, print JSON.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

use crate::corpus::{Rng, contact};
use crate::summary::{Tally, summarize};
use crate::target::Target;
use crate::{Cmd, Common, IngestTarget};

const MAX_DURATION: Duration = Duration::from_secs(3600);
const MAX_WARMUP: Duration = Duration::from_secs(600);
const ERROR_BODY_CHARS: usize = 400;
/// Pause after a connection-level failure so a dead server does not turn a worker into a busy loop.
const TRANSPORT_BACKOFF: Duration = Duration::from_millis(20);
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// The inbox filters `list` rotates through (the page size is appended).
pub const LIST_FILTERS: [(&str, &str); 4] = [
    ("status=open", "status=open&"),
    ("status=open&channel=api", "status=open&channel=api&"),
    ("mood=negative", "mood=negative&"),
    ("none", ""),
];

pub fn dispatch(cmd: Cmd) -> Result<ExitCode> {
    match cmd {
        Cmd::Report { dir } => {
            print!("{}", crate::report::render_dir(&dir)?);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Wait { url, timeout, pid } => {
            let target = checked_target(&url)?;
            runtime(1)?.block_on(wait_ready(target, timeout, pid))
        }
        Cmd::Ingest { common, concurrency, duration, warmup, contacts, target, queue } => {
            if duration.is_zero() || duration > MAX_DURATION {
                bail!("--duration must be between 1ms and 1h");
            }
            if warmup > MAX_WARMUP {
                bail!("--warmup must be at most 10m");
            }
            let ctx = Ctx::new(&common)?;
            let api = IngestApi { target, queue };
            let mut params = json!({
                "concurrency": concurrency, "duration_s": duration.as_secs_f64(),
                "warmup_s": warmup.as_secs_f64(), "contacts": contacts, "target": target.name(),
            });
            if target == IngestTarget::DjangoHelpdesk {
                params["queue"] = json!(queue);
            }
            let rt = runtime(common.threads)?;
            let out = rt.block_on(ingest(ctx.clone(), api, concurrency, duration, warmup, contacts))?;
            finish(&common, &ctx, "ingest", params, out)
        }
        Cmd::Seed { common, conversations, concurrency } => {
            let ctx = Ctx::new(&common)?;
            let params = json!({ "concurrency": concurrency, "conversations_requested": conversations });
            let rt = runtime(common.threads)?;
            let out = rt.block_on(seed(ctx.clone(), concurrency, conversations))?;
            finish(&common, &ctx, "seed", params, out)
        }
        Cmd::List { common, requests, concurrency, limit } => {
            let ctx = Ctx::new(&common)?;
            let params = json!({ "concurrency": concurrency, "limit": limit });
            let rt = runtime(common.threads)?;
            let out = rt.block_on(list(ctx.clone(), concurrency, requests, limit))?;
            finish(&common, &ctx, "list", params, out)
        }
    }
}

fn checked_target(url: &str) -> Result<Target> {
    let target = Target::parse(url).map_err(anyhow::Error::msg)?;
    target.verify_resolution().map_err(anyhow::Error::msg)?;
    Ok(target)
}

fn runtime(threads: u64) -> Result<tokio::runtime::Runtime> {
    let rt = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(usize::try_from(threads).unwrap_or(1))
            .enable_all()
            .build()
    };
    rt.context("building the tokio runtime")
}

/// An HTTP client that cannot leave the machine: no proxies (even if HTTP_PROXY is set) and no redirects.
fn client(timeout: Duration, pool: usize) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5).min(timeout))
        .pool_max_idle_per_host(pool)
        .tcp_nodelay(true)
        .user_agent(concat!("rapport-ingest-load/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("building the HTTP client")
}

/// State shared by the workers of one run.
pub struct Ctx {
    client: reqwest::Client,
    target: Target,
    token: String,
    stop: AtomicBool,
    aborted: AtomicBool,
    errors_seen: AtomicU64,
    max_errors: u64,
    show_errors: usize,
    error_samples: Mutex<Vec<String>>,
    /// Live counters for the progress line.
    progress_ok: AtomicU64,
    progress_err: AtomicU64,
    run_id: String,
}

impl Ctx {
    fn new(common: &Common) -> Result<Arc<Self>> {
        let target = checked_target(&common.url)?;
        if common.token.trim().is_empty() {
            bail!("--token is empty");
        }
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
        let run_id = format!("{:x}{:x}", (nanos as u64) & 0xffff_ffff_ffff, std::process::id());
        Ok(Arc::new(Self {
            client: client(common.timeout, 1024)?,
            target,
            token: common.token.trim().to_string(),
            stop: AtomicBool::new(false),
            aborted: AtomicBool::new(false),
            errors_seen: AtomicU64::new(0),
            max_errors: common.max_errors,
            show_errors: common.show_errors,
            error_samples: Mutex::new(Vec::new()),
            progress_ok: AtomicU64::new(0),
            progress_err: AtomicU64::new(0),
            run_id,
        }))
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn note_ok(&self) {
        self.progress_ok.fetch_add(1, Ordering::Relaxed);
    }

    fn note_error(&self, detail: String) {
        self.progress_err.fetch_add(1, Ordering::Relaxed);
        let n = self.errors_seen.fetch_add(1, Ordering::Relaxed) + 1;
        // Stop early only when the server is mostly failing, so a small error rate still gets a full run.
        let oks = self.progress_ok.load(Ordering::Relaxed);
        if self.max_errors > 0 && n >= self.max_errors && n > oks && !self.stop.swap(true, Ordering::Relaxed) {
            self.aborted.store(true, Ordering::Relaxed);
            eprintln!("ingest-load: {n} errors (vs {oks} successes) reached --max-errors; stopping early");
        }
        if let Ok(mut samples) = self.error_samples.lock()
            && samples.len() < self.show_errors
        {
            eprintln!("ingest-load: error #{n}: {detail}");
            samples.push(detail);
        }
    }
}

enum Outcome {
    Ok { latency: Duration, body: Vec<u8> },
    Fail { kind: String, detail: String, transport: bool },
}

fn truncate(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

fn error_chain(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

fn classify(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "transport"
    }
}

/// Sends one request and reads the whole answer; latency covers send → last body byte.
async fn exchange(what: &str, req: reqwest::RequestBuilder) -> Outcome {
    let t0 = Instant::now();
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => {
            return Outcome::Fail {
                kind: classify(&e).into(),
                detail: format!("{what}: {}", error_chain(&e)),
                transport: true,
            };
        }
    };
    let status = resp.status();
    match resp.bytes().await {
        Ok(body) => {
            let latency = t0.elapsed();
            if status.is_success() {
                Outcome::Ok { latency, body: body.to_vec() }
            } else {
                let text = String::from_utf8_lossy(&body);
                Outcome::Fail {
                    kind: status.as_u16().to_string(),
                    detail: format!("{what}: HTTP {status}: {}", truncate(&text, ERROR_BODY_CHARS)),
                    transport: false,
                }
            }
        }
        Err(e) => Outcome::Fail {
            kind: classify(&e).into(),
            detail: format!("{what}: HTTP {status}, reading body: {}", error_chain(&e)),
            transport: true,
        },
    }
}

/// Prints a progress line to stderr every few seconds until aborted.
fn spawn_progress(ctx: Arc<Ctx>, label: &'static str) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let t0 = Instant::now();
        let mut tick = tokio::time::interval(PROGRESS_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            eprintln!(
                "ingest-load: {label} t={:.0}s ok={} errors={}",
                t0.elapsed().as_secs_f64(),
                ctx.progress_ok.load(Ordering::Relaxed),
                ctx.progress_err.load(Ordering::Relaxed)
            );
        }
    })
}

/// What a run hands to [`finish`]: the merged tally, the measured seconds and mode-specific fields.
pub struct RunOut {
    tally: Tally,
    seconds: f64,
    extra: Map<String, Value>,
}

fn finish(common: &Common, ctx: &Ctx, mode: &str, params: Value, out: RunOut) -> Result<ExitCode> {
    let creates = mode != "list";
    let mut m = Map::new();
    m.insert("mode".into(), json!(mode));
    m.insert("label".into(), json!(common.label));
    m.insert("url".into(), json!(ctx.target.display()));
    m.insert("threads".into(), json!(common.threads));
    m.insert("tool_version".into(), json!(env!("CARGO_PKG_VERSION")));
    m.insert(
        "finished_at_unix".into(),
        json!(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()),
    );
    if let Value::Object(p) = params {
        m.extend(p);
    }
    m.extend(summarize(&out.tally, out.seconds, creates));
    m.extend(out.extra);
    let aborted = ctx.aborted.load(Ordering::Relaxed);
    m.insert("aborted".into(), json!(aborted));
    let samples = ctx.error_samples.lock().map(|s| s.clone()).unwrap_or_default();
    m.insert("error_samples".into(), json!(samples));

    let text = serde_json::to_string_pretty(&Value::Object(m))?;
    println!("{text}");
    if let Some(path) = &common.out {
        write_file(path, &text)?;
    }
    if aborted || (out.tally.requests > 0 && out.tally.ok == 0) { Ok(ExitCode::from(2)) } else { Ok(ExitCode::SUCCESS) }
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, format!("{text}\n")).with_context(|| format!("writing {}", path.display()))
}

fn inbound_body(name: &str, email: &str, text: &str, external_id: &str) -> Value {
    json!({
        "channel": "api",
        "contact": { "name": name, "email": email },
        "text": text,
        "external_id": external_id,
    })
}

fn conversation_id(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("conversation_id").and_then(|c| match c {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// django-helpdesk's ticket priority for API-created tickets: 3 = "Normal" (its `TicketForm` requires one).
const DJANGO_HELPDESK_PRIORITY: u64 = 3;
/// Longest ticket title sent to django-helpdesk (its `Ticket.title` allows 200 characters).
const TICKET_TITLE_CHARS: usize = 60;

/// A django-helpdesk ticket built from one customer message: the same text Rapport's ingest sends becomes
/// the description; the title is its first sentence, shortened (an e-mail subject, in effect).
fn ticket_body(queue: u64, email: &str, text: &str) -> Value {
    json!({
        "queue": queue,
        "title": ticket_title(text),
        "description": text,
        "submitter_email": email,
        "priority": DJANGO_HELPDESK_PRIORITY,
    })
}

fn ticket_title(text: &str) -> String {
    let first = text.split_inclusive(['.', '!', '?', '\n']).next().unwrap_or(text).trim();
    let first = if first.is_empty() { text.trim() } else { first };
    if first.chars().count() <= TICKET_TITLE_CHARS {
        first.to_string()
    } else {
        truncate(first, TICKET_TITLE_CHARS - 1)
    }
}

/// The `id` of the object in an answer (django-helpdesk's created ticket).
fn object_id(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    match v.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// How `ingest` builds a request and reads the answer, per `--target`.
#[derive(Debug, Clone, Copy)]
struct IngestApi {
    target: IngestTarget,
    queue: u64,
}

impl IngestApi {
    fn path(self) -> &'static str {
        match self.target {
            IngestTarget::Rapport => "/api/v1/inbound",
            IngestTarget::DjangoHelpdesk => "/api/tickets/",
        }
    }

    fn what(self) -> &'static str {
        match self.target {
            IngestTarget::Rapport => "POST /api/v1/inbound",
            IngestTarget::DjangoHelpdesk => "POST /api/tickets/",
        }
    }

    fn request(
        self,
        ctx: &Ctx,
        url: &str,
        (name, email): (&str, &str),
        text: &str,
        external_id: &str,
    ) -> reqwest::RequestBuilder {
        match self.target {
            IngestTarget::Rapport => {
                ctx.client.post(url).bearer_auth(&ctx.token).json(&inbound_body(name, email, text, external_id))
            }
            IngestTarget::DjangoHelpdesk => ctx
                .client
                .post(url)
                .header(reqwest::header::AUTHORIZATION, format!("Token {}", ctx.token))
                .json(&ticket_body(self.queue, email, text)),
        }
    }

    /// What the answer identifies: the conversation (Rapport) or the new ticket (django-helpdesk).
    fn answer_id(self, body: &[u8]) -> Option<String> {
        match self.target {
            IngestTarget::Rapport => conversation_id(body),
            IngestTarget::DjangoHelpdesk => object_id(body),
        }
    }
}

struct IngestWorker {
    tally: Tally,
    warmup_requests: u64,
    /// Distinct ids read from the answers (see [`IngestApi::answer_id`]).
    ids: HashSet<String>,
    missing_id: u64,
}

async fn ingest(
    ctx: Arc<Ctx>,
    api: IngestApi,
    concurrency: u64,
    duration: Duration,
    warmup: Duration,
    contacts: u64,
) -> Result<RunOut> {
    let url = ctx.target.endpoint(api.path());
    eprintln!(
        "ingest-load: ingest {url} target={} concurrency={concurrency} warmup={warmup:?} \
         duration={duration:?} contacts={contacts}",
        api.target.name()
    );
    let base_seed = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0xC0FF_EE00);
    let start = Instant::now();
    let measure_start = start + warmup;
    let end = measure_start + duration;
    let progress = spawn_progress(ctx.clone(), "ingest");
    let mut handles = Vec::new();
    for w in 0..concurrency {
        let ctx = ctx.clone();
        let url = url.clone();
        handles.push(tokio::spawn(async move {
            let mut rng = Rng::new(base_seed ^ w.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut out =
                IngestWorker { tally: Tally::default(), warmup_requests: 0, ids: HashSet::new(), missing_id: 0 };
            let mut seq: u64 = 0;
            // Bounded: stops at `end` (or on --max-errors); each request is bounded by --timeout.
            loop {
                let now = Instant::now();
                if now >= end || ctx.stopped() {
                    break;
                }
                let measured = now >= measure_start;
                let (name, email) = contact("ingest", rng.below(contacts));
                let external_id = format!("ingest-{}-{w}-{seq}", ctx.run_id);
                seq += 1;
                let req = api.request(&ctx, &url, (&name, &email), rng.text(), &external_id);
                match exchange(api.what(), req).await {
                    Outcome::Ok { latency, body } => {
                        ctx.note_ok();
                        match api.answer_id(&body) {
                            Some(id) => {
                                out.ids.insert(id);
                            }
                            None => out.missing_id += 1,
                        }
                        if measured {
                            out.tally.success(latency);
                        } else {
                            out.warmup_requests += 1;
                        }
                    }
                    Outcome::Fail { kind, detail, transport } => {
                        ctx.note_error(detail);
                        if measured {
                            out.tally.failure(&kind);
                        } else {
                            out.warmup_requests += 1;
                        }
                        if transport {
                            tokio::time::sleep(TRANSPORT_BACKOFF).await;
                        }
                    }
                }
            }
            out
        }));
    }
    let mut tally = Tally::default();
    let mut warmup_requests = 0;
    let mut ids = HashSet::new();
    let mut missing = 0;
    for h in handles {
        let w = h.await.context("ingest worker panicked")?;
        tally.merge(&w.tally);
        warmup_requests += w.warmup_requests;
        ids.extend(w.ids);
        missing += w.missing_id;
    }
    progress.abort();
    let finished = Instant::now();
    let seconds = finished.saturating_duration_since(measure_start).as_secs_f64();
    let mut extra = Map::new();
    extra.insert("warmup_requests".into(), json!(warmup_requests));
    match api.target {
        IngestTarget::Rapport => {
            extra.insert("conversations_touched".into(), json!(ids.len()));
            extra.insert(
                "messages_per_conversation".into(),
                json!(if ids.is_empty() {
                    0.0
                } else {
                    ((tally.ok + warmup_requests) as f64 / ids.len() as f64 * 100.0).round() / 100.0
                }),
            );
            extra.insert("responses_without_conversation_id".into(), json!(missing));
        }
        IngestTarget::DjangoHelpdesk => {
            // django-helpdesk opens a new ticket for every POST (no threading by submitter), so this
            // should equal the successful requests, warm-up included.
            extra.insert("tickets_created".into(), json!(ids.len()));
            extra.insert("responses_without_ticket_id".into(), json!(missing));
        }
    }
    Ok(RunOut { tally, seconds, extra })
}

async fn seed(ctx: Arc<Ctx>, concurrency: u64, conversations: u64) -> Result<RunOut> {
    let url = ctx.target.endpoint("/api/v1/inbound");
    eprintln!("ingest-load: seed {url} conversations={conversations} concurrency={concurrency}");
    let next = Arc::new(AtomicU64::new(0));
    let tag = format!("seed-{}", ctx.run_id);
    let start = Instant::now();
    let progress = spawn_progress(ctx.clone(), "seed");
    let mut handles = Vec::new();
    for w in 0..concurrency {
        let (ctx, url, next, tag) = (ctx.clone(), url.clone(), next.clone(), tag.clone());
        handles.push(tokio::spawn(async move {
            let mut rng = Rng::new(0x5EED ^ w.wrapping_mul(0x9E37_79B9));
            let mut tally = Tally::default();
            // Bounded by the shared counter (and --max-errors); failed items are not retried.
            loop {
                if ctx.stopped() {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= conversations {
                    break;
                }
                let (name, email) = contact(&tag, i);
                let body = inbound_body(&name, &email, rng.text(), &format!("{tag}-{i}"));
                let req = ctx.client.post(&url).bearer_auth(&ctx.token).json(&body);
                match exchange("POST /api/v1/inbound", req).await {
                    Outcome::Ok { latency, .. } => {
                        ctx.note_ok();
                        tally.success(latency);
                    }
                    Outcome::Fail { kind, detail, transport } => {
                        ctx.note_error(detail);
                        tally.failure(&kind);
                        if transport {
                            tokio::time::sleep(TRANSPORT_BACKOFF).await;
                        }
                    }
                }
            }
            tally
        }));
    }
    let mut tally = Tally::default();
    for h in handles {
        tally.merge(&h.await.context("seed worker panicked")?);
    }
    progress.abort();
    let seconds = start.elapsed().as_secs_f64();
    let mut extra = Map::new();
    extra.insert("conversations_created".into(), json!(tally.ok));
    Ok(RunOut { tally, seconds, extra })
}

fn list_path(filter_idx: usize, limit: u64) -> String {
    let (_, q) = LIST_FILTERS[filter_idx % LIST_FILTERS.len()];
    format!("/api/v1/conversations?{q}limit={limit}")
}

/// A page must be a JSON object with an `items` array; returns its length.
fn page_items(body: &[u8]) -> Option<usize> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("items")?.as_array().map(Vec::len)
}

async fn list(ctx: Arc<Ctx>, concurrency: u64, requests: u64, limit: u64) -> Result<RunOut> {
    eprintln!(
        "ingest-load: list {} requests={requests} concurrency={concurrency}",
        ctx.target.endpoint("/api/v1/conversations")
    );
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let progress = spawn_progress(ctx.clone(), "list");
    let mut handles = Vec::new();
    for _ in 0..concurrency {
        let (ctx, next) = (ctx.clone(), next.clone());
        handles.push(tokio::spawn(async move {
            let mut by_filter: Vec<Tally> = LIST_FILTERS.iter().map(|_| Tally::default()).collect();
            let mut items_total: u64 = 0;
            let mut empty_pages: u64 = 0;
            loop {
                if ctx.stopped() {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let f = (i % LIST_FILTERS.len() as u64) as usize;
                let path = list_path(f, limit);
                let req = ctx.client.get(ctx.target.endpoint(&path)).bearer_auth(&ctx.token);
                let what = format!("GET {path}");
                match exchange(&what, req).await {
                    Outcome::Ok { latency, body } => match page_items(&body) {
                        Some(n) => {
                            ctx.note_ok();
                            by_filter[f].success(latency);
                            items_total += n as u64;
                            if n == 0 {
                                empty_pages += 1;
                            }
                        }
                        None => {
                            let text = String::from_utf8_lossy(&body);
                            ctx.note_error(format!(
                                "{what}: 2xx but not a page with an items array: {}",
                                truncate(&text, ERROR_BODY_CHARS)
                            ));
                            by_filter[f].failure("bad_body");
                        }
                    },
                    Outcome::Fail { kind, detail, transport } => {
                        ctx.note_error(detail);
                        by_filter[f].failure(&kind);
                        if transport {
                            tokio::time::sleep(TRANSPORT_BACKOFF).await;
                        }
                    }
                }
            }
            (by_filter, items_total, empty_pages)
        }));
    }
    let mut by_filter: Vec<Tally> = LIST_FILTERS.iter().map(|_| Tally::default()).collect();
    let (mut items_total, mut empty_pages) = (0u64, 0u64);
    for h in handles {
        let (w, items, empty) = h.await.context("list worker panicked")?;
        for (acc, t) in by_filter.iter_mut().zip(&w) {
            acc.merge(t);
        }
        items_total += items;
        empty_pages += empty;
    }
    progress.abort();
    let seconds = start.elapsed().as_secs_f64();
    let mut tally = Tally::default();
    let mut per = BTreeMap::new();
    for ((name, _), t) in LIST_FILTERS.iter().zip(&by_filter) {
        tally.merge(t);
        // Per-filter seconds are not meaningful (filters interleave); give counts and latency only.
        let mut s = summarize(t, 0.0, false);
        s.remove("seconds");
        s.remove("requests_per_sec");
        per.insert((*name).to_string(), Value::Object(s));
    }
    let mut extra = Map::new();
    extra.insert("by_filter".into(), json!(per));
    extra.insert(
        "mean_items_per_page".into(),
        json!(if tally.ok == 0 { 0.0 } else { (items_total as f64 / tally.ok as f64 * 100.0).round() / 100.0 }),
    );
    extra.insert("empty_pages".into(), json!(empty_pages));
    Ok(RunOut { tally, seconds, extra })
}

fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

async fn wait_ready(target: Target, timeout: Duration, pid: Option<u32>) -> Result<ExitCode> {
    let client = client(Duration::from_secs(2), 1)?;
    let url = target.endpoint("/healthz");
    let start = Instant::now();
    let mut last = String::from("no answer yet");
    // Bounded by --timeout.
    while start.elapsed() < timeout {
        if let Some(p) = pid
            && !process_alive(p)
        {
            eprintln!("ingest-load: server process {p} exited before {url} was ready ({last})");
            return Ok(ExitCode::from(1));
        }
        match client.get(&url).send().await {
            Ok(resp) => {
                let status = resp.status();
                let body = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                let ok = status.as_u16() == 200
                    && serde_json::from_slice::<Value>(&body)
                        .ok()
                        .and_then(|v| v.get("status").and_then(Value::as_str).map(|s| s == "ok"))
                        .unwrap_or(false);
                if ok {
                    eprintln!("ingest-load: {url} ready after {:.2}s", start.elapsed().as_secs_f64());
                    return Ok(ExitCode::SUCCESS);
                }
                last = format!("HTTP {status}: {}", truncate(&String::from_utf8_lossy(&body), 200));
            }
            Err(e) => last = error_chain(&e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("ingest-load: {url} not ready after {timeout:?} ({last})");
    Ok(ExitCode::from(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_paths_rotate_through_the_four_filters() {
        assert_eq!(list_path(0, 50), "/api/v1/conversations?status=open&limit=50");
        assert_eq!(list_path(1, 50), "/api/v1/conversations?status=open&channel=api&limit=50");
        assert_eq!(list_path(2, 50), "/api/v1/conversations?mood=negative&limit=50");
        assert_eq!(list_path(3, 50), "/api/v1/conversations?limit=50");
        assert_eq!(list_path(4, 10), "/api/v1/conversations?status=open&limit=10");
    }

    #[test]
    fn pages_need_an_items_array() {
        assert_eq!(page_items(br#"{"items":[{"id":"a"},{"id":"b"}],"next_cursor":null}"#), Some(2));
        assert_eq!(page_items(br#"{"items":[]}"#), Some(0));
        assert_eq!(page_items(br#"{"data":[]}"#), None);
        assert_eq!(page_items(br#"[1,2]"#), None);
        assert_eq!(page_items(b"not json"), None);
    }

    #[test]
    fn inbound_body_matches_the_contract() {
        let v = inbound_body("Zoë Müller", "x-1@example.com", "Hello there, quick question", "e-1");
        assert_eq!(v["channel"], "api");
        assert_eq!(v["contact"]["name"], "Zoë Müller");
        assert_eq!(v["contact"]["email"], "x-1@example.com");
        assert_eq!(v["text"], "Hello there, quick question");
        assert_eq!(v["external_id"], "e-1");
    }

    #[test]
    fn ticket_body_matches_django_helpdesk_api() {
        let v = ticket_body(2, "x-1@example.com", "Hi, can I change the delivery address? I ordered this morning.");
        assert_eq!(v["queue"], 2);
        assert_eq!(v["title"], "Hi, can I change the delivery address?");
        assert_eq!(v["description"], "Hi, can I change the delivery address? I ordered this morning.");
        assert_eq!(v["submitter_email"], "x-1@example.com");
        assert_eq!(v["priority"], 3);
    }

    #[test]
    fn ticket_titles_are_a_short_first_sentence() {
        assert_eq!(ticket_title("Thanks!"), "Thanks!");
        assert_eq!(ticket_title("  no punctuation at all  "), "no punctuation at all");
        for text in crate::corpus::TEXTS {
            let t = ticket_title(text);
            assert!(!t.is_empty(), "{text}");
            assert!(t.chars().count() <= TICKET_TITLE_CHARS, "{t}");
            assert!(text.trim_start().starts_with(t.trim_end_matches('…')), "{t} / {text}");
        }
    }

    #[test]
    fn ticket_ids_are_read_from_the_answer() {
        assert_eq!(object_id(br#"{"id":17,"queue":1}"#), Some("17".into()));
        assert_eq!(object_id(br#"{"id":"a"}"#), Some("a".into()));
        assert_eq!(object_id(br#"{"queue":1}"#), None);
        assert_eq!(object_id(b"<html>"), None);
    }

    #[test]
    fn conversation_ids_are_read_from_the_answer() {
        assert_eq!(conversation_id(br#"{"conversation_id":"c1","message_id":"m1","analysis":{}}"#), Some("c1".into()));
        assert_eq!(conversation_id(br#"{"message_id":"m1"}"#), None);
    }

    #[test]
    fn truncation_counts_chars_not_bytes() {
        assert_eq!(truncate("héllo", 10), "héllo");
        assert_eq!(truncate("héllo", 2), "hé…");
    }
}
