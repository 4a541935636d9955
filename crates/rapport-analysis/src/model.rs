//! Linear models over [`crate::features`]: multinomial logistic regression, read from and written
//! to a readable TSV file so a person can see what each feature weighs.
//!
//! File format (UTF-8, `#` lines are comments, kept as the model card's header):
//!
//! ```text
//! classes<TAB>negative<TAB>neutral<TAB>positive
//! bias<TAB>0.12<TAB>-0.3<TAB>0.1
//! u:thanks<TAB>-0.4<TAB>0.1<TAB>0.9
//! b:still waiting<TAB>1.2<TAB>-0.5<TAB>-0.7
//! ```

use thiserror::Error;

use crate::features::{self, Feature};
use crate::table::KeyTable;

/// At most this many classes (custom reason sets included): scores live in a fixed array.
pub const MAX_CLASSES: usize = 32;

#[derive(Debug, Error, PartialEq)]
pub enum ModelError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("the model has no `classes` line")]
    NoClasses,
    #[error("a model needs 2 to {MAX_CLASSES} classes, this one has {0}")]
    ClassCount(usize),
}

/// A trained linear model.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    classes: Vec<String>,
    bias: Vec<f32>,
    /// Feature key → row in `weights`.
    index: KeyTable<u32>,
    /// Row-major, `classes.len()` weights per feature.
    weights: Vec<f32>,
    /// Feature names by row (for writing the file back and for evidence).
    names: Vec<String>,
    /// The `#` header lines (model card summary).
    header: Vec<String>,
}

/// Per-class scores of one message, in a fixed array (no allocation).
#[derive(Debug, Clone, Copy, Default)]
pub struct Scores {
    pub n: usize,
    pub logits: [f32; MAX_CLASSES],
}

impl Scores {
    /// Softmax probabilities.
    pub fn probabilities(&self) -> [f32; MAX_CLASSES] {
        let mut p = [0f32; MAX_CLASSES];
        for (p, &l) in p.iter_mut().zip(&self.logits[..self.n]) {
            *p = l;
        }
        softmax_in_place(&mut p[..self.n]);
        p
    }

    /// The best class and its softmax probability (what [`Scores::probabilities`] gives it, without
    /// building the others).
    pub fn best_with_probability(&self) -> (usize, f32) {
        let best = self.best();
        let max = self.logits[best];
        let sum: f32 = self.logits[..self.n].iter().map(|&l| (l - max).exp()).sum();
        (best, if sum > 0.0 { 1.0 / sum } else { 0.0 })
    }

    /// Index of the best class.
    pub fn best(&self) -> usize {
        let mut best = 0;
        for (i, &l) in self.logits[..self.n].iter().enumerate() {
            if l > self.logits[best] {
                best = i;
            }
        }
        best
    }
}

/// Softmax probabilities of `logits`, in place.
pub fn softmax_in_place(logits: &mut [f32]) {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0f32;
    for l in logits.iter_mut() {
        *l = (*l - max).exp();
        sum += *l;
    }
    if sum > 0.0 {
        for p in logits.iter_mut() {
            *p /= sum;
        }
    }
}

impl LinearModel {
    /// A model that knows no features (every class scores its bias, 0).
    pub fn empty(classes: Vec<String>) -> LinearModel {
        LinearModel {
            bias: vec![0.0; classes.len()],
            classes,
            index: KeyTable::new(0),
            weights: Vec::new(),
            names: Vec::new(),
            header: Vec::new(),
        }
    }

    /// Builds a model from parts (used by the trainer).
    pub fn from_parts(
        classes: Vec<String>,
        bias: Vec<f32>,
        rows: Vec<(String, Vec<f32>)>,
        header: Vec<String>,
    ) -> Result<LinearModel, ModelError> {
        if !(2..=MAX_CLASSES).contains(&classes.len()) {
            return Err(ModelError::ClassCount(classes.len()));
        }
        let mut m =
            LinearModel { bias, classes, index: KeyTable::new(0), weights: Vec::new(), names: Vec::new(), header };
        for (n, (name, w)) in rows.into_iter().enumerate() {
            m.push_row(n + 1, name, &w)?;
        }
        Ok(m)
    }

    fn push_row(&mut self, line: usize, name: String, w: &[f32]) -> Result<(), ModelError> {
        let key = features::key_from_name(&name)
            .ok_or_else(|| ModelError::Line { line, message: format!("unknown feature {name:?}") })?;
        if w.len() != self.classes.len() {
            return Err(ModelError::Line {
                line,
                message: format!("{} weights for {} classes", w.len(), self.classes.len()),
            });
        }
        if self.index.insert(key, self.names.len() as u32).is_some() {
            return Err(ModelError::Line { line, message: format!("duplicate feature {name:?}") });
        }
        self.weights.extend_from_slice(w);
        self.names.push(name);
        Ok(())
    }

    /// Parses a model file.
    pub fn parse(src: &str) -> Result<LinearModel, ModelError> {
        let mut m: Option<LinearModel> = None;
        let mut header = Vec::new();
        for (i, raw) in src.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            if line.starts_with('#') {
                header.push(line.trim_start_matches('#').trim().to_string());
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let name = cols.next().unwrap_or("");
            let rest: Vec<&str> = cols.collect();
            let err = |message: String| ModelError::Line { line: i + 1, message };
            if name == "classes" {
                if !(2..=MAX_CLASSES).contains(&rest.len()) {
                    return Err(ModelError::ClassCount(rest.len()));
                }
                let n = rest.len();
                m = Some(LinearModel {
                    classes: rest.iter().map(|s| s.trim().to_string()).collect(),
                    bias: vec![0.0; n],
                    index: KeyTable::new(0),
                    weights: Vec::new(),
                    names: Vec::new(),
                    header: Vec::new(),
                });
                continue;
            }
            let model = m.as_mut().ok_or(ModelError::NoClasses)?;
            let mut w = Vec::with_capacity(rest.len());
            for s in &rest {
                let v: f32 = s.trim().parse().map_err(|_| err(format!("bad weight {s:?}")))?;
                if !v.is_finite() {
                    return Err(err(format!("bad weight {s:?}")));
                }
                w.push(v);
            }
            if name == "bias" {
                if w.len() != model.classes.len() {
                    return Err(err("bias has the wrong number of weights".into()));
                }
                model.bias = w;
            } else {
                model.push_row(i + 1, name.to_string(), &w)?;
            }
        }
        let mut m = m.ok_or(ModelError::NoClasses)?;
        m.header = header;
        Ok(m)
    }

    /// Writes the model file (weights rounded to 4 decimals; rows sorted by name for stable diffs).
    pub fn to_tsv(&self) -> String {
        let mut out = String::new();
        for h in &self.header {
            out.push_str("# ");
            out.push_str(h);
            out.push('\n');
        }
        out.push_str("classes");
        for c in &self.classes {
            out.push('\t');
            out.push_str(c);
        }
        out.push('\n');
        let fmt_row = |out: &mut String, name: &str, w: &[f32]| {
            out.push_str(name);
            for v in w {
                out.push('\t');
                out.push_str(&format!("{:.4}", v));
            }
            out.push('\n');
        };
        fmt_row(&mut out, "bias", &self.bias);
        let k = self.classes.len();
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        order.sort_by(|&a, &b| self.names[a].cmp(&self.names[b]));
        for r in order {
            fmt_row(&mut out, &self.names[r], &self.weights[r * k..(r + 1) * k]);
        }
        out
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Number of features with weights.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The weights of one feature, if the model knows it.
    #[inline]
    pub fn weights_of(&self, key: u64) -> Option<&[f32]> {
        let k = self.classes.len();
        self.index.get(key).map(|&r| {
            let r = r as usize * k;
            &self.weights[r..r + k]
        })
    }

    /// The feature names, by row.
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// Every (feature key, row).
    pub fn rows(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.index.iter().map(|(k, r)| (k, *r))
    }

    /// The weights of a row from [`rows`](Self::rows).
    #[inline]
    pub fn row(&self, r: u32) -> &[f32] {
        let k = self.classes.len();
        let r = r as usize * k;
        self.weights.get(r..r + k).unwrap_or(&[])
    }

    /// Shifts each class's bias (decision offsets tuned for macro-F1 after training).
    pub fn shift_bias(&mut self, deltas: &[f32]) {
        for (b, d) in self.bias.iter_mut().zip(deltas) {
            *b += d;
        }
    }

    /// Appends a line to the model card header.
    pub fn push_header(&mut self, line: String) {
        self.header.push(line);
    }

    /// The bias per class.
    pub fn bias(&self) -> &[f32] {
        &self.bias
    }

    /// Scores a message's features. Allocation-free.
    #[inline]
    pub fn score(&self, feats: &[Feature]) -> Scores {
        let n = self.classes.len();
        let mut s = Scores { n, logits: [0f32; MAX_CLASSES] };
        s.logits[..n].copy_from_slice(&self.bias);
        for f in feats {
            if let Some(w) = self.weights_of(f.key) {
                for (l, &wi) in s.logits[..n].iter_mut().zip(w) {
                    *l += wi * f.value;
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_keeps_the_order() {
        let mut p = [2.0f32, -1.0, 0.5];
        softmax_in_place(&mut p);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[0] > p[2] && p[2] > p[1]);
        let exact: f32 = 1.0 / (1.0 + (-3.0f32).exp() + (-1.5f32).exp());
        assert!((p[0] - exact).abs() < 1e-6);
    }

    #[test]
    fn the_best_class_has_the_probability_the_softmax_gives_it() {
        let mut s = Scores { n: 4, logits: [0.0; MAX_CLASSES] };
        s.logits[..4].copy_from_slice(&[0.3, 1.7, -2.0, 1.2]);
        s.logits[7] = 9.0; // past `n`: not a class
        let (best, p) = s.best_with_probability();
        assert_eq!(best, 1);
        assert_eq!(p, s.probabilities()[1]);
    }
}
