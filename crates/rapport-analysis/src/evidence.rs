//! Evidence: each output's contributions mapped back to the words of the message.
//!
//! Sentiment evidence is exact for the linear model: a feature's contribution to the log-odds of
//! positive over negative is `value × (w_positive − w_negative)`. Lexicon features are message
//! sums, so their contribution is shared among the lexicon terms in proportion to each term's
//! (rule-adjusted) valence — the terms that made the sum get the credit.

use crate::features::{Dense, FeatureKind, LexHit, Scratch};
use crate::lexicon::FxMap;
use crate::tokenizer::Token;
use crate::{Emotion, Engine, Evidence, Intent, MessageAnalysis, REASON_CUE_SCALE, ReasonIndex, Summary};

/// Sentiment evidence weaker than this is left out (it still counts in the score).
const MIN_WEIGHT: f64 = 0.05;
/// At most this many pieces of sentiment evidence.
const MAX_SENTIMENT: usize = 12;
/// At most this many of the word-order reader's windows are read for evidence.
const MAX_WINDOWS: usize = 6;
/// At most this many pieces of reason evidence.
const MAX_REASON: usize = 4;

#[derive(Default)]
struct Acc {
    weight: f64,
    notes: Vec<&'static str>,
}

fn span(tokens: &[Token], from: u32, to: u32) -> Option<(usize, usize)> {
    let a = tokens.get(from as usize)?;
    let b = tokens.get((to as usize).checked_sub(1)?)?;
    (a.start < b.end).then_some((a.start, b.end))
}

fn add(acc: &mut FxMap<(usize, usize), Acc>, at: Option<(usize, usize)>, w: f64, note: &'static str) {
    if let Some(at) = at
        && w.is_finite()
        && w != 0.0
    {
        let e = acc.entry(at).or_default();
        e.weight += w;
        if !e.notes.contains(&note) {
            e.notes.push(note);
        }
    }
}

fn hit_note(h: &LexHit, general: bool) -> &'static str {
    match (general, h.negated, h.intensified) {
        (false, true, _) => "lexicon, negated",
        (false, false, true) => "lexicon, intensified",
        (false, false, false) => "lexicon",
        (true, true, _) => "general lexicon, negated",
        (true, false, true) => "general lexicon, intensified",
        (true, false, false) => "general lexicon",
    }
}

pub(crate) fn build(engine: &Engine, text: &str, s: &Scratch, summary: &Summary) -> MessageAnalysis {
    let toks = &s.tokens;
    let model = engine.sentiment_model();
    let [neg, _, pos] = engine.sentiment_classes;
    let mut acc: FxMap<(usize, usize), Acc> = FxMap::default();
    let (mut ours_total, mut vader_total, mut courtesy_total) = (0f64, 0f64, 0f64);

    // With a word-order reader the n-gram model's log-odds count at its share of the blend.
    let share = f64::from(engine.ngram_share());
    if let Some(order) = engine.order.as_ref() {
        for w in order.windows(toks).into_iter().take(MAX_WINDOWS) {
            let c = (1.0 - share) * f64::from(w.contribution[2] - w.contribution[0]);
            add(&mut acc, span(toks, w.start as u32, (w.start + w.width).min(toks.len()) as u32), c, "word order");
        }
    }
    for f in &s.features {
        let Some(w) = model.weights_of(f.key) else { continue };
        let c = share * f64::from(f.value) * f64::from(w[pos] - w[neg]);
        match f.kind {
            FeatureKind::Unigram => add(&mut acc, span(toks, f.from, f.to), c, "learned word"),
            FeatureKind::NegatedUnigram => add(&mut acc, span(toks, f.from, f.to), c, "learned word, negated"),
            FeatureKind::Stem => add(&mut acc, span(toks, f.from, f.to), c, "learned word family"),
            FeatureKind::Cluster(_) | FeatureKind::NegatedCluster(_) => {
                add(&mut acc, span(toks, f.from, f.to), c, "words of similar use")
            }
            FeatureKind::Bigram => add(&mut acc, span(toks, f.from, f.to), c, "learned phrase"),
            FeatureKind::Emo => add(&mut acc, span(toks, f.from, f.to), c, "emoji/emoticon"),
            FeatureKind::Dense(d) => match d {
                Dense::OursCompound | Dense::OursPositive | Dense::OursNegative | Dense::OursBin(_) => ours_total += c,
                Dense::VaderCompound | Dense::VaderPositive | Dense::VaderNegative | Dense::VaderBin(_) => {
                    vader_total += c
                }
                Dense::Courtesy => courtesy_total += c,
                Dense::Exclamation => {
                    let marks: Vec<&Token> = toks.iter().filter(|t| t.bangs > 0).collect();
                    for t in &marks {
                        add(&mut acc, Some((t.start, t.end)), c / marks.len() as f64, "exclamation");
                    }
                }
                Dense::Question | Dense::QuestionOnly => {
                    let marks: Vec<&Token> = toks.iter().filter(|t| t.questions > 0).collect();
                    for t in &marks {
                        add(&mut acc, Some((t.start, t.end)), c / marks.len() as f64, "question");
                    }
                }
                Dense::Caps => {
                    let caps: Vec<&Token> = toks.iter().filter(|t| t.caps && t.is_word()).collect();
                    for t in &caps {
                        add(&mut acc, Some((t.start, t.end)), c / caps.len() as f64, "all caps");
                    }
                }
                Dense::Elongated | Dense::Url | Dense::Mentions | Dense::Length(_) => {}
            },
        }
    }

    // Share the lexicon features among the terms that made them.
    let ours_sum: f64 = s.hits.iter().filter(|h| !h.courtesy).map(|h| f64::from(h.ours)).sum();
    let vader_sum: f64 = s.hits.iter().map(|h| f64::from(h.vader)).sum();
    let courtesy_n = s.hits.iter().filter(|h| h.courtesy).count();
    for h in &s.hits {
        let at = span(toks, h.from, h.to);
        if h.courtesy && courtesy_n > 0 {
            add(&mut acc, at, courtesy_total / courtesy_n as f64, "courtesy word");
        } else if ours_sum.abs() > 1e-6 {
            add(&mut acc, at, ours_total * f64::from(h.ours) / ours_sum, hit_note(h, false));
        }
        if vader_sum.abs() > 1e-6 {
            add(&mut acc, at, vader_total * f64::from(h.vader) / vader_sum, hit_note(h, true));
        }
    }

    let mut evidence: Vec<Evidence> = acc
        .into_iter()
        .filter(|(_, a)| a.weight.abs() >= MIN_WEIGHT)
        .filter_map(|((start, end), a)| {
            Some(Evidence {
                text: text.get(start..end)?.to_string(),
                start,
                end,
                weight: round3(a.weight),
                signal: "sentiment".into(),
                note: a.notes.join(", "),
            })
        })
        .collect();
    evidence.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()).then(a.start.cmp(&b.start)));
    evidence.truncate(MAX_SENTIMENT);

    // Emotion and intents: the cues that fired.
    let cue = |from: usize, to: usize, weight: f32, signal: &str, note: String| -> Option<Evidence> {
        let (a, b) = span(toks, from as u32, to as u32)?;
        Some(Evidence {
            text: text.get(a..b)?.into(),
            start: a,
            end: b,
            weight: f64::from(weight),
            signal: signal.into(),
            note,
        })
    };
    let emotion_idx = Emotion::ALL.iter().position(|e| *e == summary.emotion).unwrap_or(usize::MAX);
    let intents: Vec<Intent> = summary.intents.iter().collect();
    let chosen_reason = summary.reason.map(|r| usize::from(r.0));
    engine.cues.scan(toks, |cat, w, from, to| {
        if let Some(r) = engine.reason_cue_target(cat) {
            if Some(r) == chosen_reason {
                let note = format!("complaint-reason cue, suggests {}", engine.reason_name(ReasonIndex(r as u8)));
                evidence.extend(cue(from, to, w * REASON_CUE_SCALE, "reason", note));
            }
        } else if cat == emotion_idx {
            evidence.extend(cue(from, to, w, "emotion", format!("cue for {}", summary.emotion)));
        } else if let Some(intent) =
            cat.checked_sub(Emotion::ALL.len()).and_then(|i| Intent::ALL.get(i)).filter(|i| intents.contains(i))
        {
            evidence.extend(cue(from, to, w, "intent", format!("cue for {intent}")));
        }
    });
    // An emotion chosen without a cue still says why: the shouting behind "anger", or the strongest
    // words behind the mood it follows.
    if summary.emotion != Emotion::Neutral && !evidence.iter().any(|e| e.signal == "emotion") {
        let shouting: Vec<&Token> = toks.iter().filter(|t| (t.caps && t.is_word()) || t.bangs >= 2).collect();
        if summary.emotion == Emotion::Anger && !shouting.is_empty() {
            for t in shouting.into_iter().take(3) {
                evidence.extend(text.get(t.start..t.end).map(|s| Evidence {
                    text: s.into(),
                    start: t.start,
                    end: t.end,
                    weight: 1.0,
                    signal: "emotion".into(),
                    note: "shouting (caps or !!), no specific emotion word".into(),
                }));
            }
        } else {
            let negative = summary.sentiment.score < 0.0;
            let strongest = evidence
                .iter()
                .filter(|e| e.signal == "sentiment" && (e.weight < 0.0) == negative)
                .take(2)
                .map(|e| Evidence {
                    signal: "emotion".into(),
                    note: format!("{} mood, no specific emotion word", if negative { "negative" } else { "positive" }),
                    ..e.clone()
                })
                .collect::<Vec<_>>();
            evidence.extend(strongest);
        }
    }

    // Reason: the features that pushed the chosen class up the most.
    let reason = summary.reason.map(|r| engine.reason_name(r).to_string());
    if let Some(r) = summary.reason {
        let rm = engine.reason_model().model();
        let ri = usize::from(r.0);
        let mut contrib: Vec<(f64, usize, usize, &'static str)> = Vec::new();
        for f in &s.features {
            let Some(w) = rm.weights_of(f.key) else { continue };
            let mean = w.iter().sum::<f32>() / w.len() as f32;
            let c = f64::from(f.value) * f64::from(w.get(ri).copied().unwrap_or(0.0) - mean);
            let note = match f.kind {
                FeatureKind::Bigram => "learned phrase",
                _ => "learned word",
            };
            if c > MIN_WEIGHT
                && let Some((a, b)) = span(toks, f.from, f.to)
            {
                contrib.push((c, a, b, note));
            }
        }
        contrib.sort_by(|a, b| b.0.total_cmp(&a.0));
        contrib.dedup_by_key(|c| (c.1, c.2));
        for (c, a, b, note) in contrib.into_iter().take(MAX_REASON) {
            if let Some(t) = text.get(a..b) {
                evidence.push(Evidence {
                    text: t.into(),
                    start: a,
                    end: b,
                    weight: round3(c),
                    signal: "reason".into(),
                    note: format!("{note}, suggests {}", engine.reason_name(r)),
                });
            }
        }
    }

    MessageAnalysis {
        sentiment: summary.sentiment,
        emotion: summary.emotion,
        reason,
        reason_confidence: round3(summary.reason_confidence),
        intents,
        evidence,
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
