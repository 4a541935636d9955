//! What templates show, computed once in Rust so templates stay free of logic.

use jiff::Timestamp;
use rapport_domain::{Direction, Message, MoodLabel};
use rapport_storage::ConversationSummary;

/// "3 min", "2 h", "4 d": how long ago, for lists.
pub fn ago(t: Timestamp, now: Timestamp) -> String {
    span((now - t).get_seconds())
}

/// "3 min", "2 h", "4 d" for a number of seconds.
fn span(secs: i64) -> String {
    match secs.max(0) {
        s if s < 60 => "just now".to_owned(),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

pub fn time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

pub struct Mood {
    /// CSS class and label: negative / neutral / positive.
    pub label: &'static str,
    pub score: String,
}

impl Mood {
    pub fn of(score: f64) -> Mood {
        Mood { label: MoodLabel::of_score(score).as_str(), score: format!("{score:+.2}") }
    }
}

/// The customer's mood across the conversation, for the side panel.
pub struct MoodPanel {
    /// Customer message scores in order, e.g. "−0.62 → −0.80 → +0.35".
    pub trajectory: String,
    /// SVG polyline points of the trajectory in a 200×48 box (score +1 at the top).
    pub polyline: String,
    /// "−0.10 → −0.80 (fall 0.70)" per sharp drop.
    pub drops: Vec<String>,
    /// "back to neutral after 2 h", "not recovered", or nothing when the mood never went negative.
    pub recovery: Option<String>,
    pub empathy_gaps: usize,
    pub unanswered: usize,
}

impl MoodPanel {
    pub fn of(r: &rapport_analysis::conversation::ConversationReport) -> Option<MoodPanel> {
        if r.trajectory.is_empty() {
            return None;
        }
        let n = r.trajectory.len();
        let x = |i: usize| if n == 1 { 100.0 } else { 200.0 * i as f64 / (n - 1) as f64 };
        let polyline = r
            .trajectory
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), 24.0 - 22.0 * p.score.clamp(-1.0, 1.0)))
            .collect::<Vec<_>>()
            .join(" ");
        let trajectory = r.trajectory.iter().map(|p| format!("{:+.2}", p.score)).collect::<Vec<_>>().join(" → ");
        let drops =
            r.drops.iter().map(|d| format!("{:+.2} → {:+.2} (fall {:.2})", d.from_score, d.to_score, d.fall)).collect();
        let recovery = r.onset_index.map(|_| match (r.recovered, r.recovery_ms) {
            (true, Some(ms)) => format!("back to neutral after {}", span(ms / 1000)),
            _ => "not back to neutral".to_owned(),
        });
        Some(MoodPanel {
            trajectory,
            polyline,
            drops,
            recovery,
            empathy_gaps: r.empathy_gaps.len(),
            unanswered: r.unanswered_questions.len(),
        })
    }
}

pub struct Row {
    pub id: String,
    pub contact: String,
    pub subject: String,
    pub preview: String,
    pub channel: String,
    pub status: &'static str,
    pub assignee: String,
    pub mood: Option<Mood>,
    /// How long the customer has been waiting for an answer, if they are.
    pub waiting: Option<String>,
    pub updated: String,
}

impl Row {
    pub fn of(s: &ConversationSummary, now: Timestamp) -> Row {
        let c = &s.conversation;
        // A subject made from the first message repeats it: show the preview only when it adds something.
        let stem = c.subject.trim_end_matches('…');
        let preview =
            if s.preview.starts_with(stem) && c.message_count <= 1 { String::new() } else { s.preview.clone() };
        Row {
            id: c.id.to_string(),
            contact: s.contact_name.clone(),
            subject: c.subject.clone(),
            preview,
            channel: s.channel_name.clone(),
            status: c.status.as_str(),
            assignee: s.assignee_name.clone().unwrap_or_default(),
            mood: c.mood.map(Mood::of),
            waiting: c.waiting_since().map(|t| ago(t, now)),
            updated: ago(c.updated_at, now),
        }
    }
}

pub struct EvidenceItem {
    pub text: String,
    pub weight: String,
    pub note: String,
}

pub struct MessageView {
    pub id: String,
    /// inbound / outbound / note
    pub kind: &'static str,
    pub author: String,
    pub text: String,
    pub at: String,
    pub mood: Option<Mood>,
    pub evidence: Vec<EvidenceItem>,
    /// One line summarising the evidence, shown on hover (title attribute).
    pub evidence_title: String,
    /// Emotion, complaint reason and intents of a customer message ("anger", "reason: billing refund",
    /// "asks update"), each backed by evidence of that signal.
    pub signals: Vec<String>,
}

impl MessageView {
    pub fn of(m: &Message, contact_name: &str, agent_name: impl Fn(&Message) -> String) -> MessageView {
        let analysis = m
            .analysis
            .as_ref()
            .and_then(|a| serde_json::from_value::<rapport_analysis::MessageAnalysis>(a.clone()).ok());
        let evidence: Vec<EvidenceItem> = analysis
            .as_ref()
            .map(|a| {
                // Sentiment evidence first (it is ordered by weight), then what backs the other signals.
                let (mood, other): (Vec<_>, Vec<_>) = a.evidence.iter().partition(|e| e.signal == "sentiment");
                mood.into_iter()
                    .take(6)
                    .chain(other)
                    .map(|e| EvidenceItem {
                        text: e.text.clone(),
                        weight: format!("{:+.2}", e.weight),
                        note: e.note.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let signals = match (&analysis, m.direction) {
            (Some(a), Direction::Inbound) => {
                let mut s = Vec::new();
                if a.emotion != rapport_analysis::Emotion::Neutral {
                    s.push(a.emotion.as_str().to_string());
                }
                if let Some(r) = &a.reason {
                    s.push(format!("reason: {}", r.replace('_', " ")));
                }
                s.extend(a.intents.iter().map(|i| i.as_str().replace('_', " ")));
                s
            }
            _ => Vec::new(),
        };
        let evidence_title =
            evidence.iter().map(|e| format!("“{}” {} ({})", e.text, e.weight, e.note)).collect::<Vec<_>>().join("; ");
        let (kind, author) = match m.direction {
            Direction::Inbound => ("inbound", contact_name.to_owned()),
            Direction::Outbound => ("outbound", agent_name(m)),
            Direction::Note => ("note", format!("{} (internal note)", agent_name(m))),
        };
        MessageView {
            id: m.id.to_string(),
            kind,
            author,
            text: m.text.clone(),
            at: time(m.sent_at),
            mood: m.mood.map(|mood| Mood::of(mood.score)),
            evidence,
            evidence_title,
            signals,
        }
    }
}
