//! Agent reply quality (PRODUCT.md §2 C8, §3 `lack_of_empathy`, `agent_attitude`,
//! `impersonal`): the draft checker and the per-reply part of agent scorecards.
//!
//! Every check names the words that decided it. Cue phrases live in
//! `data/reply_cues.tsv` so they can be reviewed and extended without
//! touching code.
//!
//! ```
//! use rapport_analysis::reply::{check_reply, ReplyContext};
//!
//! let ctx = ReplyContext { customer_name: Some("Anna Berg"), customer_negative: true, customer_text: None };
//! let r = check_reply("Hi Anna, I'm so sorry about the delay. I have refunded the shipping cost.", &ctx);
//! let apology = r.check("apologises").unwrap();
//! assert!(apology.passed && apology.applicable);
//! assert_eq!(apology.evidence[0].text, "so sorry");
//! assert!(r.check("uses_customer_name").unwrap().passed);
//! ```

mod cues;
mod near_dup;
mod readability;
mod text;

use std::cell::RefCell;
use std::sync::OnceLock;

use serde::Serialize;

pub use cues::CueError;
use cues::{CueSet, Hit, HitScratch, Target};
pub use near_dup::{CannedIndex, hamming, simhash, simhash_similarity};
pub use readability::Readability;
use text::Tokens;

/// The built-in cue table.
pub const BUILTIN_CUES: &str = include_str!("../../data/reply_cues.tsv");

/// Similarity at or above which a reply counts as a near-copy of a canned text.
pub const CANNED_THRESHOLD: f64 = 0.8;

/// Flesch reading ease a reply of 8 words or more must reach to be `readable`.
pub const READABLE_MIN_EASE: f64 = 50.0;

/// Cue weight a check needs in total: one strong cue, or several weak ones.
const PASS_AT: f64 = 1.0;

/// Each distinct content word the reply repeats from the customer's message
/// adds this much to `acknowledges_problem`: naming the customer's own
/// problem ("your refund", "the login error") is acknowledging it, but one
/// shared word is not enough on its own ("flight", "number"; measured on
/// twcs replies, `eval/RESULTS.md`).
const ECHO_WEIGHT: f64 = 0.5;

/// Evidence spans kept per check; a pasted log must not yield 10,000 spans.
const MAX_EVIDENCE: usize = 20;

/// What is known about the customer side when judging a reply.
#[derive(Default, Debug, Clone, Copy)]
pub struct ReplyContext<'a> {
    /// Full name as known; the first name (after a title such as "Mr") is looked for.
    pub customer_name: Option<&'a str>,
    /// Whether the customer's message was negative: makes `apologises` applicable.
    pub customer_negative: bool,
    /// The customer message being answered, if known: words the reply repeats
    /// from it count towards `acknowledges_problem`.
    pub customer_text: Option<&'a str>,
}

/// A span of the reply (byte offsets, on char boundaries) and why it matters.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub note: String,
}

/// One check. When `applicable` is false, `passed` still tells what was
/// found, but the check does not count towards `score`.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ReplyCheck {
    /// Stable snake_case id.
    pub name: &'static str,
    pub passed: bool,
    pub applicable: bool,
    /// What decided the result: the cues found when a positive check passes,
    /// cancelled ("negated") cues when it fails, the offending words when
    /// `no_blame_or_dismissal` fails.
    pub evidence: Vec<Span>,
}

/// The quality report for one agent reply.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ReplyReport {
    /// Always the same checks in the same order (see [`CHECKS`]).
    pub checks: Vec<ReplyCheck>,
    pub readability: Readability,
    /// Politeness/warmth estimate in [-1, 1]; 0 when nothing polite or rude was found.
    pub tone: f64,
    /// Weighted share of applicable checks passed, 0–100; capped at 40 when the
    /// reply blames or dismisses, since no checklist makes up for rudeness.
    pub score: f64,
}

impl ReplyReport {
    /// The check with this id.
    pub fn check(&self, name: &str) -> Option<&ReplyCheck> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// Applicable checks that failed: what the draft lacks.
    pub fn failed(&self) -> impl Iterator<Item = &ReplyCheck> {
        self.checks.iter().filter(|c| c.applicable && !c.passed)
    }
}

/// Check ids in report order, with their weight in `score`.
pub const CHECKS: &[(&str, f64)] = &[
    ("acknowledges_problem", 1.0),
    ("expresses_empathy", 1.0),
    ("apologises", 1.0),
    ("uses_customer_name", 0.5),
    ("gives_next_step", 1.5),
    // Mostly a gate (see BLAME_CAP) rather than points: not being rude
    // should not lift a one-word reply.
    ("no_blame_or_dismissal", 1.0),
    ("not_canned", 1.0),
    ("readable", 0.5),
];

/// Score ceiling for a reply that fails `no_blame_or_dismissal`.
const BLAME_CAP: f64 = 40.0;

/// A cue found in a reply, for explanations and for tuning cue weights.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct CueHit {
    /// The check id, "tone", or an input of `no_blame_or_dismissal`: "brush_off", "justification",
    /// "alternative", "curt".
    pub check: &'static str,
    /// The phrase as written in the cue table.
    pub phrase: String,
    pub weight: f64,
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// Inside the scope of a negator ("not sorry"): not counted.
    pub negated: bool,
    pub note: String,
}

/// The two checks a conversation's mood needs from each agent reply (see
/// [`acknowledgement`]): exactly `passed` of `acknowledges_problem` and
/// `expresses_empathy` in the full [`ReplyReport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Acknowledgement {
    pub acknowledges_problem: bool,
    pub expresses_empathy: bool,
}

/// Buffers for [`ReplyChecker::acknowledgement_with`], reused from reply to
/// reply so that checking replies in bulk does not allocate once they have grown.
#[derive(Debug, Clone, Default)]
pub struct ReplyScratch {
    reply: Tokens,
    customer: Tokens,
    hits: HitScratch,
    /// The customer's distinct content words: (hash, token index).
    theirs: Vec<(u64, usize)>,
    /// Which of `theirs` the reply has repeated.
    matched: Vec<bool>,
}

/// Holds the parsed cue table. Build once and share; it is immutable.
#[derive(Debug, Clone)]
pub struct ReplyChecker {
    cues: CueSet,
}

impl Default for ReplyChecker {
    fn default() -> Self {
        ReplyChecker::new()
    }
}

fn checker() -> &'static ReplyChecker {
    static CHECKER: OnceLock<ReplyChecker> = OnceLock::new();
    CHECKER.get_or_init(ReplyChecker::new)
}

/// Checks one agent reply with the built-in cues. Never panics.
pub fn check_reply(text: &str, ctx: &ReplyContext<'_>) -> ReplyReport {
    checker().check(text, ctx)
}

/// Whether an agent reply acknowledges the problem or expresses empathy, as
/// [`check_reply`] would decide, without building the report: only the cues of
/// these two checks are matched and nothing is allocated once this thread's
/// buffers have grown. This is what a conversation's mood asks of every reply.
pub fn acknowledgement(text: &str, ctx: &ReplyContext<'_>) -> Acknowledgement {
    with_scratch(|s| checker().acknowledgement_with(text, ctx, s))
}

/// `acknowledges_problem || expresses_empathy` of [`acknowledgement`], cheaper: the
/// customer's words are only compared when the cues alone do not decide it.
pub fn acknowledges_or_empathises(text: &str, ctx: &ReplyContext<'_>) -> bool {
    with_scratch(|s| checker().acknowledges_or_empathises_with(text, ctx, s))
}

/// Runs `f` with this thread's reply buffers.
fn with_scratch<T>(f: impl FnOnce(&mut ReplyScratch) -> T) -> T {
    thread_local! {
        static SCRATCH: RefCell<ReplyScratch> = RefCell::new(ReplyScratch::default());
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        // Only reachable by re-entry, which nothing does; fresh buffers keep it correct.
        Err(_) => f(&mut ReplyScratch::default()),
    })
}

/// [`check_reply`], plus `not_canned` against `canned`.
pub fn check_reply_with_canned(text: &str, ctx: &ReplyContext<'_>, canned: &CannedIndex) -> ReplyReport {
    checker().check_with_canned(text, ctx, canned)
}

impl ReplyChecker {
    /// A checker with the built-in cue table. Its lines are checked by a unit
    /// test, so none is skipped in practice.
    pub fn new() -> ReplyChecker {
        let cues = CueSet::parse(BUILTIN_CUES, false).unwrap_or_default();
        ReplyChecker { cues }
    }

    /// A checker with another cue table (same format as the built-in one).
    pub fn from_tsv(tsv: &str) -> Result<ReplyChecker, CueError> {
        Ok(ReplyChecker { cues: CueSet::parse(tsv, true)? })
    }

    pub fn check(&self, text: &str, ctx: &ReplyContext<'_>) -> ReplyReport {
        self.run(text, ctx, None)
    }

    pub fn check_with_canned(&self, text: &str, ctx: &ReplyContext<'_>, canned: &CannedIndex) -> ReplyReport {
        self.run(text, ctx, Some(canned))
    }

    /// [`acknowledgement`] with this checker's cues and the caller's buffers.
    pub fn acknowledgement_with(&self, text: &str, ctx: &ReplyContext<'_>, s: &mut ReplyScratch) -> Acknowledgement {
        let (ack, empathy) = self.ack_and_empathy_weights(text, s);
        Acknowledgement {
            acknowledges_problem: ack_passes(ack, self.echoes(ctx, s)),
            expresses_empathy: empathy >= PASS_AT - 1e-9,
        }
    }

    /// Whether the reply acknowledges the problem or expresses empathy (either of
    /// [`acknowledgement`]'s two): the customer's words are only compared when the
    /// cues alone do not decide it.
    pub fn acknowledges_or_empathises_with(&self, text: &str, ctx: &ReplyContext<'_>, s: &mut ReplyScratch) -> bool {
        let (ack, empathy) = self.ack_and_empathy_weights(text, s);
        // Echoes only add to `ack`, so a cue weight that passes alone passes with them.
        empathy >= PASS_AT - 1e-9 || ack >= PASS_AT - 1e-9 || ack_passes(ack, self.echoes(ctx, s))
    }

    /// Cue weights of `acknowledges_problem` and `expresses_empathy` in `text`
    /// (read into `s.reply`), summed in the order the full report sums them, so
    /// verdicts agree to the last bit.
    fn ack_and_empathy_weights(&self, text: &str, s: &mut ReplyScratch) -> (f64, f64) {
        s.reply.read(text);
        let mask = Target::Acknowledges.bit() | Target::Empathy.bit();
        self.cues.hits_into(&s.reply, mask, &mut s.hits);
        let weight = |t: Target| self.counted(t, &s.hits.kept).map(|h| self.cues.cues[h.cue].weight).sum::<f64>();
        (weight(Target::Acknowledges), weight(Target::Empathy))
    }

    /// How many distinct content words of the customer's text the reply in `s.reply` repeats.
    fn echoes(&self, ctx: &ReplyContext<'_>, s: &mut ReplyScratch) -> usize {
        let Some(c) = ctx.customer_text else { return 0 };
        s.customer.read(c);
        let mut n = 0usize;
        each_echo(&s.customer, &s.reply, &mut s.theirs, &mut s.matched, |_| n += 1);
        n
    }

    /// Counted and negated cue hits in `text`, in text order.
    pub fn cue_hits(&self, text: &str) -> Vec<CueHit> {
        let toks = Tokens::of(text);
        self.cues
            .hits(&toks)
            .into_iter()
            .map(|h| {
                let cue = &self.cues.cues[h.cue];
                CueHit {
                    check: cue.target.name(),
                    phrase: cue.phrase.clone(),
                    weight: cue.weight,
                    text: text.get(h.start..h.end).unwrap_or_default().to_string(),
                    start: h.start,
                    end: h.end,
                    negated: h.negated,
                    note: cue.note.clone(),
                }
            })
            .collect()
    }

    /// Weights of the `tone_from` rows: how much each check's cue weight adds to tone.
    pub fn tone_from(&self) -> Vec<(&'static str, f64)> {
        self.cues.tone_from.iter().map(|(t, w)| (t.name(), *w)).collect()
    }

    fn run(&self, text: &str, ctx: &ReplyContext<'_>, canned: Option<&CannedIndex>) -> ReplyReport {
        let toks = Tokens::of(text);
        let words = &toks.words;
        let hits = self.cues.hits(&toks);
        let span = |start: usize, end: usize, note: String| Span {
            text: text.get(start..end).unwrap_or_default().to_string(),
            start,
            end,
            note,
        };

        let echoes = ctx.customer_text.map(|c| echoed_words(c, &toks)).unwrap_or_default();
        let echo_extra: Vec<(Span, f64)> = echoes
            .iter()
            .map(|&(s, e)| (span(s, e, "repeats the customer's own words".to_string()), ECHO_WEIGHT))
            .collect();

        let ack = self.positive(Target::Acknowledges, &hits, echo_extra, &span);
        let empathy = self.positive(Target::Empathy, &hits, Vec::new(), &span);
        let mut apology = self.positive(Target::Apology, &hits, Vec::new(), &span);
        apology.applicable = ctx.customer_negative;
        let next = self.positive(Target::NextStep, &hits, Vec::new(), &span);

        let blame = self.blame_check(&toks, &hits, text, ctx, [&apology, &empathy], &span);

        let name = name_check(text, ctx.customer_name, &span);
        let not_canned = canned_check(text, words, canned, &span);
        let readability = readability::readability(text, words);
        let readable = readable_check(words, &readability, &span);

        let mut tone_raw: f64 = self.counted(Target::Tone, &hits).map(|h| self.cues.cues[h.cue].weight).sum();
        for &(t, coef) in &self.cues.tone_from {
            let sum: f64 = self.counted(t, &hits).map(|h| self.cues.cues[h.cue].weight).sum();
            tone_raw += coef * sum;
        }
        // tanh(x/2) = 2·sigmoid(x) − 1: cue weights are on a log-odds scale
        // (they were fitted as logistic-regression coefficients).
        let tone = round3((tone_raw / 2.0).tanh());

        let checks = vec![ack, empathy, apology, name, next, blame, not_canned, readable];
        let score = if words.is_empty() { 0.0 } else { score_of(&checks) };
        ReplyReport { checks, readability, tone, score }
    }

    /// `no_blame_or_dismissal`. It fails on blaming, rude or talking-down cues
    /// (`no_blame_or_dismissal` rows) whatever else the reply says; on brush-offs
    /// (`brush_off` rows: a bare refusal, "a question for your local store")
    /// only when the reply offers nothing besides them — no apology, no empathy,
    /// no next step or alternative outside their words; on justifications
    /// (`justification` rows: "that's our policy", "he did his job") when it
    /// offers no next step or alternative besides, an apology or empathy
    /// notwithstanding; and on a reply that is nothing but `curt` words
    /// answering a complaint or a question ("Thank you." to "Still waiting!").
    /// The cue weights of the first three add up; every cue that counted is evidence.
    fn blame_check(
        &self,
        toks: &Tokens,
        hits: &[Hit],
        text: &str,
        ctx: &ReplyContext<'_>,
        warmth: [&ReplyCheck; 2],
        span: &dyn Fn(usize, usize, String) -> Span,
    ) -> ReplyCheck {
        let weight = |h: &&Hit| self.cues.cues[h.cue].weight;
        let overlaps = |a: &Hit, b: &Hit| a.first < b.last && b.first < a.last;
        let hard: Vec<&Hit> = self.counted(Target::Blame, hits).collect();
        // A brush-off inside a blaming cue ("per our policy, we cannot" in …) is already counted.
        let soft: Vec<&Hit> = self
            .counted(Target::BrushOff, hits)
            .chain(self.counted(Target::Justification, hits))
            .filter(|s| !hard.iter().any(|h| overlaps(h, s)))
            .collect();
        let mut sum: f64 = hard.iter().map(weight).sum();
        let helped = !soft.is_empty() && {
            // A next step made of the brush-off's own words ("you will have to contact …",
            // "please check the FAQ") is the brush-off, not help.
            let step: f64 = self
                .counted(Target::NextStep, hits)
                .filter(|n| !soft.iter().any(|s| overlaps(s, n)))
                .map(|h| self.cues.cues[h.cue].weight)
                .sum();
            let alternative: f64 = self.counted(Target::Alternative, hits).map(|h| self.cues.cues[h.cue].weight).sum();
            step >= PASS_AT - 1e-9 || alternative >= PASS_AT - 1e-9
        };
        let warm = warmth.iter().any(|c| c.passed);
        let is_justification = |h: &Hit| self.cues.cues[h.cue].target == Target::Justification;
        // "Sorry, that's our policy." regrets the outcome and defends it in one breath: the
        // apology makes a refusal courteous, but it does not turn a justification into help.
        let unmitigated: Vec<&Hit> =
            if helped { Vec::new() } else { soft.into_iter().filter(|h| !warm || is_justification(h)).collect() };
        let soft_sum: f64 = unmitigated.iter().map(weight).sum();
        sum += soft_sum;
        let curt = self.curt_hits(toks, hits, text, ctx);
        let failed = sum >= PASS_AT - 1e-9 || !curt.is_empty();
        let mut evidence = Vec::new();
        if failed {
            let note = |h: &Hit| self.cues.cues[h.cue].note.clone();
            let mut spans: Vec<&Hit> = if sum >= PASS_AT - 1e-9 { hard } else { Vec::new() };
            if sum >= PASS_AT - 1e-9 {
                spans.extend(unmitigated);
            }
            spans.sort_by_key(|h| (h.first, h.last));
            evidence.extend(spans.iter().take(MAX_EVIDENCE).map(|h| {
                let lacking = match self.cues.cues[h.cue].target {
                    Target::BrushOff => Some("apology, empathy, next step or alternative"),
                    Target::Justification => Some("next step or alternative"),
                    _ => None,
                };
                let n = lacking.map_or_else(|| note(h), |l| format!("{}, with no {l} besides", note(h)));
                span(h.start, h.end, n)
            }));
            evidence.extend(
                curt.iter()
                    .take(MAX_EVIDENCE.saturating_sub(evidence.len()))
                    .map(|h| span(h.start, h.end, format!("{}: the whole reply, to a complaint or question", note(h)))),
            );
        }
        ReplyCheck { name: Target::Blame.name(), passed: !failed, applicable: true, evidence }
    }

    /// The `curt` hits when they are the whole reply (a sign-off such as "^bc"
    /// aside) and it answers a complaint or a question; empty otherwise.
    fn curt_hits<'h>(&'h self, toks: &Tokens, hits: &'h [Hit], text: &str, ctx: &ReplyContext<'_>) -> Vec<&'h Hit> {
        let answers_something = ctx.customer_negative || ctx.customer_text.is_some_and(|c| c.contains('?'));
        let curt: Vec<&Hit> = if answers_something { self.counted(Target::Curt, hits).collect() } else { Vec::new() };
        if curt.is_empty() {
            return curt;
        }
        let end = signoff_start(text, toks);
        let mut covered = 0;
        for h in &curt {
            if h.first != covered {
                return Vec::new();
            }
            covered = h.last;
        }
        if covered < end || closes_as_the_customer_did(toks, &curt, ctx.customer_text) {
            return Vec::new();
        }
        curt
    }

    fn counted<'h>(&'h self, target: Target, hits: &'h [Hit]) -> impl Iterator<Item = &'h Hit> + 'h {
        hits.iter().filter(move |h| {
            let c = &self.cues.cues[h.cue];
            c.target == target && !h.negated && c.weight != 0.0
        })
    }

    fn positive(
        &self,
        target: Target,
        hits: &[Hit],
        extra: Vec<(Span, f64)>,
        span: &dyn Fn(usize, usize, String) -> Span,
    ) -> ReplyCheck {
        let counted: Vec<&Hit> = self.counted(target, hits).collect();
        let sum: f64 = counted.iter().map(|h| self.cues.cues[h.cue].weight).sum::<f64>()
            + extra.iter().map(|(_, w)| w).sum::<f64>();
        let passed = sum >= PASS_AT - 1e-9;
        let mut evidence: Vec<Span> = if passed {
            let mut ev: Vec<Span> =
                counted.iter().map(|h| span(h.start, h.end, self.cues.cues[h.cue].note.clone())).collect();
            ev.extend(extra.into_iter().map(|(s, _)| s));
            ev.sort_by_key(|s| (s.start, s.end));
            ev
        } else {
            hits.iter()
                .filter(|h| self.cues.cues[h.cue].target == target && h.negated)
                .map(|h| span(h.start, h.end, format!("negated: {}", self.cues.cues[h.cue].note)))
                .collect()
        };
        evidence.truncate(MAX_EVIDENCE);
        ReplyCheck { name: target.name(), passed, applicable: true, evidence }
    }
}

/// Whether the customer's last sentence holds a word of the `curt` hits: "Thanks!"
/// answering "… I'll retweet your reply! Thanks" returns a closing, it is not curt.
fn closes_as_the_customer_did(reply: &Tokens, curt: &[&Hit], customer: Option<&str>) -> bool {
    let Some(customer) = customer else { return false };
    let theirs = Tokens::of(customer);
    let Some(last) = theirs.toks.last().map(|t| t.sentence) else { return false };
    let closing: Vec<&str> =
        (0..theirs.len()).filter(|&i| theirs.toks[i].sentence == last).map(|i| theirs.norm(i)).collect();
    curt.iter().flat_map(|h| h.first..h.last).any(|i| closing.contains(&reply.norm(i)))
}

/// Most words a trailing sign-off ("^Monica", "- Sam") can have.
const SIGNOFF_WORDS: usize = 2;

/// Where the reply's trailing sign-off starts (its length when there is none):
/// agent initials after `^`, `*`, `~` or a dash ("^bc", "*TAC", "- Sam") and part
/// counters ("2/2") are not words of the reply.
fn signoff_start(text: &str, toks: &Tokens) -> usize {
    let mut end = toks.len();
    while end > 0 && is_part_counter(toks.norm(end - 1)) {
        end -= 1;
    }
    for k in (end.saturating_sub(SIGNOFF_WORDS)..end).rev() {
        let before = text.get(..toks.toks[k].start).unwrap_or_default().trim_end();
        if before.ends_with(['^', '*', '~', '-', '\u{2013}', '\u{2014}']) {
            return k;
        }
    }
    end
}

/// "1/2", "2/2": the part counter of a reply split over several posts.
fn is_part_counter(w: &str) -> bool {
    w.split_once('/').is_some_and(|(a, b)| {
        [a, b].iter().all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|c| c.is_ascii_digit()))
    })
}

/// `acknowledges_problem` from its cue weight and the number of echoed words.
fn ack_passes(cue_weight: f64, echoes: usize) -> bool {
    let echo_sum: f64 = (0..echoes).map(|_| ECHO_WEIGHT).sum();
    cue_weight + echo_sum >= PASS_AT - 1e-9
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn score_of(checks: &[ReplyCheck]) -> f64 {
    let (mut got, mut total) = (0.0, 0.0);
    for c in checks.iter().filter(|c| c.applicable) {
        let w = CHECKS.iter().find(|(n, _)| *n == c.name).map_or(1.0, |(_, w)| *w);
        total += w;
        if c.passed {
            got += w;
        }
    }
    let mut score = if total > 0.0 { 100.0 * got / total } else { 0.0 };
    if checks.iter().any(|c| c.name == "no_blame_or_dismissal" && !c.passed) {
        score = score.min(BLAME_CAP);
    }
    (score * 10.0).round() / 10.0
}

/// Function words and support boilerplate that do not show the reply is
/// about the customer's problem.
fn is_echo_stop(w: &str) -> bool {
    matches!(
        w,
        "about"
            | "after"
            | "again"
            | "also"
            | "been"
            | "before"
            | "being"
            | "could"
            | "does"
            | "doing"
            | "from"
            | "have"
            | "having"
            | "hello"
            | "here"
            | "into"
            | "just"
            | "know"
            | "like"
            | "make"
            | "more"
            | "much"
            | "need"
            | "please"
            | "really"
            | "same"
            | "should"
            | "some"
            | "still"
            | "than"
            | "thank"
            | "thanks"
            | "that"
            | "their"
            | "them"
            | "then"
            | "there"
            | "these"
            | "they"
            | "thing"
            | "this"
            | "those"
            | "very"
            | "want"
            | "were"
            | "what"
            | "when"
            | "where"
            | "which"
            | "while"
            | "will"
            | "with"
            | "would"
            | "your"
            | "yours"
            | "help"
            | "today"
            | "time"
            | "only"
            | "even"
            | "back"
            | "over"
            | "because"
            | "since"
            | "going"
            | "getting"
            | "anyone"
            | "someone"
            | "something"
            | "anything"
            | "nothing"
            | "everything"
            | "good"
            | "morning"
            | "afternoon"
            | "evening"
            | "night"
    )
}

/// First occurrence in the reply of each distinct content word of the customer's text.
fn echoed_words(customer: &str, toks: &Tokens) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    each_echo(&Tokens::of(customer), toks, &mut Vec::new(), &mut Vec::new(), |t| {
        out.push((toks.toks[t].start, toks.toks[t].end))
    });
    out
}

/// A word that shows the reply is about the customer's problem when repeated.
fn is_content(w: &str) -> bool {
    // At least as many bytes as chars: the byte length rules most words out at once.
    w.len() >= 4 && w.chars().count() >= 4 && w.chars().all(char::is_alphabetic) && !is_echo_stop(w)
}

/// Calls `found(i)` for each reply token `i` that is the first occurrence of a
/// distinct content word of the customer's tokens. `theirs` and `matched` are
/// buffers (cleared first): the customer's distinct content words, sorted by
/// hash so each reply token costs one binary search, and whether each was seen.
fn each_echo(
    customer: &Tokens,
    reply: &Tokens,
    theirs: &mut Vec<(u64, usize)>,
    matched: &mut Vec<bool>,
    mut found: impl FnMut(usize),
) {
    theirs.clear();
    theirs.extend(
        customer.toks.iter().enumerate().filter(|&(i, _)| is_content(customer.norm(i))).map(|(i, t)| (t.hash, i)),
    );
    let form = |k: usize| customer.norm(k);
    theirs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| form(a.1).cmp(form(b.1))));
    theirs.dedup_by(|a, b| a.0 == b.0 && form(a.1) == form(b.1));
    if theirs.is_empty() {
        return;
    }
    matched.clear();
    matched.resize(theirs.len(), false);
    for (i, t) in reply.toks.iter().enumerate() {
        let from = theirs.partition_point(|e| e.0 < t.hash);
        // Equal hashes are compared as text, so a hash collision cannot make an echo.
        let hit = theirs[from..].iter().take_while(|e| e.0 == t.hash).position(|e| form(e.1) == reply.norm(i));
        if let Some(k) = hit.map(|k| from + k)
            && !matched[k]
        {
            matched[k] = true;
            found(i);
        }
    }
}

const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dear"];

/// The name to look for: the first word that is not a title.
fn first_name(full: &str) -> Option<&str> {
    full.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .find(|w| !TITLES.iter().any(|t| w.eq_ignore_ascii_case(t)))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c as u32, 0x0300..=0x036F)
}

/// Case-insensitive whole-word occurrences of `needle` in `hay`.
fn find_word_ci(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    let pattern: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    if pattern.is_empty() {
        return out;
    }
    let mut prev: Option<char> = None;
    for (i, c) in hay.char_indices() {
        let at_word_start = is_word_char(c) && !prev.is_some_and(is_word_char);
        prev = Some(c);
        if !at_word_start {
            continue;
        }
        let mut k = 0;
        let mut end = None;
        for (j, d) in hay[i..].char_indices() {
            let lower: Vec<char> = d.to_lowercase().collect();
            if pattern.get(k..k + lower.len()) != Some(lower.as_slice()) {
                break;
            }
            k += lower.len();
            if k == pattern.len() {
                end = Some(i + j + d.len_utf8());
                break;
            }
        }
        if let Some(e) = end
            && !hay[e..].chars().next().is_some_and(is_word_char)
        {
            out.push((i, e));
        }
    }
    out
}

fn name_check(text: &str, name: Option<&str>, span: &dyn Fn(usize, usize, String) -> Span) -> ReplyCheck {
    let first = name.and_then(first_name);
    let found = first.map(|n| find_word_ci(text, n)).unwrap_or_default();
    let evidence: Vec<Span> =
        found.iter().take(MAX_EVIDENCE).map(|&(s, e)| span(s, e, "customer's name".to_string())).collect();
    ReplyCheck { name: "uses_customer_name", passed: !evidence.is_empty(), applicable: first.is_some(), evidence }
}

fn canned_check(
    text: &str,
    words: &[text::Word],
    canned: Option<&CannedIndex>,
    span: &dyn Fn(usize, usize, String) -> Span,
) -> ReplyCheck {
    let applicable = canned.is_some_and(|c| !c.is_empty());
    let nearest = canned.and_then(|c| c.nearest(text));
    let mut check = ReplyCheck { name: "not_canned", passed: true, applicable, evidence: Vec::new() };
    if let (Some((id, sim)), Some(first), Some(last)) = (nearest, words.first(), words.last())
        && sim >= CANNED_THRESHOLD
    {
        check.passed = false;
        check.evidence.push(span(
            first.start,
            last.end,
            format!("near-copy of canned text {id} (similarity {:.2})", sim),
        ));
    }
    check
}

fn readable_check(words: &[text::Word], r: &Readability, span: &dyn Fn(usize, usize, String) -> Span) -> ReplyCheck {
    let passed = r.words < 8 || r.flesch_reading_ease >= READABLE_MIN_EASE;
    let mut check = ReplyCheck { name: "readable", passed, applicable: true, evidence: Vec::new() };
    if !passed {
        // The longest sentence is usually the one to split.
        let mut best: Option<(usize, usize, usize)> = None;
        let mut i = 0;
        while i < words.len() {
            let s = words[i].sentence;
            let j = words[i..].iter().position(|w| w.sentence != s).map_or(words.len(), |k| i + k);
            if best.is_none_or(|(n, _, _)| j - i > n) {
                best = Some((j - i, i, j - 1));
            }
            i = j;
        }
        if let Some((n, a, b)) = best {
            check.evidence.push(span(
                words[a].start,
                words[b].end,
                format!("longest sentence: {n} words (reading ease {:.0})", r.flesch_reading_ease),
            ));
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_cues_parse_without_errors() {
        ReplyChecker::from_tsv(BUILTIN_CUES).unwrap();
    }

    /// The fast path must decide exactly as the full report does: checked on
    /// replies stitched from cue words, negators, punctuation and customer
    /// words (deterministic pseudo-random), with and without a customer text.
    #[test]
    fn acknowledgement_agrees_with_the_full_report() {
        // Whole cue phrases (so that checks do pass), and their single words.
        let phrases: Vec<&str> =
            BUILTIN_CUES.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split('\t').nth(1)).collect();
        let cue_words: Vec<&str> = phrases
            .iter()
            .flat_map(|p| p.split([' ', '|']))
            .map(|w| w.trim_matches(|c| c == '*' || c == '^'))
            .filter(|w| !w.is_empty() && !w.starts_with('<') && *w != "..." && *w != "$")
            .collect();
        let extra = ["not", "no", "never", "but", "I", "we", "parcel", "refund", "login", "broken", "3pm", "Friday"];
        let seps = [" ", " ", " ", ", ", ". ", "! ", "? ", " - ", "\n", " don't ", " I'm ", " we've "];
        let customers = [None, Some("My parcel never arrived and the refund is broken"), Some("login fails, again!")];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut scratch = ReplyScratch::default();
        let checker = ReplyChecker::new();
        let (mut acks, mut empathies) = (0, 0);
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..1 + next(8) {
                match next(3) {
                    0 => text.push_str(extra[next(extra.len())]),
                    1 => text.push_str(cue_words[next(cue_words.len())]),
                    _ => {
                        for item in phrases[next(phrases.len())].split(' ') {
                            let alts: Vec<&str> = item.split('|').collect();
                            let w = alts[next(alts.len())];
                            let w = match w {
                                "^" | "..." | "$" => {
                                    if next(2) == 0 {
                                        ""
                                    } else {
                                        extra[next(extra.len())]
                                    }
                                }
                                "<num>" => "24",
                                "<day>" => "Monday",
                                "<time>" => "3pm",
                                "<unit>" => "hours",
                                w if w.starts_with('<') => "12/03",
                                w => w.trim_end_matches('*'),
                            };
                            text.push_str(w);
                            text.push(' ');
                        }
                    }
                }
                text.push_str(seps[next(seps.len())]);
            }
            let ctx = ReplyContext {
                customer_name: None,
                customer_negative: next(2) == 0,
                customer_text: customers[next(3)],
            };
            let full = checker.check(&text, &ctx);
            let passed = |name: &str| full.check(name).is_some_and(|c| c.passed);
            let fast = checker.acknowledgement_with(&text, &ctx, &mut scratch);
            assert_eq!(fast.acknowledges_problem, passed("acknowledges_problem"), "{text:?} {ctx:?}");
            assert_eq!(fast.expresses_empathy, passed("expresses_empathy"), "{text:?} {ctx:?}");
            assert_eq!(acknowledgement(&text, &ctx), fast);
            let either = fast.acknowledges_problem || fast.expresses_empathy;
            assert_eq!(checker.acknowledges_or_empathises_with(&text, &ctx, &mut scratch), either, "{text:?}");
            acks += usize::from(fast.acknowledges_problem);
            empathies += usize::from(fast.expresses_empathy);
        }
        // Both verdicts occur often enough for the comparison to mean something.
        assert!(acks > 200 && empathies > 200, "{acks} {empathies}");
    }

    #[test]
    fn first_name_skips_titles() {
        assert_eq!(first_name("Mr. John Smith"), Some("John"));
        assert_eq!(first_name("  anna "), Some("anna"));
        assert_eq!(first_name("Dr"), None);
        assert_eq!(first_name(""), None);
    }

    #[test]
    fn name_search_is_whole_word_and_case_insensitive() {
        assert_eq!(find_word_ci("Hi ANNA, Annabel and anna's", "Anna"), vec![(3, 7), (21, 25)]);
        assert_eq!(find_word_ci("Zoë, ZOË", "zoë"), vec![(0, 4), (6, 10)]);
        assert!(find_word_ci("Hannah", "anna").is_empty());
    }
}
