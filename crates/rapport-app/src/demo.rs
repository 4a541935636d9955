//! `rapport serve --demo`: a realistic demo workspace, loaded once.
//!
//! The demo is a desk of three teams (Billing, Logistics, Technical) at two sites (Berlin and Austin)
//! answering customers of a web shop, a telecom provider and a software subscription on four channels.
//! About three hundred conversations spread over the last four weeks show good service next to every
//! kind of failure in PRODUCT.md §3: slow first responses, cold or blaming replies, broken promises,
//! "any update?" left unanswered, complaints closed while the customer is still upset, mood drops,
//! repeat contacts, customers who switch channel because nobody answered, and fresh unassigned messages.
//!
//! The content is generated from the templates below with a fixed seed, so the demo is the same on
//! every run except for its time anchor (now). It goes through the same storage ports and analysis
//! engine as real traffic, so every screen shows what a real desk would.
//!
//! Loading is idempotent: the demo admin is created last and marks a finished load. A load that was
//! interrupted resumes (agents are reused, conversations already stored are skipped).

use std::sync::Arc;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rapport_analysis::Engine;
use rapport_domain::agent::parse_email;
use rapport_domain::channel::DEFAULT_API_CHANNEL;
use rapport_domain::contact::parse_person_name;
use rapport_domain::{
    AgentId, Author, ChannelId, ChannelKind, ConversationId, Identity, Priority, Role, SiteId, Status, TeamId,
};
use rapport_storage::{
    AgentMessage, AgentStore, ChannelStore, ConversationStore, ConversationUpdate, Db, InboundRecord, IngestStore,
    MessageStore, NewAgent, OrgStore,
};
use tokio::task::JoinSet;

use crate::auth::hash_password;
use crate::ingest::mood_of;
use crate::{App, AppError};

pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.rapport.test";
/// Every demo account shares this password; `serve --demo` prints it.
pub const DEMO_PASSWORD: &str = "demo-password";

/// What [`load_demo`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    /// False when the demo was already loaded; the counts are then what the database holds.
    pub created: bool,
    pub agents: usize,
    pub conversations: usize,
    pub messages: usize,
}

/// Load the demo workspace unless it is already there.
#[tracing::instrument(skip_all)]
pub async fn load_demo(app: &App) -> Result<DemoSummary, AppError> {
    let db = &app.db;
    if db.agent_credentials(DEMO_ADMIN_EMAIL).await?.is_some() {
        return existing_summary(db).await;
    }
    let started = std::time::Instant::now();
    let now = Timestamp::now();

    let mut teams = Vec::with_capacity(TEAMS.len());
    for name in TEAMS {
        teams.push(db.ensure_team(name).await?.id);
    }
    let mut sites = Vec::with_capacity(SITES.len());
    for site in &SITES {
        sites.push(db.ensure_site(site.name, site.time_zone).await?.id);
    }
    let mut channels = Vec::with_capacity(CHANNELS.len());
    for (kind, name) in CHANNELS {
        channels.push(db.ensure_channel(kind, name).await?.id);
    }

    // All demo accounts share one password, so it is hashed once (Argon2 is slow on purpose).
    let password = DEMO_PASSWORD.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("password hashing task: {e}")))??;
    // The staff joined the desk before the demo's history starts.
    let joined = now - SignedDuration::from_hours(24 * (HISTORY_DAYS + 30));
    let mut staff = Vec::with_capacity(STAFF.len());
    for (i, member) in STAFF.iter().enumerate() {
        // The admin marks a finished load, so it is created after everything else.
        if i == ADMIN {
            staff.push(None);
            continue;
        }
        staff.push(Some(ensure_agent(db, member, &teams, &password_hash, joined).await?.0));
    }

    let plan = build_plan_with_stories(now);
    let good = plan.iter().filter(|(_, story)| story.is_good()).count();
    tracing::debug!(contacts = plan.len(), good, "demo plan built");
    let ids = Arc::new(Ids { teams, sites, channels, staff });
    let mut tasks = JoinSet::new();
    let mut made = Made::default();
    for (thread, _) in plan {
        if tasks.len() >= PARALLEL_THREADS
            && let Some(done) = tasks.join_next().await
        {
            made.add(done.map_err(|e| AppError::Internal(format!("demo task: {e}")))??);
        }
        tasks.spawn(run_thread(db.clone(), app.engine.clone(), ids.clone(), thread));
    }
    while let Some(done) = tasks.join_next().await {
        made.add(done.map_err(|e| AppError::Internal(format!("demo task: {e}")))??);
    }

    let (_, admin_created) = ensure_agent(db, &STAFF[ADMIN], &ids.teams, &password_hash, joined).await?;
    let agents = STAFF.len() - usize::from(!admin_created);
    tracing::info!(
        conversations = made.conversations,
        messages = made.messages,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo workspace loaded"
    );
    Ok(DemoSummary { created: true, agents, conversations: made.conversations, messages: made.messages })
}

async fn existing_summary(db: &Db) -> Result<DemoSummary, AppError> {
    let agents = db.count_agents().await?;
    let conversations = db.count_conversations().await?;
    let mut messages: i64 = 0;
    let filter = rapport_storage::ConversationFilter::default();
    let mut after = None;
    loop {
        let page = db.list_conversations(&filter, after, 200).await?;
        messages += page.items.iter().map(|s| s.conversation.message_count).sum::<i64>();
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    Ok(DemoSummary {
        created: false,
        agents: count(agents),
        conversations: count(conversations),
        messages: count(messages),
    })
}

/// The agent with this email, created when missing; true when it was created now.
async fn ensure_agent(
    db: &Db,
    member: &Staff,
    teams: &[TeamId],
    password_hash: &str,
    at: Timestamp,
) -> Result<(AgentId, bool), AppError> {
    if let Some((agent, _)) = db.agent_credentials(member.email).await? {
        return Ok((agent.id, false));
    }
    let agent = NewAgent {
        name: parse_person_name(member.name)?,
        email: parse_email(member.email)?,
        role: member.role,
        team_id: member.team.map(|t| teams[t]),
        password_hash: password_hash.to_owned(),
    };
    Ok((db.create_agent(&agent, at).await?.id, true))
}

// ---------------------------------------------------------------------------------------------
// Running a plan
// ---------------------------------------------------------------------------------------------

/// Contacts loaded at the same time; enough to keep the SQLite writer and its group commit busy.
const PARALLEL_THREADS: usize = 12;

struct Ids {
    teams: Vec<TeamId>,
    sites: Vec<SiteId>,
    channels: Vec<ChannelId>,
    /// Indexed like [`STAFF`]; the admin is `None` while the demo loads.
    staff: Vec<Option<AgentId>>,
}

#[derive(Debug, Default)]
struct Made {
    conversations: usize,
    messages: usize,
}

impl Made {
    fn add(&mut self, other: Made) {
        self.conversations += other.conversations;
        self.messages += other.messages;
    }
}

/// Store one contact's conversations, in order.
async fn run_thread(db: Db, engine: Arc<Engine>, ids: Arc<Ids>, thread: Thread) -> Result<Made, AppError> {
    let mut made = Made::default();
    let mut identities = vec![Identity::email(&thread.customer.email)?];
    for (n, conv) in thread.conversations.iter().enumerate() {
        if CHANNELS[conv.channel].0 == ChannelKind::Whatsapp {
            identities.push(Identity::phone(&thread.customer.phone)?);
        }
        let mut current: Option<ConversationId> = None;
        for (m, event) in conv.events.iter().enumerate() {
            match &event.kind {
                EventKind::Customer(text) => {
                    let analysis = engine.analyze_customer(text);
                    let record = InboundRecord {
                        channel_id: ids.channels[conv.channel],
                        contact_name: thread.customer.name.clone(),
                        identities: identities.clone(),
                        text: text.clone(),
                        html: None,
                        metadata: serde_json::json!({ "demo": true }),
                        external_id: Some(format!("demo-{}-{n}-{m}", thread.id)),
                        subject: (CHANNELS[conv.channel].0 == ChannelKind::Email).then(|| conv.subject.clone()),
                        sent_at: event.at,
                        received_at: event.at,
                        mood: Some(mood_of(&analysis)),
                        analysis: Some(
                            serde_json::to_string(&analysis).map_err(|e| AppError::Internal(e.to_string()))?,
                        ),
                    };
                    let outcome = db.ingest(record).await?;
                    if !outcome.created {
                        // Stored by an earlier, interrupted load: leave this contact as it is.
                        return Ok(made);
                    }
                    made.messages += 1;
                    made.conversations += usize::from(outcome.new_conversation);
                    current = Some(outcome.conversation_id);
                }
                other => {
                    let Some(id) = current else {
                        return Err(AppError::Internal(
                            "demo plan: a conversation must start with the customer".into(),
                        ));
                    };
                    match other {
                        EventKind::Customer(_) => {}
                        EventKind::Route { assign } => {
                            let assignee = match assign {
                                Some(who) => Some(Some(agent_id(&ids, *who)?)),
                                None => None,
                            };
                            let update = ConversationUpdate {
                                assignee,
                                team: Some(Some(ids.teams[conv.team])),
                                site: Some(Some(ids.sites[conv.site])),
                                priority: Some(conv.priority),
                            };
                            db.update_conversation(id, &update, event.at).await?;
                        }
                        EventKind::Reply { agent, text } | EventKind::Note { agent, text } => {
                            let message = AgentMessage {
                                conversation_id: id,
                                author: Author::Agent(agent_id(&ids, *agent)?),
                                note: matches!(other, EventKind::Note { .. }),
                                text: text.clone(),
                                metadata: serde_json::json!({ "demo": true, "by": STAFF[*agent].name }),
                                at: event.at,
                            };
                            db.add_agent_message(&message).await?;
                            made.messages += 1;
                        }
                        EventKind::Status(to) => {
                            db.change_status(id, *to, event.at).await?;
                        }
                    }
                }
            }
        }
    }
    Ok(made)
}

fn agent_id(ids: &Ids, staff: usize) -> Result<AgentId, AppError> {
    ids.staff
        .get(staff)
        .copied()
        .flatten()
        .ok_or_else(|| AppError::Internal(format!("demo plan: staff member {staff} has no account")))
}

// ---------------------------------------------------------------------------------------------
// The desk
// ---------------------------------------------------------------------------------------------

const TEAMS: [&str; 3] = ["Billing", "Logistics", "Technical"];
const BILLING: usize = 0;
const LOGISTICS: usize = 1;
const TECHNICAL: usize = 2;

struct SiteSpec {
    name: &'static str,
    time_zone: &'static str,
    /// Used when the system has no time-zone database.
    fallback_offset_hours: i8,
    currency: &'static str,
}

const SITES: [SiteSpec; 2] = [
    SiteSpec { name: "Berlin", time_zone: "Europe/Berlin", fallback_offset_hours: 1, currency: "€" },
    SiteSpec { name: "Austin", time_zone: "America/Chicago", fallback_offset_hours: -6, currency: "$" },
];
const BERLIN: usize = 0;
const AUSTIN: usize = 1;

const CHANNELS: [(ChannelKind, &str); 4] = [
    (ChannelKind::Api, DEFAULT_API_CHANNEL),
    (ChannelKind::Email, "email"),
    (ChannelKind::Chat, "chat"),
    (ChannelKind::Whatsapp, "whatsapp"),
];
const API: usize = 0;
const EMAIL: usize = 1;
const CHAT: usize = 2;
const WHATSAPP: usize = 3;

struct Staff {
    name: &'static str,
    email: &'static str,
    role: Role,
    team: Option<usize>,
    site: usize,
    /// How often this person gives good service, 0..1: the desk is deliberately uneven (seed 003 §2).
    quality: f64,
}

const ADMIN: usize = 0;
const STAFF: [Staff; 9] = [
    Staff {
        name: "Dana Whitfield",
        email: DEMO_ADMIN_EMAIL,
        role: Role::Admin,
        team: None,
        site: BERLIN,
        quality: 0.9,
    },
    Staff {
        name: "Miriam Okafor",
        email: "miriam.okafor@demo.rapport.test",
        role: Role::Lead,
        team: Some(BILLING),
        site: BERLIN,
        quality: 0.95,
    },
    Staff {
        name: "Carlos Mendoza",
        email: "carlos.mendoza@demo.rapport.test",
        role: Role::Lead,
        team: Some(TECHNICAL),
        site: AUSTIN,
        quality: 0.9,
    },
    Staff {
        name: "Lena Hoffmann",
        email: "lena.hoffmann@demo.rapport.test",
        role: Role::Agent,
        team: Some(BILLING),
        site: BERLIN,
        quality: 0.92,
    },
    Staff {
        name: "Tyler Brooks",
        email: "tyler.brooks@demo.rapport.test",
        role: Role::Agent,
        team: Some(BILLING),
        site: AUSTIN,
        quality: 0.4,
    },
    Staff {
        name: "Jonas Weber",
        email: "jonas.weber@demo.rapport.test",
        role: Role::Agent,
        team: Some(LOGISTICS),
        site: BERLIN,
        quality: 0.7,
    },
    Staff {
        name: "Ashley Nguyen",
        email: "ashley.nguyen@demo.rapport.test",
        role: Role::Agent,
        team: Some(LOGISTICS),
        site: AUSTIN,
        quality: 0.88,
    },
    Staff {
        name: "Felix Braun",
        email: "felix.braun@demo.rapport.test",
        role: Role::Agent,
        team: Some(TECHNICAL),
        site: BERLIN,
        quality: 0.35,
    },
    Staff {
        name: "Priya Raman",
        email: "priya.raman@demo.rapport.test",
        role: Role::Agent,
        team: Some(TECHNICAL),
        site: AUSTIN,
        quality: 0.8,
    },
];

fn first_name(full: &str) -> &str {
    full.split_whitespace().next().unwrap_or(full)
}

/// The lead a team escalates to.
fn lead_of(team: usize) -> usize {
    if team == TECHNICAL { 2 } else { 1 }
}

/// The agent of `team` working at `site`.
fn agent_at(team: usize, site: usize) -> usize {
    STAFF.iter().position(|s| s.role == Role::Agent && s.team == Some(team) && s.site == site).unwrap_or(lead_of(team))
}

// ---------------------------------------------------------------------------------------------
// The plan: pure, deterministic given the seed and `now`
// ---------------------------------------------------------------------------------------------

const SEED: u64 = 0x5241_5050_4f52_5421;
/// How far back the demo's history reaches.
const HISTORY_DAYS: i64 = 28;
/// Contacts with an ordinary (assigned) conversation; repeat and cross-channel contacts add a second one.
const MAIN_THREADS: usize = 236;
/// Messages of the last hours that nobody has picked up yet.
const FRESH_THREADS: usize = 22;
/// Messages on a channel nobody watches closely.
const IGNORED_THREADS: usize = 7;

#[derive(Debug, Clone)]
struct Customer {
    name: String,
    email: String,
    phone: String,
}

#[derive(Debug, Clone)]
struct Thread {
    id: usize,
    customer: Customer,
    conversations: Vec<ConvPlan>,
}

#[derive(Debug, Clone)]
struct ConvPlan {
    channel: usize,
    team: usize,
    site: usize,
    priority: Priority,
    subject: String,
    events: Vec<Event>,
}

#[derive(Debug, Clone)]
struct Event {
    at: Timestamp,
    kind: EventKind,
}

#[derive(Debug, Clone)]
enum EventKind {
    Customer(String),
    /// Set team, site and priority, and the assignee when given.
    Route {
        assign: Option<usize>,
    },
    Reply {
        agent: usize,
        text: String,
    },
    Note {
        agent: usize,
        text: String,
    },
    Status(Status),
}

/// What kind of story a conversation tells; used for the mix and by the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Story {
    Quick,
    Clarify,
    Recovered,
    Answered,
    Slow,
    Cold,
    ClosedNegative,
    NoUpdate,
    Rude,
    BrokenPromise,
    MoodDrop,
    Canned,
    Repeat,
    CrossChannel,
    Ignored,
    Fresh,
}

impl Story {
    fn is_good(self) -> bool {
        matches!(self, Story::Quick | Story::Clarify | Story::Recovered | Story::Answered)
    }
}

const GOOD_STORIES: [(Story, u32); 4] =
    [(Story::Quick, 30), (Story::Clarify, 30), (Story::Recovered, 20), (Story::Answered, 18)];
const BAD_STORIES: [(Story, u32); 9] = [
    (Story::Slow, 16),
    (Story::Cold, 14),
    (Story::ClosedNegative, 11),
    (Story::NoUpdate, 13),
    (Story::Rude, 10),
    (Story::BrokenPromise, 12),
    (Story::MoodDrop, 10),
    (Story::Canned, 8),
    (Story::Repeat, 10),
];

fn build_plan_with_stories(now: Timestamp) -> Vec<(Thread, Story)> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let zones: Vec<TimeZone> = SITES
        .iter()
        .map(|s| {
            TimeZone::get(s.time_zone).unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(s.fallback_offset_hours)))
        })
        .collect();
    let mut names = NameBook::default();
    let window_start = now - SignedDuration::from_hours(24 * HISTORY_DAYS);
    let mut out = Vec::new();
    let total = MAIN_THREADS + FRESH_THREADS + IGNORED_THREADS;
    for id in 0..total {
        let region = if rng.gen_bool(0.6) { BERLIN } else { AUSTIN };
        let customer = names.next(&mut rng, region);
        let topic = &TOPICS[rng.gen_range(0..TOPICS.len())];
        let kind = if id < MAIN_THREADS {
            None
        } else if id < MAIN_THREADS + FRESH_THREADS {
            Some(Story::Fresh)
        } else {
            Some(Story::Ignored)
        };
        let start = match kind {
            Some(Story::Fresh) => now - SignedDuration::from_mins(rng.gen_range(3..6 * 60)),
            _ => {
                let planned = window_start + SignedDuration::from_mins(rng.gen_range(0..(HISTORY_DAYS - 1) * 24 * 60));
                customer_time(&mut rng, planned, &zones[region])
            }
        };
        let assignee = pick_assignee(&mut rng, topic.team, region);
        let story = match kind {
            Some(story) => story,
            None => {
                // Service got a little worse in the last week, so the trend charts have something to show.
                let recent = now.duration_since(start) < SignedDuration::from_hours(24 * 7);
                let p_good = (0.12 + 0.6 * STAFF[assignee].quality) * if recent { 0.8 } else { 1.0 };
                if rng.gen_bool(0.05) {
                    Story::CrossChannel
                } else if rng.gen_bool(p_good.clamp(0.0, 1.0)) {
                    weighted(&mut rng, &GOOD_STORIES)
                } else {
                    weighted(&mut rng, &BAD_STORIES)
                }
            }
        };
        let channel = match story {
            Story::Ignored => {
                if rng.gen_bool(0.7) {
                    WHATSAPP
                } else {
                    API
                }
            }
            Story::CrossChannel => EMAIL,
            _ => weighted(&mut rng, &[(EMAIL, 40), (CHAT, 30), (WHATSAPP, 20), (API, 10)]),
        };
        let vars = Vars::new(&mut rng, &customer, topic, region, assignee);
        // Replies follow the working hours of the site that handles the conversation.
        let zone = zones[STAFF[assignee].site].clone();
        let variant = rng.gen_range(0..6);
        let mut ctx = Ctx { rng: &mut rng, topic, vars, agent: assignee, zone, variant };
        let mut conversations = Vec::new();

        // Some contacts have an earlier, unrelated conversation: history the agent can see.
        if story != Story::Fresh && rng_bool(&mut ctx, 0.1) {
            let earlier = start - SignedDuration::from_hours(ctx.rng.gen_range(5 * 24..20 * 24));
            if earlier > window_start {
                let other = &TOPICS[ctx.rng.gen_range(0..TOPICS.len())];
                let other_channel = if channel == CHAT { EMAIL } else { CHAT };
                let other_agent = pick_assignee(ctx.rng, other.team, region);
                let vars = Vars::new(ctx.rng, &customer, other, region, other_agent);
                let mut history = Ctx {
                    rng: &mut *ctx.rng,
                    topic: other,
                    vars,
                    agent: other_agent,
                    zone: zones[STAFF[other_agent].site].clone(),
                    variant: ctx.variant + 1,
                };
                let mut b = Builder::new(earlier);
                story_quick(&mut history, &mut b);
                b.close_later(history.rng);
                // Only an earlier conversation that is over (closed) before this one starts; an open one
                // would take the later messages on its channel.
                let closed_before = |c: &ConvPlan| {
                    c.events.last().is_some_and(|e| matches!(e.kind, EventKind::Status(Status::Closed)) && e.at < start)
                };
                conversations.extend(b.finish(&history, other_channel, Priority::Normal, start).filter(closed_before));
            }
        }

        let mut b = Builder::new(start);
        match story {
            Story::Quick => story_quick(&mut ctx, &mut b),
            Story::Clarify => story_clarify(&mut ctx, &mut b),
            Story::Recovered => story_recovered(&mut ctx, &mut b),
            Story::Answered => story_answered(&mut ctx, &mut b),
            Story::Slow => story_slow(&mut ctx, &mut b),
            Story::Cold => story_cold(&mut ctx, &mut b),
            Story::ClosedNegative => story_closed_negative(&mut ctx, &mut b),
            Story::NoUpdate => story_no_update(&mut ctx, &mut b),
            Story::Rude => story_rude(&mut ctx, &mut b),
            Story::BrokenPromise => story_broken_promise(&mut ctx, &mut b),
            Story::MoodDrop => story_mood_drop(&mut ctx, &mut b),
            Story::Canned => story_canned(&mut ctx, &mut b),
            Story::Ignored => story_ignored(&mut ctx, &mut b),
            Story::Fresh => story_fresh(&mut ctx, &mut b),
            Story::Repeat => {
                story_repeat_first(&mut ctx, &mut b);
                let first_end = b.t;
                let first_channel = channel;
                conversations.extend(b.finish(&ctx, first_channel, Priority::Normal, now));
                // The customer comes back days later about the same thing, often on another channel.
                let again = first_end + SignedDuration::from_hours(ctx.rng.gen_range(30..6 * 24));
                let second_channel =
                    if rng_bool(&mut ctx, 0.5) { first_channel } else { other_channel(ctx.rng, first_channel) };
                if rng_bool(&mut ctx, 0.4) {
                    ctx.agent = pick_assignee(ctx.rng, ctx.topic.team, region);
                    ctx.zone = zones[STAFF[ctx.agent].site].clone();
                    ctx.vars.agent = first_name(STAFF[ctx.agent].name).to_owned();
                }
                b = Builder::new(customer_time(ctx.rng, again, &zones[region]));
                story_repeat_second(&mut ctx, &mut b);
                conversations.extend(b.finish(&ctx, second_channel, Priority::High, now));
                out.push((Thread { id, customer, conversations }, story));
                continue;
            }
            Story::CrossChannel => {
                // Email first, nobody answers, the customer tries the chat the next day.
                b.customer(ctx.pick(OPEN_FOR_TOPIC));
                let email_start = b.t;
                let switch = email_start + SignedDuration::from_hours(ctx.rng.gen_range(18..40));
                let mut chat = Builder::new(customer_time(ctx.rng, switch, &zones[region]));
                let switch_channel = if rng_bool(&mut ctx, 0.6) { CHAT } else { WHATSAPP };
                ctx.vars.channel = CHANNELS[switch_channel].1.to_owned();
                story_switched(&mut ctx, &mut chat);
                let chat_end = chat.t;
                if rng_bool(&mut ctx, 0.5) {
                    // Someone finally tidies up the email: a note and a resolve, but no word to the customer there.
                    b.t = chat_end;
                    b.after_business(ctx.rng, 60, 24 * 60, &ctx.zone);
                    b.route(Some(ctx.agent));
                    b.after(ctx.rng, 1, 3);
                    b.note(
                        ctx.agent,
                        ctx.t("Duplicate of the {channel} conversation with {name}, solved there. Closing this one."),
                    );
                    b.after(ctx.rng, 1, 2);
                    b.status(Status::Resolved);
                }
                conversations.extend(b.finish(&ctx, EMAIL, Priority::Normal, now));
                conversations.extend(chat.finish(&ctx, switch_channel, Priority::Normal, now));
                out.push((Thread { id, customer, conversations }, story));
                continue;
            }
        }
        let priority = if b.angry_start { Priority::High } else { Priority::Normal };
        conversations.extend(b.finish(&ctx, channel, priority, now));
        out.push((Thread { id, customer, conversations }, story));
    }
    out.retain(|(t, _)| !t.conversations.is_empty());
    out
}

fn rng_bool(ctx: &mut Ctx<'_>, p: f64) -> bool {
    ctx.rng.gen_bool(p)
}

fn other_channel(rng: &mut StdRng, not: usize) -> usize {
    let options: Vec<usize> = [EMAIL, CHAT, WHATSAPP].into_iter().filter(|c| *c != not).collect();
    options[rng.gen_range(0..options.len())]
}

fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (item, w) in items {
        if roll < *w {
            return *item;
        }
        roll -= w;
    }
    items[items.len() - 1].0
}

/// Mostly the team's agent at the customer's site; sometimes the other site covers, sometimes the lead.
fn pick_assignee(rng: &mut StdRng, team: usize, region: usize) -> usize {
    let roll: f64 = rng.r#gen();
    if roll < 0.06 {
        lead_of(team)
    } else if roll < 0.25 {
        agent_at(team, 1 - region)
    } else {
        agent_at(team, region)
    }
}

/// Customers write at any hour, but mostly in the daytime of where they live.
fn customer_time(rng: &mut StdRng, t: Timestamp, zone: &TimeZone) -> Timestamp {
    let hour = t.to_zoned(zone.clone()).hour();
    if hour < 7 && rng.gen_bool(0.85) {
        t + SignedDuration::from_hours(rng.gen_range(8..12))
    } else if hour >= 22 && rng.gen_bool(0.6) {
        t + SignedDuration::from_hours(rng.gen_range(10..13))
    } else {
        t
    }
}

/// The first moment the desk is working at or after `t`: weekdays 8:00–18:00 in the site's time zone.
fn business_time(t: Timestamp, zone: &TimeZone, jitter_mins: i64) -> Timestamp {
    let local = t.to_zoned(zone.clone());
    let workday = |d: Date| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
    let hour = local.hour();
    if workday(local.date()) && (8..18).contains(&hour) {
        return t;
    }
    let mut day = local.date();
    if hour >= 8 {
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => return t,
        }
    }
    for _ in 0..7 {
        if workday(day) {
            break;
        }
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => return t,
        }
    }
    match day.at(8, 0, 0, 0).to_zoned(zone.clone()) {
        Ok(open) => open.timestamp() + SignedDuration::from_mins(jitter_mins),
        Err(_) => t,
    }
}

/// Customer names: a European and an American pool, with unique email addresses.
#[derive(Default)]
struct NameBook {
    used: std::collections::HashSet<String>,
}

impl NameBook {
    fn next(&mut self, rng: &mut StdRng, region: usize) -> Customer {
        let (first, last) = if region == BERLIN { (EU_FIRST, EU_LAST) } else { (US_FIRST, US_LAST) };
        let f = first[rng.gen_range(0..first.len())];
        let l = last[rng.gen_range(0..last.len())];
        let domain = MAIL_DOMAINS[rng.gen_range(0..MAIL_DOMAINS.len())];
        let base = format!("{}.{}", f.to_lowercase(), l.to_lowercase());
        let mut email = format!("{base}@{domain}");
        let mut n = 2;
        while self.used.contains(&email) {
            email = format!("{base}{n}@{domain}");
            n += 1;
        }
        self.used.insert(email.clone());
        // Phone numbers identify WhatsApp contacts, so no two customers share one.
        let phone = loop {
            let phone = if region == BERLIN {
                format!("+49 151 {:07}", rng.gen_range(1_000_000..9_999_999))
            } else {
                format!("+1 512 {} {:04}", rng.gen_range(200..999), rng.gen_range(0..9_999))
            };
            if self.used.insert(phone.clone()) {
                break phone;
            }
        };
        Customer { name: format!("{f} {l}"), email, phone }
    }
}

/// The values a template's `{placeholders}` take in one conversation.
#[derive(Debug, Clone)]
struct Vars {
    name: String,
    agent: String,
    order: String,
    product: String,
    amount: String,
    invoice: String,
    email: String,
    postcode: String,
    customer_no: String,
    company: String,
    return_no: String,
    vat: String,
    mine: String,
    yours: String,
    dept: String,
    channel: String,
}

impl Vars {
    fn new(rng: &mut StdRng, customer: &Customer, topic: &Topic, region: usize, agent: usize) -> Vars {
        let products = topic.industry.products();
        let product = products[rng.gen_range(0..products.len())].to_owned();
        let cents = [99, 90, 0, 50, 95][rng.gen_range(0..5)];
        let amount =
            format!("{}{}.{cents:02}", SITES[region].currency, [19, 24, 39, 49, 59, 89, 129, 249][rng.gen_range(0..8)]);
        let order = format!("#{}", rng.gen_range(100_000..999_999));
        let postcode = if region == BERLIN {
            format!("{}", rng.gen_range(10_115..14_199))
        } else {
            format!("787{:02}", rng.gen_range(1..60))
        };
        let mut vars = Vars {
            name: first_name(&customer.name).to_owned(),
            agent: first_name(STAFF[agent].name).to_owned(),
            order,
            product,
            amount,
            invoice: format!("INV-{}", rng.gen_range(40_000..99_999)),
            email: customer.email.clone(),
            postcode,
            customer_no: format!("{}", rng.gen_range(2_000_000..8_999_999)),
            company: COMPANIES[rng.gen_range(0..COMPANIES.len())].to_owned(),
            return_no: format!("RT{}", rng.gen_range(10_000_000..99_999_999)),
            vat: if region == BERLIN {
                format!("DE{}", rng.gen_range(100_000_000..999_999_999))
            } else {
                format!("{}-{}", rng.gen_range(10..99), rng.gen_range(1_000_000..9_999_999))
            },
            mine: String::new(),
            yours: String::new(),
            dept: topic.dept.to_owned(),
            channel: "chat".to_owned(),
        };
        vars.mine = vars.fill(topic.mine, "");
        vars.yours = vars.fill(topic.yours, "");
        vars
    }

    fn fill(&self, template: &str, waited: &str) -> String {
        let pairs: [(&str, &str); 18] = [
            ("{mine}", &self.mine),
            ("{yours}", &self.yours),
            ("{name}", &self.name),
            ("{agent}", &self.agent),
            ("{order}", &self.order),
            ("{product}", &self.product),
            ("{amount}", &self.amount),
            ("{invoice}", &self.invoice),
            ("{email}", &self.email),
            ("{postcode}", &self.postcode),
            ("{customer_no}", &self.customer_no),
            ("{company}", &self.company),
            ("{return_no}", &self.return_no),
            ("{vat}", &self.vat),
            ("{dept}", &self.dept),
            ("{channel}", &self.channel),
            ("{waited}", waited),
            ("{ago}", waited),
        ];
        let mut out = template.to_owned();
        for (key, value) in pairs {
            if out.contains(key) {
                out = out.replace(key, value);
            }
        }
        out
    }
}

struct Ctx<'a> {
    rng: &'a mut StdRng,
    topic: &'static Topic,
    vars: Vars,
    /// The assignee (index into [`STAFF`]).
    agent: usize,
    zone: TimeZone,
    /// Which variant of the topic's texts this conversation tells.
    variant: usize,
}

/// Which topic text pool to pick from.
#[derive(Clone, Copy)]
enum Pool {
    Topic(fn(&Topic) -> &'static [&'static str]),
    Shared(&'static [&'static str]),
}

const OPEN_FOR_TOPIC: Pool = Pool::Topic(|t| t.open);
const ANGRY_FOR_TOPIC: Pool = Pool::Topic(|t| t.angry);
const DETAILS_FOR_TOPIC: Pool = Pool::Topic(|t| t.details);
const ASK_FOR_TOPIC: Pool = Pool::Topic(|t| t.ask);
const FIX_FOR_TOPIC: Pool = Pool::Topic(|t| t.fix);
const BLAME_FOR_TOPIC: Pool = Pool::Topic(|t| t.blame);
const NOTE_FOR_TOPIC: Pool = Pool::Topic(|t| t.note);
const REPEAT_FOR_TOPIC: Pool = Pool::Topic(|t| t.repeat);

impl Ctx<'_> {
    fn t(&self, template: &str) -> String {
        self.vars.fill(template, "")
    }

    fn pick(&mut self, pool: Pool) -> String {
        self.pick_with(pool, "")
    }

    fn pick_with(&mut self, pool: Pool, waited: &str) -> String {
        let texts = match pool {
            Pool::Topic(field) => field(self.topic),
            Pool::Shared(texts) => texts,
        };
        let template = match pool {
            Pool::Topic(_) => texts[self.variant % texts.len()],
            Pool::Shared(_) => texts[self.rng.gen_range(0..texts.len())],
        };
        self.vars.fill(template, waited)
    }

    /// An opener and the topic's fix, e.g. "Hi Anna, thanks for your patience. I've refunded …".
    fn answer(&mut self, openers: &'static [&'static str]) -> String {
        let opener = self.pick(Pool::Shared(openers));
        let body = self.pick(FIX_FOR_TOPIC);
        format!("{opener}{body}")
    }

    fn ask(&mut self) -> String {
        let opener = self.pick(Pool::Shared(ASK_OPENERS));
        let body = self.pick(ASK_FOR_TOPIC);
        format!("{opener}{body}")
    }

    fn lead(&self) -> usize {
        lead_of(self.topic.team)
    }

    /// Reply delay in minutes for a good, fast answer on this conversation's channel.
    fn fast(&self, channel_is_chat: bool) -> (i64, i64) {
        if channel_is_chat { (1, 9) } else { (6, 75) }
    }
}

/// Builds one conversation's timeline; every event is later than the one before.
struct Builder {
    t: Timestamp,
    start: Timestamp,
    status: Status,
    events: Vec<Event>,
    angry_start: bool,
    /// Chat and WhatsApp customers expect answers in minutes, email in an hour or so.
    chatty: bool,
}

impl Builder {
    fn new(start: Timestamp) -> Builder {
        Builder { t: start, start, status: Status::Open, events: Vec::new(), angry_start: false, chatty: false }
    }

    fn push(&mut self, kind: EventKind) {
        // Strictly increasing, even for two things done "at once".
        if let Some(last) = self.events.last()
            && self.t <= last.at
        {
            self.t = last.at + SignedDuration::from_secs(20);
        }
        self.events.push(Event { at: self.t, kind });
    }

    fn after(&mut self, rng: &mut StdRng, min_mins: i64, max_mins: i64) {
        self.t += SignedDuration::from_mins(rng.gen_range(min_mins..=max_mins.max(min_mins)));
        // Distinct, increasing times even for events planned "at once".
        self.t += SignedDuration::from_secs(rng.gen_range(5..55));
    }

    /// Advance, then wait for the site's business hours if the desk is closed.
    fn after_business(&mut self, rng: &mut StdRng, min_mins: i64, max_mins: i64, zone: &TimeZone) {
        self.after(rng, min_mins, max_mins);
        self.t = business_time(self.t, zone, rng.gen_range(3..50));
    }

    fn customer(&mut self, text: String) {
        self.push(EventKind::Customer(text));
        self.status = self.status.on_customer_message();
    }

    fn route(&mut self, assign: Option<usize>) {
        self.push(EventKind::Route { assign });
    }

    fn reply(&mut self, agent: usize, text: String) {
        self.push(EventKind::Reply { agent, text });
    }

    fn note(&mut self, agent: usize, text: String) {
        self.push(EventKind::Note { agent, text });
    }

    fn status(&mut self, to: Status) {
        if self.status.transition(to).is_ok() {
            self.push(EventKind::Status(to));
            self.status = to;
        }
    }

    /// How long the customer has been waiting, in words.
    fn waited(&self) -> &'static str {
        waited_phrase(self.t.duration_since(self.start))
    }

    fn resolve_soon(&mut self, rng: &mut StdRng) {
        self.after(rng, 1, 4);
        self.status(Status::Resolved);
    }

    /// Most resolved conversations are closed a day or three later.
    fn close_later(&mut self, rng: &mut StdRng) {
        if self.status == Status::Resolved {
            self.after(rng, 20 * 60, 3 * 24 * 60);
            self.status(Status::Closed);
        }
    }

    /// The conversation as far as it has happened by `until` (events later than that are dropped).
    fn finish(self, ctx: &Ctx<'_>, channel: usize, priority: Priority, until: Timestamp) -> Option<ConvPlan> {
        let cutoff = until - SignedDuration::from_secs(30);
        let events: Vec<Event> = self.events.into_iter().take_while(|e| e.at <= cutoff).collect();
        if events.is_empty() {
            return None;
        }
        let subject = ctx.vars.fill(ctx.topic.subject, "");
        Some(ConvPlan { channel, team: ctx.topic.team, site: STAFF[ctx.agent].site, priority, subject, events })
    }
}

fn waited_phrase(d: SignedDuration) -> &'static str {
    let hours = d.as_hours();
    match hours {
        ..=20 => "for hours",
        21..=40 => "since yesterday",
        41..=60 => "for two days",
        61..=84 => "for three days",
        85..=108 => "for four days",
        109..=132 => "for five days",
        133..=170 => "for almost a week",
        _ => "for over a week",
    }
}

fn ago_phrase(d: SignedDuration) -> &'static str {
    match d.as_hours() {
        ..=36 => "yesterday",
        37..=60 => "two days ago",
        61..=84 => "three days ago",
        85..=108 => "four days ago",
        109..=132 => "five days ago",
        133..=170 => "almost a week ago",
        _ => "over a week ago",
    }
}

// ---------------------------------------------------------------------------------------------
// Stories: each writes one conversation into the builder
// ---------------------------------------------------------------------------------------------

/// Open, routed a few minutes later to the assignee.
fn opening(ctx: &mut Ctx<'_>, b: &mut Builder, chatty: bool, angry: bool) {
    b.chatty = chatty;
    b.angry_start = angry;
    let text = if angry { ctx.pick(ANGRY_FOR_TOPIC) } else { ctx.pick(OPEN_FOR_TOPIC) };
    b.customer(text);
    b.after(ctx.rng, 0, 4);
    b.route(Some(ctx.agent));
}

fn fast_reply(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let (lo, hi) = ctx.fast(b.chatty);
    b.after_business(ctx.rng, lo, hi, &ctx.zone);
}

/// The happy ending: thanks (usually), a kind last word (sometimes), resolved, later closed.
fn happy_ending(ctx: &mut Ctx<'_>, b: &mut Builder, thanks: Pool) {
    if ctx.rng.gen_bool(0.8) {
        b.after(ctx.rng, 3, 5 * 60);
        b.customer(ctx.pick(thanks));
        if ctx.rng.gen_bool(0.5) {
            fast_reply(ctx, b);
            let text = ctx.pick(Pool::Shared(AGENT_CLOSINGS));
            b.reply(ctx.agent, text);
        }
    }
    b.resolve_soon(ctx.rng);
    if ctx.rng.gen_bool(0.75) {
        b.close_later(ctx.rng);
    }
}

fn is_chatty(ctx: &mut Ctx<'_>) -> bool {
    ctx.rng.gen_bool(0.45)
}

fn story_quick(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    fast_reply(ctx, b);
    let text = ctx.answer(WARM_OPENERS);
    b.reply(ctx.agent, text);
    happy_ending(ctx, b, Pool::Shared(CUSTOMER_THANKS));
}

fn story_clarify(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    fast_reply(ctx, b);
    let text = ctx.ask();
    b.reply(ctx.agent, text);
    b.after(ctx.rng, 0, 2);
    b.status(Status::Pending);
    b.after(ctx.rng, 4, 8 * 60);
    b.customer(ctx.pick(DETAILS_FOR_TOPIC));
    if ctx.rng.gen_bool(0.25) {
        b.after(ctx.rng, 2, 20);
        let text = ctx.pick(NOTE_FOR_TOPIC);
        b.note(ctx.agent, text);
    }
    fast_reply(ctx, b);
    let text = ctx.answer(THANKS_OPENERS);
    b.reply(ctx.agent, text);
    happy_ending(ctx, b, Pool::Shared(CUSTOMER_THANKS));
}

fn story_recovered(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, true);
    if ctx.rng.gen_bool(0.3) {
        b.after(ctx.rng, 1, 5);
        b.note(ctx.agent, ctx.pick(Pool::Shared(NOTES_UPSET)));
    }
    fast_reply(ctx, b);
    let text = ctx.answer(EMPATHY_OPENERS);
    b.reply(ctx.agent, text);
    happy_ending(ctx, b, Pool::Shared(CUSTOMER_RELIEVED));
}

fn story_answered(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    fast_reply(ctx, b);
    let text = ctx.answer(WARM_OPENERS);
    b.reply(ctx.agent, text);
    b.resolve_soon(ctx.rng);
    b.close_later(ctx.rng);
}

/// The first answer comes days late; sometimes with an apology, sometimes without.
fn story_slow(ctx: &mut Ctx<'_>, b: &mut Builder) {
    opening(ctx, b, false, false);
    if ctx.rng.gen_bool(0.6) {
        b.after(ctx.rng, 20 * 60, 36 * 60);
        let waited = b.waited();
        b.customer(ctx.pick_with(Pool::Shared(CHASE), waited));
    }
    b.after_business(ctx.rng, 24 * 60, 3 * 24 * 60, &ctx.zone);
    let openers = if ctx.rng.gen_bool(0.5) { LATE_OPENERS } else { PLAIN_OPENERS };
    let text = ctx.answer(openers);
    b.reply(ctx.agent, text);
    if ctx.rng.gen_bool(0.65) {
        b.after(ctx.rng, 10, 6 * 60);
        let waited = waited_phrase(b.t.duration_since(b.start));
        b.customer(ctx.pick_with(Pool::Shared(CUSTOMER_SLOW_FINALLY), waited));
    }
    b.resolve_soon(ctx.rng);
    if ctx.rng.gen_bool(0.6) {
        b.close_later(ctx.rng);
    }
}

/// An angry customer gets a cold, policy-quoting answer, gets angrier, and the ticket is closed anyway.
fn story_cold(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, true);
    b.after_business(ctx.rng, 30, 5 * 60, &ctx.zone);
    let text = ctx.pick(Pool::Shared(AGENT_COLD));
    b.reply(ctx.agent, text);
    b.after(ctx.rng, 5, 4 * 60);
    let waited = b.waited();
    b.customer(ctx.pick_with(Pool::Shared(CUSTOMER_AFTER_COLD), waited));
    if ctx.rng.gen_bool(0.5) {
        b.after_business(ctx.rng, 30, 6 * 60, &ctx.zone);
        let text = ctx.pick(Pool::Shared(AGENT_COLD_AGAIN));
        b.reply(ctx.agent, text);
    } else {
        b.after_business(ctx.rng, 60, 8 * 60, &ctx.zone);
    }
    b.status(Status::Resolved);
    if ctx.rng.gen_bool(0.6) {
        b.close_later(ctx.rng);
    }
}

/// A half-fix, the customer says it is not solved, and the desk resolves it regardless.
fn story_closed_negative(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    fast_reply(ctx, b);
    let text = ctx.ask();
    b.reply(ctx.agent, text);
    b.after(ctx.rng, 0, 2);
    b.status(Status::Pending);
    b.after(ctx.rng, 20, 10 * 60);
    b.customer(ctx.pick(DETAILS_FOR_TOPIC));
    b.after_business(ctx.rng, 60, 10 * 60, &ctx.zone);
    let text = ctx.pick(Pool::Shared(AGENT_SHALLOW_FIX));
    b.reply(ctx.agent, text);
    b.resolve_soon(ctx.rng);
    b.after(ctx.rng, 60, 20 * 60);
    b.customer(ctx.pick(Pool::Shared(CUSTOMER_STILL_NEGATIVE)));
    b.after_business(ctx.rng, 10, 3 * 60, &ctx.zone);
    b.status(Status::Resolved);
    b.close_later(ctx.rng);
}

/// An acknowledgement, then silence: the customer asks for news and nobody answers.
fn story_no_update(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    fast_reply(ctx, b);
    let text = ctx.pick(Pool::Shared(AGENT_LOOKING_INTO_IT));
    b.reply(ctx.agent, text);
    b.after(ctx.rng, 0, 3);
    b.status(Status::Pending);
    b.after(ctx.rng, 24 * 60, 3 * 24 * 60);
    let waited = b.waited();
    b.customer(ctx.pick_with(Pool::Shared(CHASE), waited));
    if ctx.rng.gen_bool(0.5) {
        b.after(ctx.rng, 24 * 60, 2 * 24 * 60);
        let waited = b.waited();
        b.customer(ctx.pick_with(Pool::Shared(CHASE_ANGRY), waited));
    }
}

/// A blaming reply; sometimes the lead steps in and recovers, sometimes nobody does.
fn story_rude(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    let angry = ctx.rng.gen_bool(0.4);
    opening(ctx, b, chatty, angry);
    b.after_business(ctx.rng, 10, 3 * 60, &ctx.zone);
    let text = ctx.pick(BLAME_FOR_TOPIC);
    b.reply(ctx.agent, text);
    b.after(ctx.rng, 3, 2 * 60);
    b.customer(ctx.pick(Pool::Shared(CUSTOMER_AFTER_BLAME)));
    let lead = ctx.lead();
    if ctx.rng.gen_bool(0.5) && lead != ctx.agent {
        b.after_business(ctx.rng, 20, 5 * 60, &ctx.zone);
        let who = first_name(STAFF[ctx.agent].name).to_owned();
        b.route(Some(lead));
        b.after(ctx.rng, 0, 1);
        b.note(lead, ctx.pick(Pool::Shared(LEAD_COACHING_NOTES)).replace("{colleague}", &who));
        b.after(ctx.rng, 2, 15);
        let opener = ctx.pick(Pool::Shared(LEAD_OPENERS)).replace("{lead}", first_name(STAFF[lead].name));
        let body = ctx.pick(FIX_FOR_TOPIC);
        b.reply(lead, format!("{opener}{body}"));
        ctx.vars.agent = first_name(STAFF[lead].name).to_owned();
        if ctx.rng.gen_bool(0.7) {
            b.after(ctx.rng, 10, 4 * 60);
            b.customer(ctx.pick(Pool::Shared(CUSTOMER_RELIEVED)));
        }
        b.resolve_soon(ctx.rng);
        b.close_later(ctx.rng);
    } else {
        b.after_business(ctx.rng, 30, 6 * 60, &ctx.zone);
        let text = ctx.pick(Pool::Shared(AGENT_DISMISSIVE));
        b.reply(ctx.agent, text);
        b.resolve_soon(ctx.rng);
        if ctx.rng.gen_bool(0.5) {
            b.close_later(ctx.rng);
        }
    }
}

/// "I'll get back to you tomorrow" — and then nothing, until the customer chases.
fn story_broken_promise(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    fast_reply(ctx, b);
    let text = ctx.pick(Pool::Shared(AGENT_PROMISES));
    b.reply(ctx.agent, text);
    let promised_at = b.t;
    b.after(ctx.rng, 0, 2);
    b.status(Status::Pending);
    if ctx.rng.gen_bool(0.4) {
        b.after(ctx.rng, 5, 60);
        let text = ctx.pick(NOTE_FOR_TOPIC);
        b.note(ctx.agent, text);
    }
    b.after(ctx.rng, 2 * 24 * 60, 4 * 24 * 60);
    let ago = ago_phrase(b.t.duration_since(promised_at));
    b.customer(ctx.pick_with(Pool::Shared(CUSTOMER_PROMISE_BROKEN), ago));
    if ctx.rng.gen_bool(0.5) {
        b.after_business(ctx.rng, 6 * 60, 30 * 60, &ctx.zone);
        let text = ctx.answer(LATE_OPENERS);
        b.reply(ctx.agent, text);
        b.resolve_soon(ctx.rng);
        b.close_later(ctx.rng);
    }
}

/// Calm at first; asked to repeat everything, the customer's mood drops sharply.
fn story_mood_drop(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    fast_reply(ctx, b);
    let text = ctx.ask();
    b.reply(ctx.agent, text);
    b.after(ctx.rng, 0, 2);
    b.status(Status::Pending);
    b.after(ctx.rng, 5, 6 * 60);
    b.customer(ctx.pick(DETAILS_FOR_TOPIC));
    b.after_business(ctx.rng, 2 * 60, 20 * 60, &ctx.zone);
    let text = ctx.pick(Pool::Shared(AGENT_REPEAT_ASK));
    b.reply(ctx.agent, text);
    b.after(ctx.rng, 3, 90);
    b.customer(ctx.pick(Pool::Shared(CUSTOMER_REPEAT_ANGRY)));
    if ctx.rng.gen_bool(0.6) {
        fast_reply(ctx, b);
        let text = ctx.answer(EMPATHY_OPENERS);
        b.reply(ctx.agent, text);
        if ctx.rng.gen_bool(0.6) {
            b.after(ctx.rng, 10, 5 * 60);
            b.customer(ctx.pick(Pool::Shared(CUSTOMER_GRUDGING)));
        }
        b.resolve_soon(ctx.rng);
        b.close_later(ctx.rng);
    }
}

/// A canned, impersonal answer that ignores the question.
fn story_canned(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    b.after(ctx.rng, 2, 30);
    let text = ctx.pick(Pool::Shared(AGENT_CANNED));
    b.reply(ctx.agent, text);
    b.after(ctx.rng, 60, 8 * 60);
    b.customer(ctx.pick(Pool::Shared(CUSTOMER_AFTER_CANNED)));
    if ctx.rng.gen_bool(0.6) {
        b.after_business(ctx.rng, 4 * 60, 24 * 60, &ctx.zone);
        let text = ctx.answer(PLAIN_OPENERS);
        b.reply(ctx.agent, text);
        b.resolve_soon(ctx.rng);
        b.close_later(ctx.rng);
    }
}

/// First contact: a quick "should be fixed now", resolved and closed, but the fix did not hold.
fn story_repeat_first(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let chatty = is_chatty(ctx);
    opening(ctx, b, chatty, false);
    fast_reply(ctx, b);
    let text = ctx.pick(Pool::Shared(AGENT_SHALLOW_FIX));
    b.reply(ctx.agent, text);
    b.resolve_soon(ctx.rng);
    b.after(ctx.rng, 12 * 60, 30 * 60);
    b.status(Status::Closed);
}

/// The customer is back about the same issue; the desk recovers or makes it worse.
fn story_repeat_second(ctx: &mut Ctx<'_>, b: &mut Builder) {
    b.angry_start = true;
    b.customer(ctx.pick(REPEAT_FOR_TOPIC));
    b.after(ctx.rng, 0, 5);
    b.route(Some(ctx.agent));
    if ctx.rng.gen_bool(0.55) {
        fast_reply(ctx, b);
        let text = ctx.answer(REPEAT_OPENERS);
        b.reply(ctx.agent, text);
        happy_ending(ctx, b, Pool::Shared(CUSTOMER_RELIEVED));
    } else {
        b.after_business(ctx.rng, 3 * 60, 30 * 60, &ctx.zone);
        let text = ctx.pick(Pool::Shared(AGENT_COLD));
        b.reply(ctx.agent, text);
        b.after(ctx.rng, 10, 5 * 60);
        let waited = b.waited();
        b.customer(ctx.pick_with(Pool::Shared(CUSTOMER_AFTER_COLD), waited));
    }
}

/// The same customer on chat or WhatsApp after their email went unanswered.
fn story_switched(ctx: &mut Ctx<'_>, b: &mut Builder) {
    b.chatty = true;
    b.customer(ctx.pick(Pool::Shared(CUSTOMER_SWITCHED)));
    b.after(ctx.rng, 0, 3);
    b.route(Some(ctx.agent));
    fast_reply(ctx, b);
    let opener = ctx.pick(Pool::Shared(SWITCHED_OPENERS));
    let body = ctx.pick(FIX_FOR_TOPIC);
    b.reply(ctx.agent, format!("{opener}{body}"));
    happy_ending(ctx, b, Pool::Shared(CUSTOMER_THANKS));
}

/// A message on a channel nobody watches: never routed, never answered.
fn story_ignored(ctx: &mut Ctx<'_>, b: &mut Builder) {
    b.customer(ctx.pick(OPEN_FOR_TOPIC));
    if ctx.rng.gen_bool(0.6) {
        b.after(ctx.rng, 20 * 60, 3 * 24 * 60);
        let waited = b.waited();
        b.customer(ctx.pick_with(Pool::Shared(CHASE), waited));
    }
}

/// Arrived in the last hours and nobody has picked it up yet.
fn story_fresh(ctx: &mut Ctx<'_>, b: &mut Builder) {
    let angry = ctx.rng.gen_bool(0.3);
    b.angry_start = angry;
    let text = if angry { ctx.pick(ANGRY_FOR_TOPIC) } else { ctx.pick(OPEN_FOR_TOPIC) };
    b.customer(text);
    if ctx.rng.gen_bool(0.5) {
        // Routed to the team by the rules, but no one has taken it.
        b.after(ctx.rng, 0, 2);
        b.route(None);
    }
    if ctx.rng.gen_bool(0.3) {
        b.after(ctx.rng, 40, 2 * 60);
        let waited = b.waited();
        b.customer(ctx.pick_with(Pool::Shared(CHASE), waited));
    }
}

// ---------------------------------------------------------------------------------------------
// Topics
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Industry {
    Shop,
    Telecom,
    Software,
}

impl Industry {
    fn products(self) -> &'static [&'static str] {
        match self {
            Industry::Shop => &[
                "coffee grinder",
                "pair of running shoes",
                "standing desk",
                "winter jacket",
                "blender",
                "set of wireless headphones",
                "robot vacuum",
                "desk lamp",
                "backpack",
                "cast-iron pan",
            ],
            Industry::Telecom => {
                &["Fibre 250 contract", "Unlimited 5G plan", "Family mobile plan", "Fibre 100 contract"]
            }
            Industry::Software => &["Pro subscription", "Team plan", "Business plan", "Starter plan"],
        }
    }
}

/// One kind of customer issue, with the texts its conversations use.
#[derive(Debug)]
struct Topic {
    industry: Industry,
    team: usize,
    subject: &'static str,
    /// The customer's words for the issue ("my refund") and the agent's ("your refund").
    mine: &'static str,
    yours: &'static str,
    /// Who the agent checks with.
    dept: &'static str,
    open: &'static [&'static str],
    angry: &'static [&'static str],
    details: &'static [&'static str],
    /// Agent asks for what they need (an opener is put before it).
    ask: &'static [&'static str],
    /// Agent fixes it (an opener is put before it).
    fix: &'static [&'static str],
    blame: &'static [&'static str],
    note: &'static [&'static str],
    /// The customer is back because the first fix did not hold.
    repeat: &'static [&'static str],
}

/// Topic texts come in variants: the `i`-th entry of `open`, `angry`, `details`, `ask`, `fix` and `repeat`
/// tell the same story, so one conversation stays on one issue. A list with one entry fits every variant.
const TOPICS: [Topic; 12] = [
    Topic {
        industry: Industry::Shop,
        team: LOGISTICS,
        subject: "Order {order} hasn't arrived",
        mine: "my order {order}",
        yours: "your order {order}",
        dept: "the courier",
        open: &[
            "Hi, I ordered a {product} last week (order {order}) and the tracking hasn't changed for four days. Could you check where it is?",
            "Hello, my order {order} was supposed to arrive yesterday but nothing has shown up. Can you tell me what's going on?",
            "Hi there, the tracking for order {order} still says 'label created'. When will my {product} ship?",
        ],
        angry: &[
            "Where is my order {order}?! The tracking hasn't moved for a week, nobody answers, and I needed the {product} for this weekend. This is unacceptable.",
            "Third time I'm writing about order {order}. It should have arrived days ago. Still no {product}, still no answer. I'm furious.",
            "Order {order} STILL hasn't shipped after ten days. Why take my money if you don't have the {product}? Really poor.",
        ],
        details: &[
            "The delivery address on the order is correct, and someone was home all day.",
            "The order number is {order}. I paid by card and got the confirmation email, but nothing since.",
        ],
        ask: &[
            "Could you confirm the delivery address on the order, so I can chase the courier?",
            "Could you send me the email address you ordered with? I can't find {order} under this one.",
        ],
        fix: &[
            "I checked with the courier: the parcel was stuck at the depot and goes out for delivery tomorrow morning. I've also refunded your shipping cost.",
            "I found your parcel: it was mislabelled at the depot, so I've sent a replacement {product} by express today. You'll get the tracking link by email within the hour.",
            "Your {product} was held back by a stock mistake on our side. It shipped this morning with next-day delivery, and I've added a 10% voucher to your account for the wait.",
        ],
        blame: &[
            "The courier handles deliveries, not us. You'll have to wait like everyone else.",
            "You should have chosen express shipping if you needed it by a certain date.",
        ],
        note: &[
            "Courier confirms the parcel for {order} is stuck at the regional hub. Asked for a trace.",
            "Warehouse says {order} was never picked. Chasing them now.",
        ],
        repeat: &[
            "I'm writing again about order {order}. Last week I was told it would arrive the next day. It still hasn't. I'm really annoyed now.",
            "Still no {product}. You closed my ticket and said it was on its way, but the tracking hasn't moved since. This is ridiculous.",
        ],
    },
    Topic {
        industry: Industry::Shop,
        team: LOGISTICS,
        subject: "Damaged {product}",
        mine: "the broken {product}",
        yours: "the damaged {product}",
        dept: "our warehouse",
        open: &[
            "Hi, my {product} arrived today but the box was crushed and the {product} is damaged. Order {order}. What should I do?",
            "Hello, unfortunately the {product} from order {order} arrived broken. Can I get a replacement?",
        ],
        angry: &[
            "The {product} I received is broken. Damaged right out of the box. I paid {amount} for this and I'm really disappointed.",
            "Second damaged {product} in a row! Do you even pack these things? I'm so fed up with this.",
        ],
        details: &[
            "I've attached three photos of the box and the damage. The order number is {order}.",
            "Here are the photos. The outer box was dented on one corner and the {product} inside is scratched and bent.",
        ],
        ask: &[
            "Could you send me a photo of the damage and of the box? Then I can arrange a replacement right away.",
            "Could you send me a couple of photos of the damage? That's all I need to get a new {product} on its way.",
        ],
        fix: &[
            "A replacement {product} ships today by express, and here is a prepaid return label for the damaged one — no cost to you.",
            "I've sent a new {product} from our other warehouse, which arrives in two days. Please keep or recycle the damaged one, no need to return it.",
            "I've issued a full refund of {amount}; you don't need to send the damaged {product} back.",
        ],
        blame: &[
            "Items are checked before dispatch, so the damage must have happened after delivery. We can't accept responsibility for that.",
            "You should have refused the parcel if the box was damaged. Now it's too late.",
        ],
        note: &["Third damaged {product} this week from the same batch. Flagging to the warehouse lead."],
        repeat: &[
            "The replacement {product} arrived damaged too. Same problem as last time. I'm losing my patience with this.",
            "I'm writing again because the new {product} you sent is broken as well. How is this possible?",
        ],
    },
    Topic {
        industry: Industry::Shop,
        team: LOGISTICS,
        subject: "Wrong item in order {order}",
        mine: "the wrong item in order {order}",
        yours: "the mix-up with order {order}",
        dept: "our warehouse",
        open: &[
            "Hi, I ordered a {product} but received a pair of children's shoes instead (order {order}). How do I exchange it?",
            "Hello, the parcel for order {order} contained someone else's items. My {product} wasn't in it. Could you help?",
        ],
        angry: &[
            "You sent me the wrong item AGAIN. I ordered a {product}, not children's shoes. Do you check anything before shipping?",
            "Wrong items in order {order} — somebody else's things — and I've been waiting days for an answer. Terrible.",
        ],
        details: &[
            "The packing slip says {order}, but the item inside is a different product in a different colour.",
            "I still have everything in the original packaging. The label on the items doesn't match my order.",
        ],
        ask: &[
            "Could you send me a photo of the item you received and of the packing slip? Then I'll sort out the exchange.",
            "Could you tell me what's printed on the label of the items you received? That helps me trace the mix-up.",
        ],
        fix: &[
            "The correct {product} ships today by express. A courier will pick up the wrong item at your door on Thursday — you don't need to print anything.",
            "I've sent the right {product} and a prepaid return label for the other items. Sorry for the mix-up!",
        ],
        blame: &["The item matches what was ordered in our system. Please check your order before contacting us."],
        note: &["Picking error at the warehouse — two orders swapped. Both customers affected."],
        repeat: &[
            "It's me again about order {order}. The exchange you promised never happened and I still have the wrong item. I'm really frustrated.",
        ],
    },
    Topic {
        industry: Industry::Shop,
        team: BILLING,
        subject: "Refund for order {order}",
        mine: "my refund",
        yours: "your refund",
        dept: "our payments team",
        open: &[
            "Hi, I returned the {product} from order {order} two weeks ago and the tracking shows you received it, but I still haven't got my refund of {amount}. Could you check?",
            "Hello, could you tell me when I'll get the refund for my returned {product}? It's been ten days since you received it.",
        ],
        angry: &[
            "I returned my {product} almost a month ago and I am STILL waiting for my {amount}. This is the third time I'm writing. I'm furious.",
            "Where is my refund? You've had my return for weeks. This is theft, plain and simple.",
        ],
        details: &[
            "I sent it back with your prepaid label; the return tracking number is {return_no}.",
            "I paid with my credit card. The return number is {return_no}.",
        ],
        ask: &[
            "Could you send me the return tracking number, so I can match it with our warehouse records?",
            "Could you tell me which payment method you used? Then I can trace the refund.",
        ],
        fix: &[
            "I found your return — it hadn't been booked in correctly. I've just processed the refund of {amount}; it should reach your card within three to five business days.",
            "The refund of {amount} went out today. You'll get a confirmation email in a few minutes, and I've added a small voucher for the wait.",
        ],
        blame: &[
            "Refunds take up to 30 days as stated in our terms. You should have read them before ordering.",
            "We only refund returns in their original packaging. That's on you, not us.",
        ],
        note: &[
            "Return for {order} arrived but was never booked in. Refund needs lead approval above my limit.",
            "Payments team says the refund for {order} failed because the card expired. Need to offer a bank transfer.",
        ],
        repeat: &[
            "I was told last week my refund of {amount} was on its way. Nothing has arrived. I'm writing again and I'm really annoyed.",
            "Still no refund. You closed the ticket but the money isn't there. This is unacceptable.",
        ],
    },
    Topic {
        industry: Industry::Telecom,
        team: BILLING,
        subject: "Charged twice this month",
        mine: "the double charge",
        yours: "the double charge",
        dept: "our billing team",
        open: &[
            "Hello, I've been charged {amount} twice for my {product} this month. Could you refund the duplicate payment?",
            "Hi, my bank statement shows two payments of {amount} for my {product} on the same day. Is that a mistake?",
        ],
        angry: &[
            "You charged me twice AGAIN. This is the second month in a row. I want my money back today.",
            "Two charges of {amount} and my rent is due. I'm angry and stressed. Fix this now.",
        ],
        details: &[
            "My customer number is {customer_no}, and both payments came from the card ending 4417.",
            "The invoice number is {invoice}. Both debits are {amount}, on the same day.",
        ],
        ask: &[
            "Could you tell me your customer number and the last four digits of the card, so I can find both payments?",
            "Could you send me the invoice number from your latest bill? Then I can check both payments.",
        ],
        fix: &[
            "You're absolutely right: our billing run charged you twice. I've refunded the duplicate {amount} and added a month's credit to your account for the trouble.",
            "I've reversed the second payment of {amount}; it will be back on your account in two to three days. I've also made sure it won't happen again next month.",
        ],
        blame: &[
            "Our system doesn't charge twice. You probably signed up twice with two email addresses.",
            "Please check your own bank statement properly before contacting us.",
        ],
        note: &["Duplicate charge confirmed in the payment log. Refund issued, bug report raised with billing."],
        repeat: &[
            "I've been charged twice again this month, even though you told me it was fixed. I'm really fed up.",
            "Same problem as last time — two charges of {amount}. Your fix didn't work.",
        ],
    },
    Topic {
        industry: Industry::Software,
        team: BILLING,
        subject: "Invoices for our {product}",
        mine: "our invoices",
        yours: "your invoices",
        dept: "our accounting team",
        open: &[
            "Hi, could you reissue invoice {invoice} with our company's VAT number on it? Our accountant needs it for the quarter.",
            "Hello, where can I download the invoices for our {product}? I can't find them in the account settings.",
        ],
        angry: &[
            "I've asked for a correct invoice three times now. Our accountant is chasing me and you keep sending the same one without our VAT number. Very frustrating.",
            "I still can't find a single invoice in your portal and our accountant needs them today. Third time asking. I'm losing my patience.",
        ],
        details: &[
            "Our VAT number is {vat} and the company name is {company}.",
            "I'm an admin on the account but not the owner. The company is {company}.",
        ],
        ask: &[
            "Could you send me the VAT number and the exact company name you'd like on the invoice?",
            "Could you tell me whether you're the owner of the account? Only owners see invoices by default, which may be why they're hidden.",
        ],
        fix: &[
            "Here's the corrected invoice {invoice} with your VAT number. From now on, every invoice for {company} will include it automatically.",
            "Only the account owner could see invoices, so I've given admins access too. You'll find all of them under Settings → Billing → Invoices now, and I've turned on invoice emails as well.",
        ],
        blame: &["The VAT number field is on the checkout page. You should have filled it in when you subscribed."],
        note: &["Invoice template drops the VAT number for annual plans. Reported to accounting."],
        repeat: &[
            "The invoice you sent last week still doesn't show our VAT number. I'm asking again and I'm getting annoyed.",
            "I still can't see the invoices, even though you said you'd given me access. I'm asking again and I'm getting annoyed.",
        ],
    },
    Topic {
        industry: Industry::Telecom,
        team: BILLING,
        subject: "Cancel my contract",
        mine: "my cancellation",
        yours: "your cancellation",
        dept: "our contracts team",
        open: &[
            "Hi, I'm moving abroad next month and would like to cancel my {product}. What do I need to do?",
            "Hello, I'd like to cancel my {product} at the end of the contract term. Can you confirm the date?",
        ],
        angry: &[
            "I told you weeks ago that I'm moving abroad and need to cancel my {product}. Nobody has replied and I'm furious.",
            "I asked to cancel at the end of my term and you renewed my {product} anyway. This is a disgrace.",
        ],
        details: &[
            "My customer number is {customer_no}. I'm moving on the 30th, so the contract should end then.",
            "My customer number is {customer_no}; the contract started in March two years ago.",
        ],
        ask: &[
            "Could you confirm your customer number and the date you'd like the contract to end?",
            "Could you tell me your customer number? Then I'll check your contract term.",
        ],
        fix: &[
            "Done: your {product} ends on the last day of the month, with no early-termination fee since you're moving abroad. You'll get a written confirmation by email today.",
            "Your {product} ends at the end of its minimum term on the 31st, with no renewal. The written confirmation is in your inbox.",
        ],
        blame: &["You signed a 24-month contract. If you didn't want it, you shouldn't have signed it."],
        note: &["Cancellation request was lost in the old web form. Backdating it to the original date."],
        repeat: &[
            "You confirmed my cancellation, but another {amount} came off my account today. I'm writing again and I'm furious.",
        ],
    },
    Topic {
        industry: Industry::Software,
        team: TECHNICAL,
        subject: "Can't log in",
        mine: "the login problem",
        yours: "the login problem",
        dept: "our engineers",
        open: &[
            "Hi, since yesterday I can't log in to my account. The password reset email never arrives. Can you help?",
            "Hello, the app keeps saying my two-factor code is invalid, even though I type it straight from the authenticator. I'm locked out.",
        ],
        angry: &[
            "I've been locked out of my account for three days because your reset email never arrives. My whole team can't work and nobody has answered. This is a disaster.",
            "Your two-factor login is broken AGAIN. I pay for a {product} and can't even get in. Absolutely useless.",
        ],
        details: &[
            "I log in with {email}. I checked the spam folder too, and I'm on the latest version of Chrome.",
            "It's {email}. The codes fail on my phone and on my tablet.",
        ],
        ask: &[
            "Which email address do you log in with, and which browser are you using?",
            "Could you tell me the email on the account and which devices you've tried?",
        ],
        fix: &[
            "Our mail provider was blocking reset emails to your domain; I've fixed that and sent a new reset link. It's valid for one hour — let me know if it doesn't arrive.",
            "Your authenticator's clock was out of sync with our servers. I've reset two-factor on your account, so you can log in with your password and set it up again in a minute.",
        ],
        blame: &["The login works for everyone else. Please make sure you type your details correctly."],
        note: &["Several reset emails bounced for this domain today. Raised with the infrastructure team."],
        repeat: &["I'm locked out again, same as last week. You said it was fixed. I really need this to work."],
    },
    Topic {
        industry: Industry::Telecom,
        team: TECHNICAL,
        subject: "Internet down",
        mine: "my internet connection",
        yours: "your connection",
        dept: "our network team",
        open: &[
            "Hi, my internet has been down since this morning. The router's light is blinking red. Is there an outage in my area?",
            "Hello, my connection keeps dropping every few minutes since the weekend. Could you check the line?",
        ],
        angry: &[
            "My internet has been down for three days. I work from home and I'm losing money. I've called twice and nothing happened. Absolutely useless.",
            "My connection drops every few minutes, AGAIN. This is the fourth time this month. I'm paying for a {product} that doesn't work.",
        ],
        details: &[
            "I've restarted the router twice and checked all the cables. My postcode is {postcode}.",
            "The postcode is {postcode}. The DSL light goes off and comes back every few minutes.",
        ],
        ask: &[
            "Could you restart the router once and tell me your postcode, so I can check for outages nearby?",
            "Could you tell me which lights on the router are on, and your postcode?",
        ],
        fix: &[
            "There was a fault at the street cabinet; our technicians fixed it about ten minutes ago. Your connection should be back now, and I've credited three days of your monthly fee.",
            "I've reset your line from our side and booked a technician for tomorrow between 8 and 12 to replace the faulty port. You'll get a text when they're on the way.",
        ],
        blame: &["If you had restarted your router like the instructions say, you wouldn't need to contact us."],
        note: &["Known fault at the street cabinet for postcode {postcode}. Network team estimates repair by tonight."],
        repeat: &[
            "The internet is down again. Your technician was here last week and said it was fixed. I'm really frustrated.",
        ],
    },
    Topic {
        industry: Industry::Software,
        team: TECHNICAL,
        subject: "Reports not working",
        mine: "the report problem",
        yours: "the report problem",
        dept: "our developers",
        open: &[
            "Hi, when I export a report to PDF the app freezes and then closes. This started after the last update. Any idea?",
            "Hello, our dashboard hasn't synced since Monday. The numbers are stuck. Could you have a look?",
        ],
        angry: &[
            "The PDF export has been broken for a week. I have a board meeting tomorrow and I can't get my reports out. Seriously frustrating.",
            "Your update broke the sync. The dashboard has shown the same wrong numbers for days, and I'm paying for a {product}. Unacceptable.",
        ],
        details: &[
            "It happens with every report longer than ten pages. I'm on Windows 11 with the latest app version.",
            "It stopped right after Monday's update. The account is {email}.",
        ],
        ask: &[
            "Could you tell me your app version and whether it happens with every report or just large ones?",
            "Could you send me the email of the account and roughly when the numbers stopped changing?",
        ],
        fix: &[
            "We found it: a bug in the latest version with long reports. The fix is live for your account now — please restart the app and try the export again.",
            "One of our sync servers was stuck. Our developers restarted it and re-ran the sync for your account; your dashboard is up to date again.",
        ],
        blame: &["You should have read the release notes. This is a known limitation."],
        note: &["Reproduced the problem on a test account. Bug filed for the developers."],
        repeat: &[
            "The export crashes again since this morning's update. Same problem as last week. Please fix it properly this time.",
            "The dashboard has stopped syncing again, same as last week. This is really frustrating — please fix it properly this time.",
        ],
    },
    Topic {
        industry: Industry::Shop,
        team: BILLING,
        subject: "Discount code",
        mine: "the discount code",
        yours: "the discount code",
        dept: "our marketing team",
        open: &[
            "Hi, the discount code from your newsletter says 'invalid' at checkout. Can you help me use it for the {product}?",
            "Hello, I forgot to enter my discount code when I ordered {order}. Can you still apply it?",
        ],
        angry: &[
            "Your discount code doesn't work, your chat doesn't answer, and now the sale is over. Feels like a bait and switch.",
            "I was promised 20% off order {order} and got charged the full {amount}. I feel cheated.",
        ],
        details: &[
            "The code is SPRING20. I tried it on my phone and on my laptop, same error both times.",
            "The code is SPRING20 and the order is {order}. The total was {amount}.",
        ],
        ask: &[
            "Could you tell me the code you tried? Then I'll check why it was refused.",
            "Could you tell me the code and the order number? I'll apply it by hand.",
        ],
        fix: &[
            "The code had expired a day early because of a setup mistake on our side. I've reactivated it for you and extended it by a week — it works at checkout now.",
            "I've applied the discount to order {order} by hand and refunded the difference to your card. Enjoy your {product}!",
        ],
        blame: &["The code's conditions are in the newsletter. You should have read them before ordering."],
        note: &["Marketing confirms the SPRING20 code expired a day early. Honour it for everyone who asks."],
        repeat: &[
            "You told me the discount would be sorted, but it never happened. I'm disappointed and asking again.",
        ],
    },
    Topic {
        industry: Industry::Telecom,
        team: BILLING,
        subject: "Unexpected roaming charges",
        mine: "the roaming charges",
        yours: "the roaming charges",
        dept: "our billing team",
        open: &[
            "Hi, my last bill has {amount} of roaming charges, but my {product} is supposed to include EU roaming. Could you check?",
            "Hello, I was in Spain for a week and now there's an extra {amount} on my bill. Is that right?",
        ],
        angry: &[
            "{amount} in roaming charges?! Your shop told me roaming was included. This is outrageous and I want it removed immediately.",
            "This bill is outrageous. {amount} extra for a week's holiday in Spain. I feel completely ripped off.",
        ],
        details: &[
            "I was in Spain and Portugal from the 3rd to the 10th. My customer number is {customer_no}.",
            "The charges are all mobile data, on invoice {invoice}.",
        ],
        ask: &[
            "Could you tell me which countries you visited and your customer number, so I can check the charges?",
            "Could you send me the invoice number? Then I'll go through the roaming items.",
        ],
        fix: &[
            "Your {product} does include EU roaming; the charges came from a network that was wrongly classified. I've removed all {amount} from your bill.",
            "I've credited the {amount} to your account and turned on the EU roaming option, so this won't happen on your next trip.",
        ],
        blame: &["Roaming rates are in the contract you signed. You should have checked them before travelling."],
        note: &[
            "Spanish partner network misclassified as non-EU since the 1st. Billing is fixing it for all customers.",
        ],
        repeat: &[
            "The roaming charges are back on this month's bill, even though you said you'd removed them. I'm really annoyed.",
        ],
    },
];

// ---------------------------------------------------------------------------------------------
// Shared texts
// ---------------------------------------------------------------------------------------------

const EU_FIRST: &[&str] = &[
    "Anna",
    "Lukas",
    "Sophie",
    "Marie",
    "Elias",
    "Hannah",
    "Noah",
    "Lea",
    "Ben",
    "Clara",
    "Tobias",
    "Julia",
    "Mehmet",
    "Aylin",
    "Piotr",
    "Katarzyna",
    "Giulia",
    "Luca",
    "Sofia",
    "Mateo",
    "Ingrid",
    "Lars",
];
const EU_LAST: &[&str] = &[
    "Schneider",
    "Fischer",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Yilmaz",
    "Kowalski",
    "Rossi",
    "Novak",
    "Dubois",
    "Jansen",
    "Bauer",
    "Lehmann",
    "Hansen",
    "Moreau",
];
const US_FIRST: &[&str] = &[
    "Emily", "Michael", "Jessica", "David", "Sarah", "Chris", "Brandon", "Megan", "Jose", "Maria", "Kevin", "Laura",
    "Daniel", "Brittany", "Marcus", "Aaliyah", "Ryan", "Olivia", "Ethan", "Grace",
];
const US_LAST: &[&str] = &[
    "Johnson",
    "Williams",
    "Garcia",
    "Martinez",
    "Davis",
    "Rodriguez",
    "Miller",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Lee",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
];
const MAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "mail.example.com"];
const COMPANIES: &[&str] = &[
    "Brightline Studio GmbH",
    "Northwind Analytics LLC",
    "Kessler & Partner",
    "Bluebonnet Design Co.",
    "Havel Consulting",
];

const WARM_OPENERS: &[&str] = &[
    "Hi {name}, thanks for getting in touch, and sorry about the trouble. ",
    "Hello {name}, happy to help. ",
    "Hi {name}, thanks for letting us know! ",
    "Hi {name}, good news. ",
];
const THANKS_OPENERS: &[&str] = &[
    "Thanks, {name}, that's all I needed. ",
    "Thank you for the details, {name}. ",
    "Thanks {name}, that helped a lot. ",
];
const ASK_OPENERS: &[&str] = &[
    "Hi {name}, thanks for reaching out. ",
    "Hi {name}, sorry to hear that! ",
    "Hello {name}, happy to help with this. ",
];
const EMPATHY_OPENERS: &[&str] = &[
    "Hi {name}, I'm really sorry — you shouldn't have had to chase us, and I completely understand your frustration. ",
    "{name}, I'm so sorry about this. You're right to be upset, and I'll sort it out now. ",
    "Hi {name}, I understand how frustrating this is, and I apologise. ",
];
const LATE_OPENERS: &[&str] = &[
    "Hi {name}, I'm very sorry it took us so long to reply. ",
    "Hi {name}, apologies for the long wait — that's not the service we want to give. ",
    "Hi {name}, sorry for the silence, that's on us. ",
];
const PLAIN_OPENERS: &[&str] = &["Hello {name}. ", "Hello, ", "Dear customer, "];
const REPEAT_OPENERS: &[&str] = &[
    "Hi {name}, I'm sorry you had to write again — our first fix clearly didn't work, and I've read the whole history. ",
    "Hi {name}, I'm really sorry this came back. This time I've checked everything myself. ",
];
const SWITCHED_OPENERS: &[&str] = &[
    "Hi {name}, I'm sorry your email went unanswered — I've got it right here. ",
    "Hi {name}, apologies that nobody replied to your email. Let me help you now. ",
];
const LEAD_OPENERS: &[&str] = &[
    "Hi {name}, I'm {lead}, the team lead. I've read this conversation and I'm sorry for the reply you received — it wasn't acceptable. ",
    "Hi {name}, {lead} here, I lead the team. You deserved a much better answer, and I apologise. ",
];

const AGENT_CLOSINGS: &[&str] = &[
    "You're very welcome, {name}! Have a great day.",
    "Glad we could sort it out. Take care, {name}!",
    "My pleasure, {name}. Just reply here if anything else comes up.",
];
const AGENT_COLD: &[&str] = &[
    "Please see our policy.",
    "Please refer to our terms and conditions.",
    "Noted. Your request has been forwarded.",
    "We are aware of the issue.",
    "Your ticket is in the queue.",
];
const AGENT_COLD_AGAIN: &[&str] = &[
    "As I already said, please see our policy.",
    "There is nothing more we can do.",
    "We have nothing to add to our previous answer.",
];
const AGENT_DISMISSIVE: &[&str] = &[
    "As I already told you, there's nothing more we can do.",
    "I've explained this already. Closing the ticket.",
    "That's how it works. Please read the instructions next time.",
];
const AGENT_SHALLOW_FIX: &[&str] = &[
    "This should be fixed now.",
    "I've reset it on our side, so it should work now.",
    "We've passed this on. Closing the ticket now.",
    "It's been escalated and should be sorted in the next few days.",
];
const AGENT_LOOKING_INTO_IT: &[&str] = &[
    "Hi {name}, thanks for your message. We're looking into {yours} and will update you as soon as we know more.",
    "Thanks {name}, I've passed {yours} to {dept}. We'll be in touch.",
];
const AGENT_PROMISES: &[&str] = &[
    "Thanks {name}, I'm checking {yours} with {dept} and I'll get back to you tomorrow.",
    "Hi {name}, I need to look into {yours} with {dept}. I'll call you back this afternoon.",
    "Thanks for the details, {name}. I'll get back to you by tomorrow morning with an answer.",
];
const AGENT_REPEAT_ASK: &[&str] = &[
    "Thank you for your message. Could you please send us your order number and describe the problem in detail?",
    "To proceed, please provide your account details and a full description of the issue.",
];
const AGENT_CANNED: &[&str] = &[
    "Thank you for contacting us. Your request has been forwarded to the relevant department and will be handled in due course.",
    "Thank you for your message. We are experiencing a high volume of requests and will respond as soon as possible.",
];

const NOTES_UPSET: &[&str] = &[
    "Customer is very upset — second contact about this. Handle with care.",
    "Long-time customer, high value. Let's make this right quickly.",
];
const LEAD_COACHING_NOTES: &[&str] = &[
    "{colleague}, that reply blamed the customer. Let's go through it in our one-to-one. I'm taking this one over.",
    "Taking over. {colleague}, please never tell a customer it's their fault — let's talk tomorrow.",
];

const CUSTOMER_THANKS: &[&str] = &[
    "Thank you so much, sorted!",
    "That's brilliant, thanks {agent}! Really appreciate the quick help.",
    "Perfect, thanks a lot for your help!",
    "Wow, that was fast. Thank you, great service!",
    "Great, thank you for sorting this out so quickly.",
    "Thanks {agent}, that's exactly what I needed. Have a lovely day!",
];
const CUSTOMER_RELIEVED: &[&str] = &[
    "Thank you, I appreciate the apology and the quick fix.",
    "OK, that's much better. Thanks for taking it seriously.",
    "Thanks {agent}, that's great. I'm happy with that.",
    "Thank you, that solves it. I really appreciate your help.",
];
const CUSTOMER_GRUDGING: &[&str] =
    &["OK. Thanks.", "Fine, thanks. Hopefully it stays fixed.", "Alright, thank you for finally sorting it."];
const CUSTOMER_SLOW_FINALLY: &[&str] = &[
    "Finally. I've been waiting {waited} for a reply, which is really frustrating.",
    "Thanks, although waiting this long for an answer was really annoying.",
    "About time. Waiting {waited} for a simple answer is terrible service.",
];
const CHASE: &[&str] = &[
    "Hi, any update on {mine}?",
    "Hello again, just checking whether there's any news about {mine}.",
    "Any update? I still haven't heard anything.",
    "Is anyone looking at this? I've been waiting {waited} for news about {mine}.",
];
const CHASE_ANGRY: &[&str] = &[
    "I've been waiting {waited} and still no answer about {mine}. This is really frustrating.",
    "This is the third time I'm writing about {mine}. I'm furious. Does anyone actually read these messages?",
    "Still nothing. Terrible service — I'm seriously thinking of taking my business elsewhere.",
    "Hello?? Nobody has replied. I've been waiting {waited}. Unacceptable.",
];
const CUSTOMER_AFTER_COLD: &[&str] = &[
    "That's it? I've been waiting {waited} and all I get is a link to your policy? Unbelievable.",
    "Did you even read my message? This doesn't help at all.",
    "What a useless answer. I want someone to actually look at my problem.",
    "That's a cold, unhelpful answer. I'm very disappointed.",
];
const CUSTOMER_AFTER_BLAME: &[&str] = &[
    "Excuse me? I did everything right. Don't blame me for your mistake.",
    "I can't believe you're blaming me for this. Very disappointed with the attitude.",
    "That's incredibly rude. I'm the customer here and I'm not at fault.",
];
const CUSTOMER_STILL_NEGATIVE: &[&str] = &[
    "So that's it? My problem still isn't solved.",
    "You closed my ticket but nothing has changed. I'm very unhappy.",
    "This hasn't fixed anything. Really disappointed.",
    "It's still broken. Closing the ticket doesn't make the problem go away.",
];
const CUSTOMER_PROMISE_BROKEN: &[&str] = &[
    "You told me you'd get back to me. That was {ago}, and I've heard nothing since. Really disappointing.",
    "{agent} promised to call me back {ago}, but no one called. I'm really disappointed.",
    "I was promised an answer {ago}. Still nothing. I'm getting really frustrated.",
];
const CUSTOMER_REPEAT_ANGRY: &[&str] = &[
    "I already sent you all of that! This is the second time I'm explaining the same thing. Why is this so difficult?",
    "Seriously? Read my previous messages. I'm so frustrated with having to repeat myself.",
    "Are you kidding me? Everything is in my last message. This is a waste of my time.",
];
const CUSTOMER_AFTER_CANNED: &[&str] = &[
    "That's a useless automatic answer. Did anyone actually read my message?",
    "A copy-paste reply doesn't help me. I need a real answer, please.",
    "This doesn't answer my question at all. Very disappointing.",
];
const CUSTOMER_SWITCHED: &[&str] = &[
    "Hi, I emailed you yesterday about {mine} and nobody answered. Can someone help me here?",
    "Hello, trying here because my email got no reply. It's about {mine}.",
    "I wrote an email about {mine} and heard nothing, so I'm trying this instead. Is anyone there?",
];

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use rapport_analysis::SentimentLabel;
    use rapport_domain::{ContactId, MoodLabel};
    use rapport_storage::{ConversationFilter, ConversationSummary};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    async fn all_conversations(db: &Db) -> Result<Vec<ConversationSummary>, AppError> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = db.list_conversations(&ConversationFilter::default(), after, 200).await?;
            out.extend(page.items);
            match page.next_cursor {
                Some(cursor) => after = Some(cursor),
                None => return Ok(out),
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn demo_loads_once_with_a_believable_mix() -> TestResult {
        let test_db = rapport_storage::testing::fresh_sqlite().await?;
        let app = App::new(test_db.db.clone()).await?;

        let started = std::time::Instant::now();
        let first = load_demo(&app).await?;
        let elapsed = started.elapsed();
        eprintln!("demo: {first:?} in {elapsed:?}");
        assert!(first.created);
        assert_eq!(first.agents, STAFF.len());
        assert!(first.conversations >= 250, "only {} conversations", first.conversations);
        assert_eq!(first.conversations as i64, app.db.count_conversations().await?);

        let second = load_demo(&app).await?;
        assert!(!second.created);
        assert_eq!(second.conversations, first.conversations);
        assert_eq!(second.messages, first.messages);
        assert_eq!(second.agents, first.agents);

        let conversations = all_conversations(&app.db).await?;
        assert_eq!(conversations.len(), first.conversations);
        let moods: HashSet<MoodLabel> =
            conversations.iter().filter_map(|s| s.conversation.mood).map(MoodLabel::of_score).collect();
        assert!(moods.contains(&MoodLabel::Negative) && moods.contains(&MoodLabel::Positive), "moods: {moods:?}");

        let now = Timestamp::now();
        let waiting: Vec<_> = conversations
            .iter()
            .filter(|s| s.conversation.status == Status::Open && s.conversation.waiting_since().is_some())
            .collect();
        assert!(waiting.len() >= 10, "only {} waiting", waiting.len());
        let fresh_unassigned = waiting
            .iter()
            .filter(|s| {
                s.conversation.assignee_id.is_none() && s.conversation.created_at > now - SignedDuration::from_hours(8)
            })
            .count();
        assert!(fresh_unassigned >= 5, "only {fresh_unassigned} fresh unassigned");
        let done =
            conversations.iter().filter(|s| matches!(s.conversation.status, Status::Resolved | Status::Closed)).count();
        assert!(done >= 100, "only {done} resolved or closed");

        let mut channels_of: HashMap<ContactId, HashSet<ChannelId>> = HashMap::new();
        for s in &conversations {
            channels_of.entry(s.conversation.contact_id).or_default().insert(s.conversation.channel_id);
            assert!(s.conversation.created_at >= now - SignedDuration::from_hours(24 * (HISTORY_DAYS + 1)));
            assert!(s.conversation.updated_at <= now);
        }
        assert!(channels_of.values().any(|c| c.len() >= 2), "no contact on two channels");

        // Every conversation reads in order, and every reply answers something the customer wrote before.
        for s in conversations.iter().take(80) {
            let messages = app.db.messages(s.conversation.id).await?;
            assert!(messages.windows(2).all(|w| w[0].sent_at < w[1].sent_at), "out of order: {}", s.conversation.id);
            assert_eq!(messages.first().map(|m| m.direction), Some(rapport_domain::Direction::Inbound));
        }
        Ok(())
    }

    #[test]
    fn plan_is_deterministic_and_mixed() {
        let now = Timestamp::now();
        let a = build_plan_with_stories(now);
        let b = build_plan_with_stories(now);
        let texts = |p: &[(Thread, Story)]| -> Vec<String> {
            p.iter()
                .flat_map(|(t, _)| t.conversations.iter())
                .flat_map(|c| c.events.iter())
                .filter_map(|e| match &e.kind {
                    EventKind::Customer(t) | EventKind::Reply { text: t, .. } | EventKind::Note { text: t, .. } => {
                        Some(t.clone())
                    }
                    _ => None,
                })
                .collect()
        };
        assert_eq!(texts(&a), texts(&b));

        let assigned: Vec<Story> = a.iter().map(|(_, s)| *s).filter(|s| !matches!(s, Story::Fresh)).collect();
        let good = assigned.iter().filter(|s| s.is_good()).count() as f64 / assigned.len() as f64;
        eprintln!("good share {good:.2} of {} stories", assigned.len());
        assert!((0.35..=0.55).contains(&good), "good share {good:.2}");

        for (thread, _) in &a {
            for conv in &thread.conversations {
                assert!(matches!(conv.events.first().map(|e| &e.kind), Some(EventKind::Customer(_))));
                assert!(conv.events.windows(2).all(|w| w[0].at < w[1].at), "out of order: {:#?}", conv.events);
                assert!(conv.events.iter().all(|e| e.at < now));
                for text in texts(&[(thread.clone(), Story::Fresh)]) {
                    assert!(!text.contains('{'), "unfilled placeholder in {text:?}");
                }
            }
        }
    }

    /// The texts are written to carry a mood; the engine should mostly agree.
    #[test]
    fn customer_texts_carry_the_intended_mood() {
        let engine = Engine::new();
        let mut checked = 0;
        let mut wrong = Vec::new();
        let mut rng = StdRng::seed_from_u64(1);
        let customer = Customer {
            name: "Anna Meyer".into(),
            email: "anna.meyer@example.com".into(),
            phone: "+49 151 1234567".into(),
        };
        let vars = Vars::new(&mut rng, &customer, &TOPICS[0], BERLIN, 3);
        let mut check = |text: &str, want: SentimentLabel| {
            let text = vars.fill(text, "for two days");
            let got = engine.analyze_customer(&text).sentiment.label;
            checked += 1;
            if got != want {
                wrong.push(format!("{want} but {got}: {text}"));
            }
        };
        for pool in [CUSTOMER_THANKS, CUSTOMER_RELIEVED] {
            pool.iter().for_each(|t| check(t, SentimentLabel::Positive));
        }
        for pool in [
            CHASE_ANGRY,
            CUSTOMER_AFTER_COLD,
            CUSTOMER_AFTER_BLAME,
            CUSTOMER_STILL_NEGATIVE,
            CUSTOMER_PROMISE_BROKEN,
            CUSTOMER_REPEAT_ANGRY,
            CUSTOMER_AFTER_CANNED,
            CUSTOMER_SLOW_FINALLY,
        ] {
            pool.iter().for_each(|t| check(t, SentimentLabel::Negative));
        }
        for topic in &TOPICS {
            topic.angry.iter().chain(topic.repeat).for_each(|t| check(t, SentimentLabel::Negative));
        }
        for w in &wrong {
            eprintln!("{w}");
        }
        assert!(wrong.len() * 5 <= checked, "{} of {checked} texts read differently by the engine", wrong.len());
    }
}
