//! Both linear models' weights, found by feature key in one probe, and summed as features come.
//!
//! Scoring a message sums the weight rows of its features, and it is bound by the cache misses of
//! finding them. A key → row index plus a separate array of rows costs two misses per feature; here
//! the row sits in the hash slot itself, after the key's 32-bit fingerprint, so the probe that finds
//! a feature has its weights in the same 16-byte block. A slot is one, two or four such blocks
//! ([`Joint::blocks`]): the built-in models need 3 + 9 = 12 lanes, which with the fingerprint fill
//! one block; a custom reason model with more classes gets wider slots.
//!
//! Weights are 8-bit multiples of a step per lane (class): the lane's largest weight over 127. The
//! largest weights of the shipped models are below 1.2, so a step is below 0.01: on the dev tweets
//! the sentiment scores move by 0.0004 (median) and 0.015 (largest) against f32 weights, and no label
//! changes (`eval/RESULTS.md`), for a quarter of the memory.

use crate::model::LinearModel;
use crate::table::{EMPTY, KeyTable, Presence, fingerprint};

/// The row of a feature neither model knows.
pub const NO_ROW: u32 = u32::MAX;

/// Bytes of a slot's first block that hold the key's fingerprint; the model lanes follow.
pub const FINGERPRINT_LANES: usize = 4;
/// Lanes of one block.
pub const BLOCK_LANES: usize = 16;
/// Slot widths in blocks; the widest holds 4 × 16 − 4 = 60 lanes, more than 3 + [`crate::model::MAX_CLASSES`].
pub const SLOT_BLOCKS: [usize; 3] = [1, 2, 4];
/// The largest step count of a weight.
const WEIGHT_STEPS: f32 = 127.0;
/// Slots per key at least: linear probing stays short (about two slots for a hit) and most probes
/// stay within one cache line of four slots.
const SLOTS_PER_KEY: f64 = 1.0 / 0.75;

/// Sixteen lanes on a 16-byte boundary, so that a one-block slot never straddles two cache lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C, align(16))]
pub struct Block(pub [i8; BLOCK_LANES]);

/// The joint weights of a sentiment and a reason model. A feature's row is its slot index.
#[derive(Debug, Clone)]
pub struct Joint {
    blocks: Vec<Block>,
    /// Blocks per slot.
    per_slot: usize,
    mask: usize,
    /// The step of each lane of a slot (zero for the fingerprint lanes and the padding).
    steps: Vec<f32>,
    /// The keys present. About a fifth of the features a message has (mostly bigrams) are in
    /// neither model; this 16 KiB set (2^17 buckets: ~14 % of absent keys still reach the table)
    /// answers most of them without touching the larger table.
    present: Presence,
    /// Lanes of the sentiment model, then of the reason model, from [`FINGERPRINT_LANES`] on.
    sentiment_lanes: usize,
    reason_lanes: usize,
}

impl Joint {
    pub fn new(sentiment: &LinearModel, reasons: &LinearModel) -> Joint {
        let (ns, nr) = (sentiment.classes().len(), reasons.classes().len());
        let per_slot = SLOT_BLOCKS
            .into_iter()
            .find(|&b| b * BLOCK_LANES >= FINGERPRINT_LANES + ns + nr)
            .unwrap_or(SLOT_BLOCKS[SLOT_BLOCKS.len() - 1]);
        let lanes = per_slot * BLOCK_LANES;
        // Every key's f32 row first (the two models' keys overlap), then the steps, then the table.
        let mut index = KeyTable::new(0u32);
        let mut keys: Vec<u64> = Vec::new();
        let mut wide: Vec<f32> = Vec::new();
        let mut row_of = |key: u64, keys: &mut Vec<u64>, wide: &mut Vec<f32>| -> usize {
            let next = keys.len() as u32;
            let r = *index.get_or_insert(key, next) as usize;
            if r == next as usize {
                keys.push(key);
                wide.resize(wide.len() + lanes, 0.0);
            }
            r * lanes + FINGERPRINT_LANES
        };
        for (k, r) in sentiment.rows() {
            let at = row_of(k, &mut keys, &mut wide);
            wide[at..at + ns].copy_from_slice(sentiment.row(r));
        }
        for (k, r) in reasons.rows() {
            let at = row_of(k, &mut keys, &mut wide);
            wide[at + ns..at + ns + nr].copy_from_slice(reasons.row(r));
        }
        let mut steps = vec![0f32; lanes];
        for row in wide.chunks_exact(lanes) {
            for (s, w) in steps.iter_mut().zip(row) {
                *s = s.max(w.abs());
            }
        }
        for s in &mut steps {
            *s /= WEIGHT_STEPS;
        }

        let slots = ((keys.len() as f64 * SLOTS_PER_KEY).ceil() as usize).next_power_of_two().max(16);
        let mut joint = Joint {
            blocks: vec![Block::default(); slots * per_slot],
            per_slot,
            mask: slots - 1,
            steps,
            present: Presence::new(17),
            sentiment_lanes: ns,
            reason_lanes: nr,
        };
        for (key, row) in keys.iter().zip(wide.chunks_exact(lanes)) {
            joint.insert(*key, row);
        }
        joint
    }

    fn insert(&mut self, key: u64, row: &[f32]) {
        let fp = fingerprint(key);
        let mut i = key as usize & self.mask;
        while self.fingerprint_at(i) != EMPTY {
            i = (i + 1) & self.mask;
        }
        let mut lanes = [0i8; SLOT_BLOCKS[SLOT_BLOCKS.len() - 1] * BLOCK_LANES];
        lanes[..FINGERPRINT_LANES].copy_from_slice(&fp.to_le_bytes().map(|b| b as i8));
        for ((l, w), s) in lanes.iter_mut().zip(row).zip(&self.steps).skip(FINGERPRINT_LANES) {
            if *s > 0.0 {
                *l = (w / s).round().clamp(-WEIGHT_STEPS, WEIGHT_STEPS) as i8;
            }
        }
        for (b, chunk) in
            self.blocks[i * self.per_slot..(i + 1) * self.per_slot].iter_mut().zip(lanes.chunks_exact(BLOCK_LANES))
        {
            b.0.copy_from_slice(chunk);
        }
        self.present.insert(key);
    }

    #[inline]
    fn fingerprint_at(&self, slot: usize) -> u32 {
        let b = self.blocks[slot * self.per_slot].0;
        u32::from_le_bytes([b[0] as u8, b[1] as u8, b[2] as u8, b[3] as u8])
    }

    /// The row (slot) of a feature key, [`NO_ROW`] when neither model has it.
    #[inline]
    pub fn find(&self, key: u64) -> u32 {
        if !self.present.may_contain(key) {
            return NO_ROW;
        }
        let fp = fingerprint(key);
        let mut i = key as usize & self.mask;
        loop {
            let f = self.fingerprint_at(i);
            if f == fp {
                return i as u32;
            }
            if f == EMPTY {
                return NO_ROW;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Blocks per slot: the `B` a [`Scorer`] over this table needs.
    pub fn blocks(&self) -> usize {
        self.per_slot
    }

    /// The sentiment lanes and the reason lanes of summed rows ([`Scorer::sums`]).
    pub fn split<'a>(&self, sums: &'a [f32]) -> (&'a [f32], &'a [f32]) {
        let lanes = sums.get(FINGERPRINT_LANES..).unwrap_or(&[]);
        let (s, r) = lanes.split_at(self.sentiment_lanes.min(lanes.len()));
        (s, &r[..self.reason_lanes.min(r.len())])
    }
}

/// Sparse rows the 16-bit lanes can sum without overflow: 255 × 128 fits in an i16.
const NARROW_ROWS: u32 = 255;

/// Sums `value × row` of each feature pushed into it, over slots of `B` blocks (known at compile
/// time, so the sum runs as whole vector operations). Sparse features (value 1, all but a handful per
/// message) add their 8-bit lanes into 16-bit lanes, exact integer arithmetic with no conversion or
/// multiply, moved into 32-bit lanes before they could overflow; the others go through floats. The
/// fingerprint lanes are summed too (one vector operation is cheaper than skipping them) and then
/// dropped: their step is zero.
pub struct Scorer<'a, const B: usize> {
    joint: &'a Joint,
    narrow: [[i16; BLOCK_LANES]; B],
    /// Sparse rows summed into `narrow` since it was last moved into `wide`.
    pending: u32,
    wide: [[i32; BLOCK_LANES]; B],
    acc: [[f32; BLOCK_LANES]; B],
}

impl<'a, const B: usize> Scorer<'a, B> {
    /// A scorer over `joint`, whose [`Joint::blocks`] must be `B` (the engine dispatches on it; with
    /// another `B` the rows would be read at the wrong offsets).
    pub fn new(joint: &'a Joint) -> Self {
        debug_assert_eq!(joint.blocks(), B, "a scorer's width is its table's");
        Scorer {
            joint,
            narrow: [[0; BLOCK_LANES]; B],
            pending: 0,
            wide: [[0; BLOCK_LANES]; B],
            acc: [[0.0; BLOCK_LANES]; B],
        }
    }

    fn widen(&mut self) {
        for (w, n) in self.wide.iter_mut().flatten().zip(self.narrow.iter_mut().flatten()) {
            *w += i32::from(*n);
            *n = 0;
        }
        self.pending = 0;
    }

    /// Adds `value ×` the row of slot `row`.
    #[inline(always)]
    pub fn add(&mut self, row: u32, value: f32) {
        let at = row as usize * B;
        let Some(slot) = self.joint.blocks.get(at..at + B).and_then(|s| <&[Block; B]>::try_from(s).ok()) else {
            return;
        };
        if value == 1.0 {
            if self.pending == NARROW_ROWS {
                self.widen();
            }
            let mut sum = self.narrow;
            for (lanes, block) in sum.iter_mut().zip(slot) {
                for (a, &w) in lanes.iter_mut().zip(&block.0) {
                    *a += i16::from(w);
                }
            }
            self.narrow = sum;
            self.pending += 1;
        } else {
            let steps = self.joint.steps.chunks_exact(BLOCK_LANES);
            for ((lanes, block), steps) in self.acc.iter_mut().zip(slot).zip(steps) {
                for ((a, &w), s) in lanes.iter_mut().zip(&block.0).zip(steps) {
                    *a += f32::from(w) * (value * s);
                }
            }
        }
    }

    /// The summed rows, lane by lane (flatten them and split them with [`Joint::split`]).
    pub fn sums(&self) -> [[f32; BLOCK_LANES]; B] {
        // Block by block over fixed-size arrays: the chained iterators this replaced ran lane by lane
        // and cost a tenth of a short message's instructions.
        let mut out = self.acc;
        let steps = self.joint.steps.chunks_exact(BLOCK_LANES);
        for (((o, wide), narrow), steps) in out.iter_mut().zip(&self.wide).zip(&self.narrow).zip(steps) {
            for (((o, &w), &n), s) in o.iter_mut().zip(wide).zip(narrow).zip(steps) {
                *o += (w + i32::from(n)) as f32 * s;
            }
        }
        out
    }
}

impl<const B: usize> crate::features::FeatureSink for Scorer<'_, B> {
    #[inline(always)]
    fn push(&mut self, f: crate::features::Feature) {
        if f.row != NO_ROW {
            self.add(f.row, f.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Joint, NO_ROW, Scorer};
    use crate::features::key_from_name;
    use crate::model::LinearModel;

    fn model(classes: usize, names: &[String], weight: impl Fn(usize, usize) -> f32) -> LinearModel {
        let rows = names.iter().enumerate().map(|(r, n)| (n.clone(), (0..classes).map(|c| weight(r, c)).collect()));
        let names = (0..classes).map(|c| format!("class{c}")).collect();
        LinearModel::from_parts(names, vec![0.0; classes], rows.collect(), Vec::new()).expect("a valid model")
    }

    /// Summed 8-bit rows give each model's f32 sums to within half a step per row, for every slot
    /// width, for features both models have, one of them has, or neither.
    #[test]
    fn sums_match_the_models_for_every_slot_width() {
        let names: Vec<String> = (0..300).map(|i| format!("u:word{i}")).collect();
        for reasons in [2, 9, 20, 32] {
            let sentiment = model(3, &names[..200], |r, c| ((r * 7 + c * 3) % 23) as f32 / 10.0 - 1.1);
            let reason = model(reasons, &names[100..], |r, c| ((r * 5 + c * 11) % 19) as f32 / 20.0 - 0.45);
            let joint = Joint::new(&sentiment, &reason);
            let rows: Vec<u32> = names.iter().map(|n| joint.find(key_from_name(n).expect("a name"))).collect();
            assert!(rows.iter().all(|&r| r != NO_ROW), "{reasons} classes: every key is found");
            assert_eq!(joint.find(key_from_name("u:absent").expect("a name")), NO_ROW);
            let picked: Vec<usize> = (0..300).step_by(7).collect();
            let sums = match joint.blocks() {
                1 => sum::<1>(&joint, &rows, &picked),
                2 => sum::<2>(&joint, &rows, &picked),
                4 => sum::<4>(&joint, &rows, &picked),
                b => panic!("unexpected width {b}"),
            };
            let (s, r) = joint.split(&sums);
            assert_eq!((s.len(), r.len()), (3, reasons));
            for (m, got) in [(&sentiment, s), (&reason, r)] {
                let mut want = vec![0f32; got.len()];
                for &i in &picked {
                    if let Some(row) = m.rows().find(|(k, _)| Some(*k) == key_from_name(&names[i])).map(|(_, r)| r) {
                        want.iter_mut().zip(m.row(row)).for_each(|(w, x)| *w += x + 0.5 * x);
                    }
                }
                for (g, w) in got.iter().zip(&want) {
                    assert!((g - w).abs() < 0.01 * picked.len() as f32, "{reasons} classes: {g} vs {w}");
                }
            }
        }
    }

    /// Each picked feature once as a sparse feature (value 1) and once as a dense one (value 0.5).
    fn sum<const B: usize>(joint: &Joint, rows: &[u32], picked: &[usize]) -> Vec<f32> {
        let mut s = Scorer::<B>::new(joint);
        for &i in picked {
            s.add(rows[i], 1.0);
            s.add(rows[i], 0.5);
        }
        s.sums().as_flattened().to_vec()
    }

    /// More sparse rows than the 16-bit lanes can hold are summed exactly.
    #[test]
    fn long_messages_do_not_overflow() {
        let names = vec!["u:big".to_string(), "u:other".to_string()];
        let sentiment = model(3, &names, |r, _| if r == 0 { 1.0 } else { -1.0 });
        let reason = model(2, &names, |_, _| 0.0);
        let joint = Joint::new(&sentiment, &reason);
        let row = joint.find(key_from_name("u:big").expect("a name"));
        let mut s = Scorer::<1>::new(&joint);
        for _ in 0..10_000 {
            s.add(row, 1.0);
        }
        let sums = s.sums();
        let (sent, _) = joint.split(sums.as_flattened());
        assert!(sent.iter().all(|&x| (x - 10_000.0).abs() < 1.0), "{sent:?}");
    }
}
