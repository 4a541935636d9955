//! Training of the linear models: multinomial logistic regression with L2, fitted by AdaGrad.
//!
//! Pure and deterministic (a seeded shuffle): the same examples and settings give the same model,
//! so `train/` reproduces the committed weights and `rapport train-reasons` is repeatable.

use crate::features::{self, Feature, Scratch};
use crate::lexicon::FxMap;
use crate::model::{LinearModel, ModelError};

/// One training example: a text and its class index.
#[derive(Debug, Clone)]
pub struct Example<'a> {
    pub text: &'a str,
    pub label: usize,
    /// Relative weight (e.g. lower for out-of-domain corpora).
    pub weight: f32,
}

/// Settings of a training run.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    pub epochs: u32,
    pub learning_rate: f32,
    /// L2 penalty on feature weights (not on the bias).
    pub l2: f32,
    /// Weight classes by (mean class weight / class weight)^power: 1 balances fully (for macro-F1 on
    /// skewed data), 0 not at all.
    pub balance_power: f32,
    /// Features seen in fewer examples are dropped.
    pub min_count: u32,
    /// Weights below this (in absolute value, for every class) are not written.
    pub prune_below: f32,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 12,
            learning_rate: 0.02,
            l2: 1e-4,
            balance_power: 1.0,
            min_count: 3,
            prune_below: 0.1,
            seed: 7,
        }
    }
}

struct Encoded {
    feats: Vec<(u32, f32)>,
    label: usize,
    weight: f32,
}

/// Turns texts into feature rows with the engine's own extractor, so training and scoring cannot
/// disagree about a feature.
pub fn encode<'a>(
    engine: &crate::Engine,
    examples: impl IntoIterator<Item = &'a Example<'a>>,
) -> (Vec<Vec<Feature>>, FxMap<u64, String>) {
    let mut names: FxMap<u64, String> = FxMap::default();
    let mut rows = Vec::new();
    let mut s = Scratch::default();
    for ex in examples {
        engine.features_into(ex.text, &mut s);
        for f in &s.features {
            names.entry(f.key).or_insert_with(|| features::name_of(f, ex.text, &s.tokens));
        }
        rows.push(s.features.clone());
    }
    (rows, names)
}

/// Trains a model on `examples` for the given class names.
pub fn train(
    engine: &crate::Engine,
    examples: &[Example<'_>],
    classes: &[String],
    cfg: &TrainConfig,
    header: Vec<String>,
) -> Result<LinearModel, ModelError> {
    let k = classes.len();
    let (rows, names) = encode(engine, examples.iter());

    // Feature document counts, then dense indices for the kept ones.
    let mut counts: FxMap<u64, u32> = FxMap::default();
    for r in &rows {
        let mut seen: Vec<u64> = r.iter().map(|f| f.key).collect();
        seen.sort_unstable();
        seen.dedup();
        for key in seen {
            *counts.entry(key).or_insert(0) += 1;
        }
    }
    let mut keys: Vec<u64> = counts.iter().filter(|(_, c)| **c >= cfg.min_count).map(|(k, _)| *k).collect();
    keys.sort_unstable();
    let index: FxMap<u64, u32> = keys.iter().enumerate().map(|(i, k)| (*k, i as u32)).collect();

    let mut class_count = vec![0f32; k];
    for ex in examples {
        if let Some(c) = class_count.get_mut(ex.label) {
            *c += ex.weight;
        }
    }
    let total: f32 = class_count.iter().sum();
    let class_weight: Vec<f32> = class_count
        .iter()
        .map(|&c| if c > 0.0 { (total / (k as f32 * c)).powf(cfg.balance_power) } else { 1.0 })
        .collect();

    let data: Vec<Encoded> = rows
        .iter()
        .zip(examples)
        .filter(|(_, ex)| ex.label < k)
        .map(|(r, ex)| Encoded {
            feats: r.iter().filter_map(|f| index.get(&f.key).map(|&i| (i, f.value))).collect(),
            label: ex.label,
            weight: ex.weight * class_weight[ex.label],
        })
        .collect();

    let n_feat = keys.len();
    let mut w = vec![0f32; n_feat * k];
    let mut g2 = vec![1e-6f32; n_feat * k];
    let mut b = vec![0f32; k];
    let mut bg2 = vec![1e-6f32; k];
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = cfg.seed.max(1);
    let mut logits = vec![0f32; k];
    let mut grad = vec![0f32; k];

    for _ in 0..cfg.epochs {
        // Fisher–Yates with xorshift: deterministic and dependency-free.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        for &di in &order {
            let ex = &data[di];
            logits.copy_from_slice(&b);
            for &(fi, v) in &ex.feats {
                let row = &w[fi as usize * k..fi as usize * k + k];
                for (l, &wi) in logits.iter_mut().zip(row) {
                    *l += wi * v;
                }
            }
            let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0f32;
            for l in logits.iter_mut() {
                *l = (*l - max).exp();
                sum += *l;
            }
            for (c, g) in grad.iter_mut().enumerate() {
                let p = logits[c] / sum;
                *g = (p - if c == ex.label { 1.0 } else { 0.0 }) * ex.weight;
            }
            for c in 0..k {
                bg2[c] += grad[c] * grad[c];
                b[c] -= cfg.learning_rate * grad[c] / bg2[c].sqrt();
            }
            for &(fi, v) in &ex.feats {
                let base = fi as usize * k;
                for c in 0..k {
                    let gi = grad[c] * v + cfg.l2 * w[base + c];
                    g2[base + c] += gi * gi;
                    w[base + c] -= cfg.learning_rate * gi / g2[base + c].sqrt();
                }
            }
        }
    }

    let mut out_rows = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let row = &w[i * k..i * k + k];
        if row.iter().all(|v| v.abs() < cfg.prune_below) {
            continue;
        }
        if let Some(name) = names.get(key) {
            out_rows.push((name.clone(), row.to_vec()));
        }
    }
    LinearModel::from_parts(classes.to_vec(), b, out_rows, header)
}
