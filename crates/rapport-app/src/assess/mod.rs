//! `rapport assess` (PRODUCT.md C9): a failure assessment of an exported help-desk history. Pure
//! computation over imported messages and the engine — the CLI is a thin shell that reads and writes
//! files, and the live radar will reuse these facts.
//!
//! Definitions (also in `docs/assess-report.md`):
//! - A conversation's messages are taken in time order (file order among equal times).
//! - **Response time**: from a customer message that starts a wait (the first customer message after
//!   the agent side last spoke) to the next agent-side message. The first such time is the **first
//!   response**; the later ones are **next responses**.
//! - **Unanswered**: customer messages after the agent side's last message; a conversation is counted in
//!   `unanswered.count` when none of its customer messages was ever answered.
//! - Percentiles interpolate linearly between order statistics (as numpy and pandas do by default).

mod stream;
mod tally;

use std::collections::BTreeMap;

use rapport_analysis::{Engine, Scratch, SentimentLabel};
use rapport_channels::importers::{self, ImportedMessage, Side};
use serde::Serialize;

pub use stream::assess_stream;
pub use tally::Tally;

use crate::business_hours::BusinessHours;
use crate::mood::Turns;

/// The per-conversation fact row (`conversations.csv`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationFacts {
    pub conversation: String,
    pub account: Option<String>,
    pub channel: Option<String>,
    /// The first agent named on the conversation's agent-side messages (the export's agent field).
    pub agent: Option<String>,
    pub team: Option<String>,
    pub site: Option<String>,
    pub started_at: String,
    pub customer_messages: u32,
    pub agent_messages: u32,
    pub first_response_seconds: Option<i64>,
    /// The first response counted in business hours (when the assessment has them).
    pub first_response_business_seconds: Option<i64>,
    /// Later response times, in order.
    pub next_response_seconds: Vec<i64>,
    pub unanswered_customer_messages: u32,
    pub mood_start: Option<f64>,
    pub mood_end: Option<f64>,
    pub mood_min: Option<f64>,
    pub mood_drops: u32,
    pub recovered: Option<bool>,
    pub recovery_seconds: Option<i64>,
    /// The most frequent complaint reason of the customer's negative messages.
    pub reason: Option<String>,
    pub empathy_gaps: u32,
    /// The last rating given in the conversation (CSAT, stars, good = 1 / bad = 0), if any.
    pub rating: Option<f64>,
}

/// Count and percentiles of a set of durations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub count: usize,
    pub p50_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
}

impl Stats {
    pub fn of(values: &[i64]) -> Stats {
        let mut v: Vec<f64> = values.iter().map(|&x| x as f64).collect();
        v.sort_by(f64::total_cmp);
        Stats { count: v.len(), p50_seconds: quantile(&v, 0.5), p90_seconds: quantile(&v, 0.9) }
    }
}

/// Linear interpolation between order statistics of sorted `v` (numpy's default method).
pub(crate) fn quantile(v: &[f64], q: f64) -> Option<f64> {
    let last = v.len().checked_sub(1)?;
    let pos = q * last as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (v.get(lo)?, v.get(hi)?);
    Some(a + (b - a) * (pos - lo as f64))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstResponse {
    pub overall: Stats,
    pub by_account: BTreeMap<String, Stats>,
    pub by_channel: BTreeMap<String, Stats>,
    pub by_agent: BTreeMap<String, Stats>,
    pub by_team: BTreeMap<String, Stats>,
    pub by_site: BTreeMap<String, Stats>,
    /// The same in business hours, when the assessment was given them (`--business-hours`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business: Option<BusinessFirstResponse>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BusinessFirstResponse {
    /// The business hours as given, e.g. "Mon-Fri 09:00-17:00 Europe/Berlin".
    pub hours: String,
    pub overall: Stats,
    pub by_account: BTreeMap<String, Stats>,
}

/// How to assess.
#[derive(Debug, Clone, Default)]
pub struct AssessOptions {
    /// Count response times in these business hours too (the spec text and the parsed hours).
    pub business_hours: Option<(String, BusinessHours)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unanswered {
    /// Conversations whose customer messages never got an agent-side answer.
    pub count: usize,
    /// Customer messages left without an answer at the end of their conversation.
    pub messages: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mood {
    pub conversations_with_mood: usize,
    pub dropped: usize,
    pub recovered: usize,
    pub recovery: Stats,
    pub empathy_gaps: usize,
}

/// `report.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub conversations: usize,
    pub messages: usize,
    pub customer_messages: usize,
    pub agent_messages: usize,
    pub first_response: FirstResponse,
    pub next_response: Stats,
    pub unanswered: Unanswered,
    pub mood: Mood,
    /// Complaint reasons of negative customer messages, by count.
    pub reasons: BTreeMap<String, usize>,
    /// Is the spread of first-response times across accounts, agents, teams, sites or channels more than
    /// chance? One entry per dimension with at least two groups of [`MIN_GROUP`] answered conversations.
    pub consistency: Vec<Consistency>,
    /// Conversations by the weekday and hour (UTC) they started, with their median first response.
    pub by_hour_of_week: Vec<HourOfWeek>,
    /// Per UTC day the conversations started: how many, their first responses and ratings.
    pub over_time: Vec<Day>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    pub conversations: usize,
    pub first_response: Stats,
    /// Mean of the ratings given in conversations started that day, and how many there were.
    pub ratings: usize,
    pub mean_rating: Option<f64>,
}

/// Groups smaller than this are left out of a consistency test (too few to say anything).
pub const MIN_GROUP: usize = 5;
/// A spread is reported as significant below this p-value.
pub const SIGNIFICANCE: f64 = 0.01;

/// A Kruskal–Wallis test of first-response times across the groups of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consistency {
    /// "account", "agent", "team", "site" or "channel".
    pub dimension: &'static str,
    pub groups: usize,
    pub h: f64,
    pub p_value: f64,
    pub significant: bool,
    pub fastest: GroupMedian,
    pub slowest: GroupMedian,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupMedian {
    pub name: String,
    pub count: usize,
    pub p50_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HourOfWeek {
    /// "Mon" … "Sun".
    pub weekday: &'static str,
    pub hour: i8,
    pub conversations: usize,
    pub p50_first_response_seconds: Option<f64>,
}

/// Assesses imported messages: the per-conversation facts (in order of first appearance) and the report.
pub fn assess(messages: &[ImportedMessage], engine: &Engine) -> (Report, Vec<ConversationFacts>) {
    assess_with(messages, engine, &AssessOptions::default())
}

/// [`assess`] with options (business hours). The messages are grouped into conversations and go
/// through [`assess_stream`], like an export read in a stream.
pub fn assess_with(
    messages: &[ImportedMessage],
    engine: &Engine,
    options: &AssessOptions,
) -> (Report, Vec<ConversationFacts>) {
    let conversations = importers::conversations(messages.to_vec());
    let mut facts = Vec::with_capacity(conversations.len());
    let source = conversations.into_iter().map(Ok::<_, std::convert::Infallible>);
    let tally = match assess_stream(source, engine, options, |f| {
        facts.push(f.clone());
        Ok(())
    }) {
        Ok(t) => t,
        Err(never) => match never {},
    };
    (tally.report(options), facts)
}

/// The facts of one conversation, its messages in time order.
fn conversation_facts(
    msgs: &[ImportedMessage],
    engine: &Engine,
    hours: Option<&BusinessHours>,
    scratch: &mut Scratch,
) -> ConversationFacts {
    let mut first_response = None;
    let mut first_response_business = None;
    let mut next_responses = Vec::new();
    let mut waiting_since = None;
    let mut unanswered = 0u32;
    let (mut customers, mut agents) = (0u32, 0u32);
    let mut turns = Turns::new(None);
    // Reason names are the engine's own strings: no allocation per message.
    let mut own_reasons: BTreeMap<&str, u32> = BTreeMap::new();
    for m in msgs {
        let at_ms = m.at.as_millisecond();
        match m.side {
            Side::Customer => {
                customers += 1;
                unanswered += 1;
                waiting_since.get_or_insert(m.at);
                let s = engine.summarize(&m.text, scratch);
                if s.sentiment.label == SentimentLabel::Negative
                    && let Some(r) = s.reason
                {
                    *own_reasons.entry(engine.reason_name(r)).or_default() += 1;
                }
                turns.customer(at_ms, s.sentiment.score, &m.text);
            }
            Side::Agent | Side::Bot => {
                agents += 1;
                unanswered = 0;
                if let Some(since) = waiting_since.take() {
                    let secs = (m.at - since).get_seconds();
                    if first_response.is_none() {
                        first_response = Some(secs);
                        first_response_business = hours.map(|h| h.seconds_between(since, m.at));
                    } else {
                        next_responses.push(secs);
                    }
                }
                turns.agent(at_ms, &m.text);
            }
        }
    }
    let mood = turns.report();
    let reason = own_reasons.iter().max_by_key(|(_, n)| **n).map(|(r, _)| (*r).to_owned());
    let first = msgs.first();
    ConversationFacts {
        conversation: first.map(|m| m.conversation.clone()).unwrap_or_default(),
        account: msgs.iter().find_map(|m| m.account.clone()),
        channel: msgs.iter().find_map(|m| m.channel.clone()),
        agent: msgs.iter().filter(|m| m.side != Side::Customer).find_map(|m| m.agent.clone()),
        team: msgs.iter().find_map(|m| m.team.clone()),
        site: msgs.iter().find_map(|m| m.site.clone()),
        started_at: first.map(|m| m.at.to_string()).unwrap_or_default(),
        customer_messages: customers,
        agent_messages: agents,
        first_response_seconds: first_response,
        first_response_business_seconds: first_response_business,
        next_response_seconds: next_responses,
        unanswered_customer_messages: unanswered,
        mood_start: mood.start,
        mood_end: mood.end,
        mood_min: mood.min,
        mood_drops: mood.drops.len() as u32,
        recovered: mood.onset_index.map(|_| mood.recovered),
        recovery_seconds: mood.recovery_ms.map(|ms| ms / 1000),
        reason,
        empathy_gaps: mood.empathy_gaps.len() as u32,
        rating: msgs.iter().rev().find_map(|m| m.rating),
    }
}

/// Messages for tests of the assessment and its report.
#[cfg(test)]
pub(crate) mod test_support {
    use jiff::Timestamp;
    use rapport_channels::importers::{ImportedMessage, Side};

    /// A message `secs` after a fixed start; agent-side messages are written by `account`.
    pub fn msg(conv: &str, secs: i64, side: Side, account: &str, text: &str) -> ImportedMessage {
        ImportedMessage {
            conversation: conv.into(),
            id: None,
            at: Timestamp::from_second(1_700_000_000 + secs).unwrap_or(Timestamp::UNIX_EPOCH),
            side,
            author: if side == Side::Customer { "c".into() } else { account.into() },
            account: Some(account.into()),
            channel: Some("email".into()),
            text: text.into(),
            rating: None,
            agent: None,
            team: None,
            site: None,
            status: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::msg;
    use super::*;

    #[test]
    fn response_times_and_unanswered_are_counted_by_hand() {
        let m = vec![
            msg("a", 0, Side::Customer, "acme", "Where is my order?"),
            msg("a", 60, Side::Agent, "acme", "Sorry for the wait, it ships today."),
            msg("b", 10, Side::Customer, "globex", "My invoice is wrong"),
            msg("a", 100, Side::Customer, "acme", "It did not arrive"),
            msg("a", 130, Side::Customer, "acme", "Hello??"),
            msg("a", 400, Side::Agent, "acme", "I have sent a replacement."),
            msg("b", 610, Side::Agent, "globex", "Fixed, sorry about that."),
            msg("c", 5, Side::Customer, "acme", "Anyone there?"),
        ];
        let (report, facts) = assess(&m, &Engine::new());
        assert_eq!(facts.len(), 3);
        assert_eq!(facts[0].first_response_seconds, Some(60));
        assert_eq!(facts[0].next_response_seconds, vec![300]);
        assert_eq!(facts[1].first_response_seconds, Some(600));
        assert_eq!(facts[2].first_response_seconds, None);
        assert_eq!(facts[2].unanswered_customer_messages, 1);
        assert_eq!(report.unanswered.count, 1);
        assert_eq!(
            report.first_response.overall,
            Stats { count: 2, p50_seconds: Some(330.0), p90_seconds: Some(546.0) }
        );
        assert_eq!(report.first_response.by_account["acme"].count, 1);
        assert_eq!(report.first_response.by_account["globex"].p50_seconds, Some(600.0));
    }

    /// One account answers in a minute, the other in hours: the spread is significant and names them;
    /// two accounts drawn alike are not called different.
    #[test]
    fn consistency_tells_a_real_spread_from_noise() {
        let mut m = Vec::new();
        for i in 0..12 {
            let (fast, slow, c1, c2) = (format!("f{i}"), format!("s{i}"), i * 10_000, i * 10_000 + 5_000);
            m.push(msg(&fast, c1, Side::Customer, "quick", "hello?"));
            m.push(msg(&fast, c1 + 60 + i, Side::Agent, "quick", "Hi!"));
            m.push(msg(&slow, c2, Side::Customer, "sleepy", "hello?"));
            m.push(msg(&slow, c2 + 7_200 + i * 100, Side::Agent, "sleepy", "Hi!"));
        }
        let (report, _) = assess(&m, &Engine::new());
        let by_account = report.consistency.iter().find(|c| c.dimension == "account").expect("account test");
        assert!(by_account.significant, "{by_account:?}");
        assert_eq!((by_account.fastest.name.as_str(), by_account.slowest.name.as_str()), ("quick", "sleepy"));
        assert!(report.consistency.iter().all(|c| c.dimension != "channel"), "one channel: nothing to compare");
        assert_eq!(report.by_hour_of_week.iter().map(|h| h.conversations).sum::<usize>(), 24);

        let mut alike = Vec::new();
        for i in 0..12 {
            let acc = if i % 2 == 0 { "a" } else { "b" };
            let c = format!("c{i}");
            alike.push(msg(&c, i * 10_000, Side::Customer, acc, "hello?"));
            alike.push(msg(&c, i * 10_000 + 100 + (i % 4) * 30, Side::Agent, acc, "Hi!"));
        }
        let (report, _) = assess(&alike, &Engine::new());
        assert!(report.consistency.iter().all(|c| !c.significant), "{:?}", report.consistency);
    }

    /// Business hours count only open time: a Friday-evening question answered on Monday morning waited
    /// two days on the clock but one hour of business time.
    #[test]
    fn first_responses_are_also_counted_in_business_hours() {
        // 1_700_000_000 is Tuesday 2023-11-14 22:13:20 UTC; the answer comes at 09:30 UTC on Wednesday.
        let answer = 11 * 3600 + 16 * 60 + 40;
        let m = vec![msg("a", 0, Side::Customer, "acme", "help?"), msg("a", answer, Side::Agent, "acme", "Hi")];
        let hours = BusinessHours::parse("Mon-Fri 09:00-17:00 UTC").unwrap();
        let opts = AssessOptions { business_hours: Some(("Mon-Fri 09:00-17:00 UTC".into(), hours)) };
        let (report, facts) = assess_with(&m, &Engine::new(), &opts);
        assert_eq!(facts[0].first_response_seconds, Some(answer));
        assert_eq!(facts[0].first_response_business_seconds, Some(1_800));
        let b = report.first_response.business.expect("business figures");
        assert_eq!(b.overall.p50_seconds, Some(1_800.0));
        assert_eq!(b.by_account["acme"].count, 1);
    }
}
