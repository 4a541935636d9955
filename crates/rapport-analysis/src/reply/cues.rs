//! Cue phrases (data/reply_cues.tsv): parsing and matching.
//!
//! Phrase syntax, one element per space-separated item:
//! - a word, matched on the normalised token ("I've" in a phrase matches "I have" in a reply);
//! - `word*`, any token starting with `word` ("apologi*");
//! - `a|b|c*`, any one of these single words or prefixes;
//! - `...` (or `…`), a gap of 0 to 4 tokens inside the same sentence;
//! - `<num>`, `<day>`, `<month>`, `<unit>`, `<time>`, `<date>`: token classes;
//! - `^` as the first item: the phrase must start a sentence;
//! - `$` as the last item: the phrase must end a clause (a comma, a sentence
//!   end or the end of the text), so "^ no $" is the bare "No." and not "No problem".
//!
//! A row with weight 0 is an exception: it marks a phrase that contains a cue
//! but is not one ("you should have received" is not blame), and hits of the
//! same check that overlap it are dropped.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use super::text::{self, Tokens};

/// Which check (or tone input) a cue row feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum Target {
    Acknowledges,
    Empathy,
    Apology,
    NextStep,
    Blame,
    /// `brush_off` rows: refusals, deflection, denial. They fail
    /// `no_blame_or_dismissal` only when the reply offers nothing besides.
    BrushOff,
    /// `justification` rows: the outcome defended instead of addressed (policy,
    /// terms, "our staff are professionals", "he did his job"). Like `brush_off`,
    /// except that an apology or empathy does not soften them.
    Justification,
    /// `alternative` rows: an offer made instead ("but I can offer"); it keeps
    /// a brush-off from failing the check.
    Alternative,
    /// `curt` rows: a reply made of nothing but these words is curt when it
    /// answers a complaint or a question ("Thank you.", "Noted.").
    Curt,
    Tone,
    /// `tone_from` rows: how much a check's cue weight adds to tone.
    ToneFrom,
}

impl Target {
    pub(crate) fn parse(s: &str) -> Option<Target> {
        Some(match s {
            "acknowledges_problem" => Target::Acknowledges,
            "expresses_empathy" => Target::Empathy,
            "apologises" => Target::Apology,
            "gives_next_step" => Target::NextStep,
            "no_blame_or_dismissal" => Target::Blame,
            "brush_off" => Target::BrushOff,
            "justification" => Target::Justification,
            "alternative" => Target::Alternative,
            "curt" => Target::Curt,
            "tone" => Target::Tone,
            "tone_from" => Target::ToneFrom,
            _ => return None,
        })
    }

    /// This target's bit in a [`TargetMask`].
    pub(crate) fn bit(self) -> TargetMask {
        1 << (self as u8)
    }

    /// The bit overlaps and exceptions are resolved on: a justification and a
    /// brush-off are two kinds of one brush-off, so "per our policy, we cannot"
    /// must not count again as "we cannot".
    fn overlap_bit(self) -> TargetMask {
        match self {
            Target::Justification => Target::BrushOff.bit(),
            t => t.bit(),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Target::Acknowledges => "acknowledges_problem",
            Target::Empathy => "expresses_empathy",
            Target::Apology => "apologises",
            Target::NextStep => "gives_next_step",
            Target::Blame => "no_blame_or_dismissal",
            Target::BrushOff => "brush_off",
            Target::Justification => "justification",
            Target::Alternative => "alternative",
            Target::Curt => "curt",
            Target::Tone => "tone",
            Target::ToneFrom => "tone_from",
        }
    }
}

/// A set of [`Target`]s, one bit each: which checks to match cues for.
pub(crate) type TargetMask = u16;

/// Every target.
pub(crate) const ALL_TARGETS: TargetMask = TargetMask::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Num,
    Day,
    Month,
    Unit,
    Time,
    Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Lit(String),
    Prefix(String),
    Class(Class),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Elem {
    Lit(String),
    Prefix(String),
    Alt(Vec<Atom>),
    Gap,
    Class(Class),
}

fn parse_class(s: &str) -> Option<Class> {
    Some(match s {
        "<num>" => Class::Num,
        "<day>" => Class::Day,
        "<month>" => Class::Month,
        "<unit>" => Class::Unit,
        "<time>" => Class::Time,
        "<date>" => Class::Date,
        _ => return None,
    })
}

fn parse_atom(s: &str) -> Result<Atom, String> {
    if s.starts_with('<') {
        return parse_class(s).map(Atom::Class).ok_or_else(|| format!("unknown class {s}"));
    }
    if s.len() > 1 && s.ends_with('*') {
        let stem: String = s.trim_end_matches('*').to_lowercase();
        if stem.is_empty() || !stem.chars().all(|c| c.is_alphanumeric() || c == '\'') {
            return Err(format!("bad prefix {s}"));
        }
        return Ok(Atom::Prefix(stem));
    }
    let toks = Tokens::of(s);
    match toks.len() {
        1 => Ok(Atom::Lit(toks.norm(0).to_owned())),
        0 => Err(format!("'{s}' has no word in it")),
        _ => Err(format!("'{s}' is more than one word; alternatives must be single words")),
    }
}

const MAX_GAP: usize = 4;
const MAX_ELEMS: usize = 12;

#[derive(Debug, Clone)]
pub(crate) struct Cue {
    pub target: Target,
    pub phrase: String,
    pub weight: f64,
    pub note: String,
    sent_start: bool,
    clause_end: bool,
    elems: Vec<Elem>,
}

/// A malformed line in a cue file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "reply cues line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CueError {}

/// The cue index is keyed by [`text::hash`] values, which are already well
/// mixed: hashing them again would only cost time.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not reached for u64 keys; a plain fold keeps it correct anyway.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The parsed cue table with a first-word index, so matching costs one hash
/// lookup per token (on the hash the token already carries) rather than one
/// pattern test per cue.
#[derive(Debug, Clone, Default)]
pub(crate) struct CueSet {
    pub cues: Vec<Cue>,
    by_first: HashMap<u64, Vec<usize>, BuildHasherDefault<PassThrough>>,
    unindexed: Vec<usize>,
    /// `tone_from` coefficients by check.
    pub tone_from: Vec<(Target, f64)>,
}

/// Buffers for [`CueSet::hits`], reused from text to text.
#[derive(Debug, Clone, Default)]
pub(crate) struct HitScratch {
    raw: Vec<Hit>,
    rest: Vec<Hit>,
    excluded: Vec<TargetMask>,
    taken: Vec<TargetMask>,
    /// The resolved hits of the last call, in text order.
    pub kept: Vec<Hit>,
}

/// One cue found in a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub cue: usize,
    /// Token range [first, last).
    pub first: usize,
    pub last: usize,
    pub start: usize,
    pub end: usize,
    pub negated: bool,
}

/// A parsed phrase: whether it must start a sentence, whether it must end a
/// clause, and its elements.
type Parsed = (bool, bool, Vec<Elem>);

fn parse_elems(phrase: &str) -> Result<Parsed, String> {
    let mut sent_start = false;
    let mut clause_end = false;
    let mut elems = Vec::new();
    let items: Vec<&str> = phrase.split_whitespace().collect();
    for (k, &item) in items.iter().enumerate() {
        match item {
            "^" if k == 0 => sent_start = true,
            "^" => return Err("'^' is only allowed first".into()),
            "$" if k + 1 == items.len() && !elems.is_empty() => clause_end = true,
            "$" => return Err("'$' is only allowed last, after a word".into()),
            "..." | "\u{2026}" => {
                if elems.is_empty() || elems.last() == Some(&Elem::Gap) {
                    return Err("a gap must follow a word".into());
                }
                elems.push(Elem::Gap);
            }
            s if s.contains('|') => {
                let atoms = s.split('|').map(parse_atom).collect::<Result<Vec<_>, _>>()?;
                elems.push(Elem::Alt(atoms));
            }
            s if s.starts_with('<') || (s.len() > 1 && s.ends_with('*')) => match parse_atom(s)? {
                Atom::Prefix(p) => elems.push(Elem::Prefix(p)),
                Atom::Lit(w) => elems.push(Elem::Lit(w)),
                Atom::Class(c) => elems.push(Elem::Class(c)),
            },
            s => {
                let toks = Tokens::of(s);
                if toks.len() == 0 {
                    return Err(format!("'{s}' has no word in it"));
                }
                elems.extend(toks.norms().map(|w| Elem::Lit(w.to_owned())));
            }
        }
    }
    if elems.is_empty() {
        return Err("empty phrase".into());
    }
    if elems.last() == Some(&Elem::Gap) {
        return Err("a phrase cannot end with a gap".into());
    }
    if elems.len() > MAX_ELEMS {
        return Err(format!("more than {MAX_ELEMS} items"));
    }
    Ok((sent_start, clause_end, elems))
}

impl CueSet {
    /// Parses a cue table. With `strict`, the first bad line is an error;
    /// otherwise bad lines are skipped.
    pub(crate) fn parse(tsv: &str, strict: bool) -> Result<CueSet, CueError> {
        let mut set = CueSet::default();
        for (n, line) in tsv.lines().enumerate() {
            let line_no = n + 1;
            let trimmed = line.trim_end_matches('\r');
            if trimmed.trim().is_empty() || trimmed.starts_with('#') {
                continue;
            }
            match parse_line(trimmed) {
                Ok(cue) => set.push(cue),
                Err(message) if strict => return Err(CueError { line: line_no, message }),
                Err(_) => {}
            }
        }
        Ok(set)
    }

    fn push(&mut self, cue: Cue) {
        if cue.target == Target::ToneFrom {
            if let Some(t) = Target::parse(cue.phrase.trim()) {
                self.tone_from.push((t, cue.weight));
            }
            return;
        }
        let idx = self.cues.len();
        match cue.elems.first() {
            Some(Elem::Lit(w)) => self.by_first.entry(text::hash(w)).or_default().push(idx),
            Some(Elem::Alt(atoms)) if atoms.iter().all(|a| matches!(a, Atom::Lit(_))) => {
                for a in atoms {
                    if let Atom::Lit(w) = a {
                        let v = self.by_first.entry(text::hash(w)).or_default();
                        if v.last() != Some(&idx) {
                            v.push(idx);
                        }
                    }
                }
            }
            _ => self.unindexed.push(idx),
        }
        self.cues.push(cue);
    }

    /// All hits in `toks` of the cues of the targets in `mask`, before
    /// de-duplication, into `out` (cleared first).
    fn raw_hits(&self, toks: &Tokens, mask: TargetMask, out: &mut Vec<Hit>) {
        out.clear();
        for (i, tok) in toks.toks.iter().enumerate() {
            let indexed = self.by_first.get(&tok.hash).map_or(&[][..], Vec::as_slice);
            for &c in indexed.iter().chain(&self.unindexed) {
                let cue = &self.cues[c];
                if cue.target.bit() & mask == 0 || (cue.sent_start && !tok.sent_start) {
                    continue;
                }
                let mut gap_negated = false;
                if let Some(last) = match_from(&cue.elems, toks, i, tok.sentence, None, &mut gap_negated) {
                    if cue.clause_end && !ends_clause(toks, last) {
                        continue;
                    }
                    let negated = gap_negated || negated_before(toks, i, &cue.elems);
                    let end = toks.toks[last - 1].end;
                    out.push(Hit { cue: c, first: i, last, start: tok.start, end, negated });
                }
            }
        }
    }

    /// Hits after exceptions and overlaps are resolved: per target, an
    /// exception (weight 0) removes the hits it overlaps, and of overlapping
    /// hits the longest (then the strongest) wins, so "so sorry" is not
    /// counted again as "sorry".
    pub(crate) fn hits(&self, toks: &Tokens) -> Vec<Hit> {
        let mut scratch = HitScratch::default();
        self.hits_into(toks, ALL_TARGETS, &mut scratch);
        scratch.kept
    }

    /// [`CueSet::hits`] for the targets in `mask` only, into `s.kept`. Targets
    /// never interact (exceptions and overlaps are resolved per target, with
    /// `brush_off` and `justification` as one), so the hits of a target are the
    /// same whatever else the mask holds, as long as it holds both or neither of those two.
    pub(crate) fn hits_into(&self, toks: &Tokens, mask: TargetMask, s: &mut HitScratch) {
        self.raw_hits(toks, mask, &mut s.raw);
        let bit = |h: &Hit| self.cues[h.cue].target.overlap_bit();
        // Per-token bitmasks of targets, so resolving overlaps stays linear
        // in the text length even for a pasted log full of cues.
        s.excluded.clear();
        s.excluded.resize(toks.len(), 0);
        s.taken.clear();
        s.taken.resize(toks.len(), 0);
        for e in s.raw.iter().filter(|h| self.cues[h.cue].weight == 0.0) {
            for m in &mut s.excluded[e.first..e.last] {
                *m |= bit(e);
            }
        }
        s.rest.clear();
        let excluded = &s.excluded;
        s.rest.extend(
            s.raw
                .drain(..)
                .filter(|h| self.cues[h.cue].weight != 0.0)
                .filter(|h| excluded[h.first..h.last].iter().all(|m| m & bit(h) == 0)),
        );
        // A sentence-anchored phrase is more specific than the same words
        // unanchored ("^ please" is a different politeness cue than "please").
        let specificity = |h: &Hit| 2 * (h.last - h.first) + usize::from(self.cues[h.cue].sent_start);
        s.rest.sort_by(|a, b| {
            specificity(b)
                .cmp(&specificity(a))
                .then(self.cues[b.cue].weight.abs().total_cmp(&self.cues[a.cue].weight.abs()))
                .then(a.first.cmp(&b.first))
        });
        s.kept.clear();
        for h in s.rest.drain(..) {
            let b = bit(&h);
            if s.taken[h.first..h.last].iter().all(|m| m & b == 0) {
                for m in &mut s.taken[h.first..h.last] {
                    *m |= b;
                }
                s.kept.push(h);
            }
        }
        s.kept.sort_by_key(|h| (h.first, h.cue));
    }
}

fn parse_line(line: &str) -> Result<Cue, String> {
    let cols: Vec<&str> = line.split('\t').collect();
    if cols.len() < 3 || cols.len() > 4 {
        return Err(format!("expected 4 tab-separated columns, found {}", cols.len()));
    }
    let target = Target::parse(cols[0].trim()).ok_or_else(|| format!("unknown check '{}'", cols[0].trim()))?;
    let phrase = cols[1].trim().to_string();
    let weight: f64 = cols[2].trim().parse().map_err(|_| format!("bad weight '{}'", cols[2].trim()))?;
    if !weight.is_finite() {
        return Err("weight must be finite".into());
    }
    let note = cols.get(3).map(|s| s.trim().to_string()).unwrap_or_default();
    if target == Target::ToneFrom {
        if Target::parse(&phrase)
            .is_none_or(|t| matches!(t, Target::Tone | Target::ToneFrom | Target::Alternative | Target::Curt))
        {
            return Err(format!("tone_from needs a check name, got '{phrase}'"));
        }
        return Ok(Cue { target, phrase, weight, note, sent_start: false, clause_end: false, elems: Vec::new() });
    }
    let (sent_start, clause_end, elems) = parse_elems(&phrase)?;
    Ok(Cue { target, phrase, weight, note, sent_start, clause_end, elems })
}

/// Matches `elems` starting at token `i`; returns the end of the match.
/// Gaps are lazy (shortest first) and never cross a sentence. A negator
/// swallowed by a gap negates the match ("we will not … by Friday").
/// `clause` is the clause of the previous matched word, when the previous
/// element was a word: adjacent words must share a clause.
fn match_from(
    elems: &[Elem],
    toks: &Tokens,
    i: usize,
    sentence: u32,
    clause: Option<u32>,
    gap_negated: &mut bool,
) -> Option<usize> {
    let Some((first, rest)) = elems.split_first() else { return Some(i) };
    if *first == Elem::Gap {
        for skip in 0..=MAX_GAP {
            let j = i + skip;
            if j > toks.len() {
                break;
            }
            if skip > 0 && toks.toks[j - 1].sentence != sentence {
                break;
            }
            let mut inner = false;
            if let Some(end) = match_from(rest, toks, j, sentence, None, &mut inner) {
                *gap_negated = inner || (i..j).map(|k| toks.norm(k)).any(|w| is_negator(w) || w == "no");
                return Some(end);
            }
        }
        return None;
    }
    let tok = toks.toks.get(i)?;
    if tok.sentence != sentence || clause.is_some_and(|c| c != tok.clause) || !elem_matches(first, toks.norm(i)) {
        return None;
    }
    match_from(rest, toks, i + 1, sentence, Some(tok.clause), gap_negated)
}

/// Whether a match ending before token `end` ends its clause: `end` starts
/// another clause, or the text ends there.
fn ends_clause(toks: &Tokens, end: usize) -> bool {
    match (end.checked_sub(1).and_then(|k| toks.toks.get(k)), toks.toks.get(end)) {
        (Some(last), Some(next)) => next.clause != last.clause,
        _ => true,
    }
}

fn elem_matches(e: &Elem, norm: &str) -> bool {
    match e {
        Elem::Lit(w) => w == norm,
        Elem::Prefix(p) => norm.starts_with(p.as_str()),
        Elem::Alt(atoms) => atoms.iter().any(|a| match a {
            Atom::Lit(w) => w == norm,
            Atom::Prefix(p) => norm.starts_with(p.as_str()),
            Atom::Class(c) => class_matches(*c, norm),
        }),
        Elem::Gap => false,
        Elem::Class(c) => class_matches(*c, norm),
    }
}

fn is_negator(w: &str) -> bool {
    matches!(w, "not" | "never" | "neither" | "nor" | "hardly" | "barely")
}

fn is_subject(w: &str) -> bool {
    matches!(w, "i" | "we" | "you" | "they" | "he" | "she")
}

/// Pronouns that can only be subjects; "you" is left out because it is as
/// often an object ("we cannot refund you by Friday").
fn is_nominative(w: &str) -> bool {
    matches!(w, "i" | "we" | "they" | "he" | "she")
}

const NEGATION_WINDOW: usize = 6;

/// Whether the hit starting at token `i` sits in the scope of a negator:
/// "not sorry", "this is not your fault", "I do not think it is your fault".
/// The scope ends at a clause boundary, a contrast word or a new subject
/// ("I", "we" …), so
/// "Don't worry, I understand" and "no worries I understand" are not negated.
fn negated_before(toks: &Tokens, i: usize, elems: &[Elem]) -> bool {
    let starts_own_clause = match elems.first() {
        Some(Elem::Lit(w)) => is_subject(w) || is_negator(w),
        Some(Elem::Alt(atoms)) => atoms.iter().all(|a| matches!(a, Atom::Lit(w) if is_subject(w) || is_negator(w))),
        _ => false,
    };
    if starts_own_clause {
        return false;
    }
    let clause = toks.toks[i].clause;
    for back in 1..=NEGATION_WINDOW.min(i) {
        if toks.toks[i - back].clause != clause {
            return false;
        }
        let w = toks.norm(i - back);
        if is_negator(w) || (w == "no" && back == 1) {
            return true;
        }
        if is_nominative(w) || matches!(w, "but" | "however" | "although" | "though" | "yet") {
            return false;
        }
    }
    false
}

fn class_matches(c: Class, w: &str) -> bool {
    match c {
        Class::Num => is_number(w),
        Class::Day => matches!(
            w,
            "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "today"
                | "tomorrow"
                | "tonight"
                | "weekend"
        ),
        Class::Month => matches!(
            w,
            "january"
                | "february"
                | "march"
                | "april"
                | "may"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
                | "jan"
                | "feb"
                | "apr"
                | "jun"
                | "jul"
                | "aug"
                | "sep"
                | "sept"
                | "oct"
                | "nov"
                | "dec"
        ),
        Class::Unit => matches!(
            w,
            "minute" | "minutes" | "mins" | "hour" | "hours" | "hrs" | "day" | "days" | "week" | "weeks" | "month"
        ),
        Class::Time => is_time(w),
        Class::Date => is_date(w),
    }
}

fn is_number(w: &str) -> bool {
    let digits =
        w.chars().any(|c| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-'));
    digits
        || matches!(
            w,
            "one"
                | "two"
                | "three"
                | "four"
                | "five"
                | "six"
                | "seven"
                | "eight"
                | "nine"
                | "ten"
                | "eleven"
                | "twelve"
                | "fourteen"
                | "fifteen"
                | "twenty"
                | "thirty"
                | "forty"
                | "fifty"
                | "sixty"
                | "ninety"
                | "a"
                | "an"
        )
}

/// "3pm", "10am", "15:30", "9.45am", "noon".
fn is_time(w: &str) -> bool {
    if matches!(w, "noon" | "midnight") {
        return true;
    }
    let (clock, meridiem) = match w.strip_suffix("am").or_else(|| w.strip_suffix("pm")) {
        Some(c) => (c, true),
        None => (w, false),
    };
    let parts: Vec<&str> = clock.split([':', '.']).collect();
    let all_digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [h] => meridiem && all_digits(h),
        [h, m] => all_digits(h) && m.len() == 2 && all_digits(m),
        _ => false,
    }
}

/// "12/03", "2025-03-12", "12/03/2025", "3rd", "21st".
fn is_date(w: &str) -> bool {
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(n) = w.strip_suffix(suffix)
            && !n.is_empty()
            && n.len() <= 2
            && n.chars().all(|c| c.is_ascii_digit())
        {
            return true;
        }
    }
    let parts: Vec<&str> = w.split(['/', '-']).collect();
    // "1/2", "2/3": the part counters of a reply split over several posts, not a day and month.
    if let [a, b] = parts.as_slice()
        && a.len() == 1
        && b.len() == 1
        && a <= b
    {
        return false;
    }
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
        && w.contains(['/', '-'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_time("3pm") && is_time("15:30") && is_time("9.45am") && !is_time("1234") && !is_time("pm"));
        assert!(is_date("12/03/2025") && is_date("2025-03-12") && is_date("3rd") && !is_date("24"));
        assert!(!is_date("1/2") && !is_date("2/2") && is_date("3/1") && is_date("12/3"));
        assert!(is_number("24") && is_number("24-48") && !is_number("-"));
    }

    #[test]
    fn bad_lines_are_reported() {
        let e = CueSet::parse("apologises\tsorry\tx\tn\n", true).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(CueSet::parse("nope\tsorry\t1\tn\n", true).is_err());
        assert!(CueSet::parse("apologises\t... sorry\t1\tn\n", true).is_err());
        assert!(CueSet::parse("apologises\tsorry ...\t1\tn\n", true).is_err());
        assert!(CueSet::parse("tone_from\ttone\t1\tn\n", true).is_err());
        assert!(CueSet::parse("apologises\t$ sorry\t1\tn\n", true).is_err());
        assert!(CueSet::parse("apologises\t^ $\t1\tn\n", true).is_err());
        assert!(CueSet::parse("apologises\tsorry $ now\t1\tn\n", true).is_err());
        assert!(CueSet::parse("# c\n\napologises\tsorry\t1\t\n", true).is_ok());
    }

    #[test]
    fn a_clause_end_anchor_needs_the_clause_to_end_after_the_phrase() {
        let set = CueSet::parse("brush_off\t^ no $\t1\tbare no\n", true).unwrap();
        let found = |t: &str| !set.hits(&Tokens::of(t)).is_empty();
        assert!(found("No.") && found("No. Fees apply.") && found("No, fees apply.") && found("no"));
        assert!(!found("No problem, we'll refund the fees today.") && !found("Sorry, no."));
    }
}
