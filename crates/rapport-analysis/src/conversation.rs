//! Conversation-level mood (PRODUCT.md §2 C3, §3 `mood_drop`, `lack_of_empathy`, `no_update`).
//!
//! Works on already-scored turns, so it does not depend on how a message was
//! scored: the caller passes each customer message's sentiment and, for agent
//! turns, whether the reply acknowledged the problem or showed empathy (see
//! [`crate::reply`]).
//!
//! ```
//! use rapport_analysis::conversation::{analyze_conversation, ConversationConfig, Side, Turn};
//!
//! let c = |at_ms, score| Turn { side: Side::Customer, at_ms, score, is_question: false, agent_acknowledges: false };
//! let a = |at_ms, ack| Turn { side: Side::Agent, at_ms, score: 0.0, is_question: false, agent_acknowledges: ack };
//! let turns = [c(0, 0.3), a(60_000, false), c(120_000, -0.4), a(180_000, true), c(600_000, 0.2)];
//! let r = analyze_conversation(&turns, &ConversationConfig::default());
//! assert_eq!(r.drops.len(), 1);               // 0.3 → -0.4 falls 0.7
//! assert_eq!(r.recovery_ms, Some(480_000));   // negative at 2 min, neutral again at 10 min
//! assert!(r.recovered && r.empathy_gaps.is_empty());
//! ```

use serde::{Deserialize, Serialize};

/// Who wrote a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Customer,
    Agent,
}

/// One message of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub side: Side,
    /// Milliseconds since any fixed epoch; only differences matter.
    pub at_ms: i64,
    /// Customer sentiment in [-1, 1] (values outside are clamped; NaN and
    /// infinities leave the turn out of the trajectory). Ignored for agent turns.
    pub score: f64,
    pub is_question: bool,
    /// Agent turns: the reply passed `acknowledges_problem` or `expresses_empathy`.
    pub agent_acknowledges: bool,
}

/// Thresholds; the defaults follow the usual VADER-style neutral band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConversationConfig {
    /// A fall of at least this much between consecutive customer messages is a drop.
    pub drop_threshold: f64,
    /// A customer message scoring below this is negative.
    pub negative_below: f64,
    /// A customer message scoring at or above this is back to neutral (recovered).
    pub neutral_at_or_above: f64,
}

impl Default for ConversationConfig {
    fn default() -> Self {
        ConversationConfig { drop_threshold: 0.5, negative_below: -0.05, neutral_at_or_above: -0.05 }
    }
}

/// A customer message on the mood trajectory. `index` is the turn's position
/// in the caller's slice (also when the slice was not in time order).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    pub index: usize,
    pub at_ms: i64,
    pub score: f64,
}

/// A sharp fall between two consecutive customer messages ("sentiment oscillation").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MoodDrop {
    pub from_index: usize,
    pub to_index: usize,
    pub from_score: f64,
    pub to_score: f64,
    /// `from_score - to_score`, positive.
    pub fall: f64,
}

/// A negative customer message whose next agent turn neither acknowledged the
/// problem nor showed empathy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmpathyGap {
    pub customer_index: usize,
    pub reply_index: usize,
}

/// The mood of one conversation. All indices are positions in the input slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationReport {
    /// Customer messages with a usable score, in time order.
    pub trajectory: Vec<TrajectoryPoint>,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub min: Option<f64>,
    pub drops: Vec<MoodDrop>,
    /// Where recovery is measured from: the first customer message that is
    /// negative or lands a drop, whichever comes first. `None`: nothing to recover from.
    pub onset_index: Option<usize>,
    /// There was an onset, the mood came back to neutral after it, and the
    /// last customer message is still at or above neutral (no relapse).
    /// False when there was nothing to recover from (`onset_index` is `None`).
    pub recovered: bool,
    /// From the onset to the first later customer message at or above neutral.
    pub recovery_ms: Option<i64>,
    pub empathy_gaps: Vec<EmpathyGap>,
    /// Customer questions followed by another customer turn, or by nothing,
    /// rather than by an agent turn.
    pub unanswered_questions: Vec<usize>,
    /// Customer questions asked while an earlier question of the same
    /// customer run (no agent turn in between) was still waiting:
    /// "Where is my order?" … "Hello??" counts one.
    pub repeated_questions: u32,
}

/// Float noise must not hide a fall of exactly the threshold (0.3 → -0.2).
const EPS: f64 = 1e-9;

/// Analyses a conversation. Turns are taken in time order (a stable sort by
/// `at_ms` of a copy, so equal times keep the caller's order). Never panics.
pub fn analyze_conversation(turns: &[Turn], cfg: &ConversationConfig) -> ConversationReport {
    let mut order: Vec<usize> = (0..turns.len()).collect();
    order.sort_by_key(|&i| turns[i].at_ms);
    let turn = |pos: usize| &turns[order[pos]];

    let trajectory: Vec<TrajectoryPoint> = order
        .iter()
        .map(|&i| (i, &turns[i]))
        .filter(|(_, t)| t.side == Side::Customer && t.score.is_finite())
        .map(|(i, t)| TrajectoryPoint { index: i, at_ms: t.at_ms, score: t.score.clamp(-1.0, 1.0) })
        .collect();

    let drops: Vec<MoodDrop> = trajectory
        .windows(2)
        .filter_map(|w| {
            let fall = w[0].score - w[1].score;
            (fall > 0.0 && fall + EPS >= cfg.drop_threshold).then_some(MoodDrop {
                from_index: w[0].index,
                to_index: w[1].index,
                from_score: w[0].score,
                to_score: w[1].score,
                fall,
            })
        })
        .collect();

    let is_negative = |s: f64| s < cfg.negative_below;
    let is_neutral = |s: f64| s >= cfg.neutral_at_or_above;
    let first_negative = trajectory.iter().position(|p| is_negative(p.score));
    let first_drop_landing = drops.first().and_then(|d| trajectory.iter().position(|p| p.index == d.to_index));
    let onset = match (first_negative, first_drop_landing) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let recovery =
        onset.and_then(|o| (o + 1..trajectory.len()).find(|&q| is_neutral(trajectory[q].score)).map(|q| (o, q)));
    let recovery_ms = recovery.map(|(o, q)| trajectory[q].at_ms.saturating_sub(trajectory[o].at_ms));
    let recovered = recovery.is_some() && trajectory.last().is_some_and(|p| is_neutral(p.score));

    // The next agent turn after each position, found in one backward pass.
    let mut next_agent: Vec<Option<usize>> = vec![None; order.len()];
    let mut seen: Option<usize> = None;
    for pos in (0..order.len()).rev() {
        next_agent[pos] = seen;
        if turn(pos).side == Side::Agent {
            seen = Some(pos);
        }
    }

    let mut empathy_gaps = Vec::new();
    let mut unanswered_questions = Vec::new();
    let mut repeated_questions = 0u32;
    let mut asked_since_agent = false;
    for pos in 0..order.len() {
        let t = turn(pos);
        if t.side == Side::Agent {
            asked_since_agent = false;
            continue;
        }
        if t.score.is_finite()
            && is_negative(t.score.clamp(-1.0, 1.0))
            && let Some(a) = next_agent[pos]
            && !turn(a).agent_acknowledges
        {
            empathy_gaps.push(EmpathyGap { customer_index: order[pos], reply_index: order[a] });
        }
        if t.is_question {
            if pos + 1 >= order.len() || turn(pos + 1).side == Side::Customer {
                unanswered_questions.push(order[pos]);
            }
            if asked_since_agent {
                repeated_questions = repeated_questions.saturating_add(1);
            }
            asked_since_agent = true;
        }
    }

    ConversationReport {
        start: trajectory.first().map(|p| p.score),
        end: trajectory.last().map(|p| p.score),
        min: trajectory.iter().map(|p| p.score).reduce(f64::min),
        onset_index: onset.map(|o| trajectory[o].index),
        trajectory,
        drops,
        recovered,
        recovery_ms,
        empathy_gaps,
        unanswered_questions,
        repeated_questions,
    }
}
