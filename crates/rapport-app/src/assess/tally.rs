//! The running totals of an assessment: what the report and its page need of each conversation, kept
//! compactly (numbers and interned names, no text), so that an export of millions of conversations
//! is assessed without holding their facts. Conversations are added in order, and every figure is
//! computed from them in that order, as if from the whole fact table.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{
    AssessOptions, BusinessFirstResponse, Consistency, ConversationFacts, Day, FirstResponse, GroupMedian, HourOfWeek,
    MIN_GROUP, Mood, Report, SIGNIFICANCE, Stats, Unanswered, quantile,
};

/// The dimensions first responses are grouped by, in [`Row::groups`] order.
const DIMENSIONS: [&str; 5] = ["account", "agent", "team", "site", "channel"];
const NONE: u32 = u32::MAX;
/// How many of the slowest first responses the page lists.
pub(crate) const SLOWEST: usize = 10;

/// One conversation, compactly.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub first: Option<i64>,
    pub business: Option<i64>,
    /// Interned account, agent, team, site, channel ([`NONE`] when absent).
    groups: [u32; 5],
    /// Interned start date `YYYY-MM-DD` (UTC).
    day: u32,
    /// Start hour of week (UTC): weekday (Monday = 0) × 24 + hour, if the start is known.
    pub cell: Option<u8>,
    rating: Option<f64>,
}

/// A conversation among the slowest first responses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slow {
    pub conversation: String,
    pub account: Option<String>,
    pub started_at: String,
    pub customer_messages: u32,
    pub first: i64,
}

#[derive(Debug, Clone, Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, name: Option<&str>) -> u32 {
        let Some(name) = name else { return NONE };
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(NONE);
        self.ids.insert(name.to_owned(), id);
        self.names.push(name.to_owned());
        id
    }

    fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(String::as_str)
    }
}

/// Running totals over conversations' facts (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub(crate) rows: Vec<Row>,
    groups: [Interner; 5],
    days: Interner,
    nexts: Vec<i64>,
    recoveries: Vec<i64>,
    customer_messages: usize,
    agent_messages: usize,
    unanswered: usize,
    unanswered_messages: usize,
    with_mood: usize,
    dropped: usize,
    recovered: usize,
    empathy_gaps: usize,
    /// Conversations with at least one empathy gap.
    pub(crate) with_gaps: usize,
    reasons: BTreeMap<String, usize>,
    /// First and last conversation start.
    pub(crate) period: Option<(Timestamp, Timestamp)>,
    /// The slowest first responses, slowest first (ties by conversation id), at most [`SLOWEST`].
    pub(crate) slowest: Vec<Slow>,
}

impl Tally {
    /// The totals of a whole fact table.
    pub fn of(facts: &[ConversationFacts]) -> Tally {
        let mut t = Tally::default();
        for f in facts {
            t.add(f);
        }
        t
    }

    /// Adds the next conversation.
    pub fn add(&mut self, f: &ConversationFacts) {
        let started = f.started_at.parse::<Timestamp>().ok();
        let cell = started.and_then(|t| {
            let z = t.to_zoned(TimeZone::UTC);
            u8::try_from(i32::from(z.weekday().to_monday_zero_offset()) * 24 + i32::from(z.hour())).ok()
        });
        let names = [&f.account, &f.agent, &f.team, &f.site, &f.channel];
        let mut groups = [NONE; 5];
        for ((g, interner), name) in groups.iter_mut().zip(&mut self.groups).zip(names) {
            *g = interner.id(name.as_deref());
        }
        self.rows.push(Row {
            first: f.first_response_seconds,
            business: f.first_response_business_seconds,
            groups,
            day: self.days.id(f.started_at.get(..10)),
            cell,
            rating: f.rating,
        });
        self.nexts.extend_from_slice(&f.next_response_seconds);
        self.recoveries.extend(f.recovery_seconds);
        self.customer_messages += f.customer_messages as usize;
        self.agent_messages += f.agent_messages as usize;
        self.unanswered += usize::from(f.customer_messages > 0 && f.first_response_seconds.is_none());
        self.unanswered_messages += f.unanswered_customer_messages as usize;
        self.with_mood += usize::from(f.mood_start.is_some());
        self.dropped += usize::from(f.mood_drops > 0);
        self.recovered += usize::from(f.recovered == Some(true));
        self.empathy_gaps += f.empathy_gaps as usize;
        self.with_gaps += usize::from(f.empathy_gaps > 0);
        if let Some(r) = &f.reason {
            match self.reasons.get_mut(r) {
                Some(n) => *n += 1,
                None => {
                    self.reasons.insert(r.clone(), 1);
                }
            }
        }
        if let Some(t) = started {
            self.period = Some(self.period.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
        }
        if let Some(first) = f.first_response_seconds {
            self.offer_slow(f, first);
        }
    }

    fn offer_slow(&mut self, f: &ConversationFacts, first: i64) {
        // Slowest first, then by conversation id; an equal key goes after those already in (as a
        // stable sort of the whole table would put it).
        let before = |s: &Slow| s.first > first || (s.first == first && s.conversation <= f.conversation);
        let at = self.slowest.partition_point(before);
        if at >= SLOWEST {
            return;
        }
        self.slowest.insert(
            at,
            Slow {
                conversation: f.conversation.clone(),
                account: f.account.clone(),
                started_at: f.started_at.clone(),
                customer_messages: f.customer_messages,
                first,
            },
        );
        self.slowest.truncate(SLOWEST);
    }

    /// First-response times per group of dimension `d`, by group name.
    fn by_group(&self, d: usize, time: fn(&Row) -> Option<i64>) -> BTreeMap<&str, Vec<i64>> {
        let mut by: Vec<Vec<i64>> = vec![Vec::new(); self.groups[d].names.len()];
        for r in &self.rows {
            if let (Some(v), Some(t)) = (by.get_mut(r.groups[d] as usize), time(r)) {
                v.push(t);
            }
        }
        by.into_iter()
            .enumerate()
            .filter(|(_, v)| !v.is_empty())
            .filter_map(|(id, v)| Some((self.groups[d].name(id as u32)?, v)))
            .collect()
    }

    fn stats_by(&self, dimension: &str, time: fn(&Row) -> Option<i64>) -> BTreeMap<String, Stats> {
        let d = DIMENSIONS.iter().position(|&n| n == dimension).unwrap_or(0);
        self.by_group(d, time).into_iter().map(|(k, v)| (k.to_owned(), Stats::of(&v))).collect()
    }

    /// The report of the conversations added so far.
    pub fn report(&self, options: &AssessOptions) -> Report {
        let firsts: Vec<i64> = self.rows.iter().filter_map(|r| r.first).collect();
        let first = |r: &Row| r.first;
        let business = options.business_hours.as_ref().map(|(spec, _)| {
            let b: Vec<i64> = self.rows.iter().filter_map(|r| r.business).collect();
            BusinessFirstResponse {
                hours: spec.clone(),
                overall: Stats::of(&b),
                by_account: self.stats_by("account", |r| r.business),
            }
        });
        Report {
            conversations: self.rows.len(),
            messages: self.customer_messages + self.agent_messages,
            customer_messages: self.customer_messages,
            agent_messages: self.agent_messages,
            first_response: FirstResponse {
                overall: Stats::of(&firsts),
                by_account: self.stats_by("account", first),
                by_channel: self.stats_by("channel", first),
                by_agent: self.stats_by("agent", first),
                by_team: self.stats_by("team", first),
                by_site: self.stats_by("site", first),
                business,
            },
            next_response: Stats::of(&self.nexts),
            unanswered: Unanswered { count: self.unanswered, messages: self.unanswered_messages },
            mood: Mood {
                conversations_with_mood: self.with_mood,
                dropped: self.dropped,
                recovered: self.recovered,
                recovery: Stats::of(&self.recoveries),
                empathy_gaps: self.empathy_gaps,
            },
            reasons: self.reasons.clone(),
            consistency: self.consistency(),
            by_hour_of_week: self.by_hour_of_week(),
            over_time: self.over_time(),
        }
    }

    fn consistency(&self) -> Vec<Consistency> {
        let mut out = Vec::new();
        for (d, dimension) in DIMENSIONS.into_iter().enumerate() {
            let groups: Vec<(&str, Vec<f64>)> = self
                .by_group(d, |r| r.first)
                .into_iter()
                .filter(|(_, v)| v.len() >= MIN_GROUP)
                .map(|(k, v)| (k, v.into_iter().map(|t| t as f64).collect()))
                .collect();
            let values: Vec<Vec<f64>> = groups.iter().map(|(_, v)| v.clone()).collect();
            let Some((h, p_value)) = crate::stats::kruskal_wallis(&values) else { continue };
            let medians: Vec<GroupMedian> = groups
                .iter()
                .map(|(name, v)| {
                    let mut v = v.clone();
                    v.sort_by(f64::total_cmp);
                    GroupMedian { name: (*name).to_owned(), count: v.len(), p50_seconds: quantile(&v, 0.5) }
                })
                .collect();
            let key = |g: &&GroupMedian| g.p50_seconds.unwrap_or(0.0);
            let (Some(fastest), Some(slowest)) = (
                medians.iter().min_by(|a, b| key(a).total_cmp(&key(b))),
                medians.iter().max_by(|a, b| key(a).total_cmp(&key(b))),
            ) else {
                continue;
            };
            out.push(Consistency {
                dimension,
                groups: groups.len(),
                h,
                p_value,
                significant: p_value < SIGNIFICANCE,
                fastest: fastest.clone(),
                slowest: slowest.clone(),
            });
        }
        out
    }

    fn over_time(&self) -> Vec<Day> {
        let mut days: Vec<(usize, Vec<i64>, Vec<f64>)> = vec![Default::default(); self.days.names.len()];
        for r in &self.rows {
            let Some(day) = days.get_mut(r.day as usize) else { continue };
            day.0 += 1;
            day.1.extend(r.first);
            day.2.extend(r.rating);
        }
        let by_date: BTreeMap<&str, (usize, Vec<i64>, Vec<f64>)> =
            days.into_iter().enumerate().filter_map(|(id, d)| Some((self.days.name(id as u32)?, d))).collect();
        by_date
            .into_iter()
            .map(|(date, (conversations, firsts, ratings))| Day {
                date: date.to_owned(),
                conversations,
                first_response: Stats::of(&firsts),
                ratings: ratings.len(),
                mean_rating: (!ratings.is_empty()).then(|| ratings.iter().sum::<f64>() / ratings.len() as f64),
            })
            .collect()
    }

    /// Conversations and first responses per started hour of week (index weekday × 24 + hour).
    pub(crate) fn cells(&self) -> Vec<(usize, Vec<i64>)> {
        let mut cells: Vec<(usize, Vec<i64>)> = vec![Default::default(); 7 * 24];
        for r in &self.rows {
            let Some(cell) = r.cell.and_then(|c| cells.get_mut(c as usize)) else { continue };
            cell.0 += 1;
            cell.1.extend(r.first);
        }
        cells
    }

    fn by_hour_of_week(&self) -> Vec<HourOfWeek> {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        self.cells()
            .into_iter()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(i, (conversations, firsts))| {
                let mut firsts: Vec<f64> = firsts.into_iter().map(|s| s as f64).collect();
                firsts.sort_by(f64::total_cmp);
                HourOfWeek {
                    weekday: DAYS.get(i / 24).copied().unwrap_or("?"),
                    hour: (i % 24) as i8,
                    conversations,
                    p50_first_response_seconds: quantile(&firsts, 0.5),
                }
            })
            .collect()
    }
}
