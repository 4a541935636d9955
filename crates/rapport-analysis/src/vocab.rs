//! What feature extraction reads about words and features, laid out for the fewest probes.
//!
//! Reading a word needs its lexicon slot (entry, phrase-prefix flag, cluster) and the joint-model
//! rows of the features it gives: unigram or negated unigram, stem, cluster, bigram. Kept in
//! separate tables that is one probe into the lexicon and one per feature into the model's table
//! ([`Joint`]), and those probes' cache misses bound the engine. Here one probe per word answers its
//! lexicon slot and its unigram's row; clusters and dense features index small arrays; only negated
//! unigrams, stems, bigrams and emoticons still probe the joint table. Every feature leaves
//! extraction with its row ([`crate::features::Feature::row`]), so scoring is a sum of rows.
//!
//! Rows belong to one joint model: the vocabulary is rebuilt with it ([`crate::Engine::set_reasons`]).

use crate::features::{self, Dense, NUMBER_HASH};
use crate::hash;
use crate::joint::Joint;
pub use crate::joint::NO_ROW;
use crate::lexicon::{EMPTY_SLOT, Entry, Lexicon, NO_CLUSTER};
use crate::model::LinearModel;
use crate::table::KeyTable;

/// Clusters a packed lexicon slot can hold (8 bits, one value meaning "none").
const CLUSTERS: usize = 255;
/// Dense feature ids are below 64 ([`Dense`]).
const DENSE_IDS: usize = 64;

/// A word's lexicon slot and the row of its unigram. (Its negated unigram is rare enough to be
/// looked up by key: 8 bytes a word keep the table at 12 bytes a slot.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    /// Packed lexicon slot ([`Lexicon::unpack`]).
    slot: u32,
    pub unigram: u32,
}

impl Word {
    const UNKNOWN: Word = Word { slot: EMPTY_SLOT, unigram: NO_ROW };
}

/// The lexicon plus the joint model's feature rows.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    lexicon: Lexicon,
    /// Word and phrase keys ([`hash::word`], [`hash::phrase_step`]) → slot and unigram rows. Holds
    /// every lexicon key and every word a model has a unigram for, so a word it lacks has neither.
    words: KeyTable<Word>,
    /// Feature key → joint row, and the rows.
    joint: Joint,
    /// Cluster id → rows of its plain and negated feature.
    clusters: Vec<[u32; 2]>,
    /// Dense feature id → row.
    dense: [u32; DENSE_IDS],
}

impl Vocabulary {
    /// The vocabulary of the joint rows of `models` (sentiment, then reasons).
    pub fn new(lexicon: Lexicon, sentiment: &LinearModel, reasons: &LinearModel) -> Vocabulary {
        let joint = Joint::new(sentiment, reasons);
        let row = |key: u64| joint.find(key);
        let word = |slot: u32, h: u64| Word { slot, unigram: row(features::unigram_key(h)) };
        let mut words = KeyTable::new(Word::UNKNOWN);
        for (key, slot) in lexicon.slots() {
            words.insert(key, word(slot, key));
        }
        for name in [sentiment, reasons].iter().flat_map(|m| m.feature_names()) {
            let Some(body) = name.strip_prefix("u:") else { continue };
            let h = if body == "<num>" { NUMBER_HASH } else { hash::word(body) };
            if words.get(h).is_none() {
                words.insert(h, word(EMPTY_SLOT, h));
            }
        }
        let clusters = (0..CLUSTERS as u16)
            .map(|c| [row(features::cluster_key(c, false)), row(features::cluster_key(c, true))])
            .collect();
        let mut dense = [NO_ROW; DENSE_IDS];
        for d in Dense::all() {
            if let Some(r) = dense.get_mut(d.id() as usize) {
                *r = row(d.key());
            }
        }
        Vocabulary { lexicon, words, joint, clusters, dense }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The joint rows the vocabulary's rows point into.
    pub fn joint(&self) -> &Joint {
        &self.joint
    }

    /// The word's slot and unigram rows (one probe).
    #[inline]
    pub fn word(&self, key: u64) -> Word {
        self.words.get(key).copied().unwrap_or(Word::UNKNOWN)
    }

    /// The lexicon entry, phrase-prefix flag and cluster of a word from [`word`](Self::word).
    #[inline]
    pub fn slot(&self, w: Word) -> (Option<&Entry>, bool, u16) {
        self.lexicon.unpack(w.slot)
    }

    /// The lexicon entry of a word or phrase key, and whether a longer phrase starts with it.
    #[inline]
    pub fn lookup(&self, key: u64) -> (Option<&Entry>, bool) {
        let (e, prefix, _) = self.slot(self.word(key));
        (e, prefix)
    }

    /// The joint row of any feature key.
    #[inline]
    pub fn row(&self, key: u64) -> u32 {
        self.joint.find(key)
    }

    #[inline]
    pub fn cluster_row(&self, cluster: u16, negated: bool) -> u32 {
        match (cluster, self.clusters.get(usize::from(cluster))) {
            (NO_CLUSTER, _) | (_, None) => NO_ROW,
            (_, Some(rows)) => rows[usize::from(negated)],
        }
    }

    #[inline]
    pub fn dense_row(&self, d: Dense) -> u32 {
        self.dense.get(d.id() as usize).copied().unwrap_or(NO_ROW)
    }
}

#[cfg(test)]
mod tests {
    use super::NO_ROW;
    use crate::{Engine, LinearModel, ReasonModel, Scratch};

    /// The shortcuts (one probe per word, cluster and dense arrays) give each feature the row its key
    /// has in the index, with the built-in models and with a custom reason model whose words the
    /// lexicon does not know.
    #[test]
    fn every_feature_carries_the_row_of_its_key() {
        let mut engine = Engine::new();
        let texts = [
            "Still waiting for my refund!!! This is NOT ok :( #NeverAgain",
            "not happy, flight 1234 delayed 3 hours... thanks for nothing",
            "I loooove the new app 😍 but checkout doesn't work",
            "@support can I speak to a human? order 55 never arrived",
            "zebra quokka zebra",
        ];
        let check = |engine: &Engine, expect_zebra: bool| {
            let mut s = Scratch::default();
            let mut known = 0;
            for text in texts {
                engine.features_into(text, &mut s);
                for f in &s.features {
                    assert_eq!(f.row, engine.vocab.row(f.key), "{text:?}: {:?}", f.kind);
                    known += usize::from(f.row != NO_ROW);
                }
            }
            assert!(known > 20, "most of these features are in the models: {known}");
            engine.features_into("zebra", &mut s);
            let unigram = s.features.iter().find(|f| f.kind == crate::features::FeatureKind::Unigram);
            assert_eq!(unigram.is_some_and(|f| f.row != NO_ROW), expect_zebra);
        };
        check(&engine, false);
        let classes = vec!["stripes".to_string(), "other".to_string()];
        let rows = vec![("u:zebra".to_string(), vec![1.0, -1.0]), ("n:quokka".to_string(), vec![0.5, 0.0])];
        let custom = LinearModel::from_parts(classes, vec![0.0, 0.0], rows, Vec::new()).expect("valid model");
        engine.set_reasons(ReasonModel::new(custom));
        check(&engine, true);
    }
}
