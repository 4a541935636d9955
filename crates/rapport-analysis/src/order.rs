//! The word-order reader: a small convolutional net over a message's tokens, distilled from a fine-tuned
//! MiniLM (`train/order/run`). The n-gram model adds up what words say; this reads which words come
//! together in which order ("thanks for nothing", "how do you stay in business"), which is most of what
//! the n-grams miss. Its sentiment logits are blended with the n-gram model's.
//!
//! Reading stays table lookups and additions: a width-`w` filter at position `t` is the sum of `w`
//! vectors, one per token in the window, each the token's embedding already multiplied into that
//! filter slot when the model is loaded. The filters' maxima over positions feed a linear layer.
//!
//! The reader looks tokens up by [`token_key`], so a change to the tokenizer's normalisation needs
//! `train/order/run` again (unknown keys fall into hashed buckets: nothing breaks, accuracy drops).

use thiserror::Error;

use crate::table::KeyTable;
use crate::tokenizer::{MENTION_HASH, Token, TokenKind, URL_HASH};

/// Filters per width. Fixed at compile time so that the sums vectorise.
pub const FILTERS: usize = 32;
/// Filter widths, in tokens. (Single words are the n-gram model's part; a width-1 filter added nothing
/// on the validation fold.)
pub const WIDTHS: [usize; 2] = [2, 3];
/// Table slots per token: one per (width, offset in the window).
const SLOTS: usize = 5;
/// The first slot of each width.
const SLOT_OF: [usize; 2] = [0, 2];
/// The width (index into [`WIDTHS`]) of each slot.
const WIDTH_OF_SLOT: [usize; SLOTS] = [0, 0, 1, 1, 1];
/// Tokens read per message (the net was trained on at most this many).
pub const MAX_TOKENS: usize = 64;
/// Bounds on the file's sizes: far above any trained reader, low enough that no size computed from
/// them overflows.
const MAX_DIM: u32 = 1024;
const MAX_BUCKETS: u32 = 1 << 22;
/// The largest output weight, in its units (see the dot product in `pooled`).
const OUT_MAX: f32 = 20_000.0;
/// The padding row: windows past the end of a message add nothing.
const PAD: Row = [[0; FILTERS]; SLOTS];
/// One token's table row: a vector per (width, offset) slot, in 8 bits: 160 bytes, so that the
/// table (the reader's whole cost beyond its instructions is fetching rows) is half the size in
/// cache that 16 bits would be.
type Row = [[i8; FILTERS]; SLOTS];
/// Pooled features: one maximum per width and filter.
const POOLED: usize = WIDTHS.len() * FILTERS;
/// A table value's largest magnitude, in its filter's units: each filter gets its own unit (its largest
/// slot value over 127), so that filters with small weights keep their resolution.
const TABLE_MAX: f32 = 127.0;
/// A filter bias's largest magnitude, in its filter's units. A trained filter's bias is a few dozen
/// units; one that dwarfs its slot values (a filter that never fires, or fires the same on every
/// window) gets a unit large enough for it, so that pooled maxima stay small enough for fine output
/// weights (see the dot product in `pooled`).
const BIAS_MAX: f32 = 1_000.0;

// Keys of the break tokens, which carry no hash of their own.
const KEY_QUESTION: u64 = 0x3f3f_3f3f_0000_0001;
const KEY_BANG: u64 = 0x2121_2121_0000_0002;
const KEY_STOP: u64 = 0x2e2e_2e2e_0000_0003;
const KEY_CLAUSE: u64 = 0x2c2c_2c2c_0000_0004;

/// The key the reader looks a token up by (the trainer reads the same keys, `rapport-train tokens`).
pub fn token_key(t: &Token) -> u64 {
    match t.kind {
        TokenKind::Mention => MENTION_HASH,
        TokenKind::Url => URL_HASH,
        TokenKind::Terminal if t.questions > 0 => KEY_QUESTION,
        TokenKind::Terminal if t.bangs > 0 => KEY_BANG,
        TokenKind::Terminal => KEY_STOP,
        TokenKind::Clause => KEY_CLAUSE,
        TokenKind::Word | TokenKind::Hashtag | TokenKind::Emoticon | TokenKind::Emoji => t.hash,
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum OrderModelError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("the model has no {0:?} line")]
    Missing(&'static str),
    /// The lines parse but do not fit together (sizes, bucket rows).
    #[error("{0}")]
    Shape(String),
}

/// A loaded word-order reader.
#[derive(Debug, Clone)]
pub struct OrderModel {
    /// The CPU's vector instruction set, detected when the model is loaded.
    arch: pulp::Arch,
    /// Token key → table row. Unknown tokens share `buckets` rows by key.
    rows: KeyTable<u32>,
    buckets: u32,
    /// Per row, `SLOTS` vectors of `FILTERS` values, each in its filter's unit. Row 0 is the padding
    /// row (zeros).
    table: Vec<Row>,
    /// Per width and filter, in the filter's unit.
    bias: [[i16; FILTERS]; WIDTHS.len()],
    /// What one step of each filter (per width) is worth.
    unit: [[f32; FILTERS]; WIDTHS.len()],
    /// Per class (negative, neutral, positive), a weight per pooled maximum in units of
    /// `out_unit / unit` of its filter (so that a pooled maximum times a weight is in units of
    /// `out_unit`); and the classes' biases.
    out: [[i16; POOLED]; 3],
    out_unit: f32,
    /// The float weights, for evidence.
    out_f: [[f32; POOLED]; 3],
    out_bias: [f32; 3],
    /// Weight of the n-gram model's logits in the blend (the reader gets `1 - blend`).
    blend: f32,
}

/// Where the reader's pooled maxima came from: the window that set each one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// First token (index into the message's tokens) and width.
    pub start: usize,
    pub width: usize,
    /// What the window added to each class's logit (negative, neutral, positive).
    pub contribution: [f32; 3],
}

impl OrderModel {
    /// Parses the model file written by `train/order/student.py --export`.
    ///
    /// Lines: `blend`, `buckets`, `dim`, `table_max` (the largest |value| of an embedding times a filter
    /// slot, or of a filter bias; read by older engines, which sized one unit for all filters by it),
    /// `out_bias` (3 values), `w<width>` (one per width: `width × dim`
    /// rows of `FILTERS` values, flattened), `b<width>` (`FILTERS` values), `out` (`POOLED × 3` values,
    /// row-major), then one `row` line per table row in row order: a key (hex, or `~N` for the N-th
    /// bucket), a scale, and `dim` small integers (the embedding divided by the scale).
    pub fn parse(src: &str) -> Result<OrderModel, OrderModelError> {
        let mut p = Parts::default();
        let mut keys: Vec<Option<u64>> = Vec::new();
        let mut embeddings: Vec<Embedding> = Vec::new();
        for (i, line) in src.lines().enumerate() {
            let line_no = i + 1;
            let err = |message: String| OrderModelError::Line { line: line_no, message };
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let name = cols.next().unwrap_or("");
            let values = |s: Option<&str>| -> Result<Vec<f32>, OrderModelError> {
                s.unwrap_or("")
                    .split(' ')
                    .filter(|v| !v.is_empty())
                    .map(|v| v.parse::<f32>().map_err(|_| err(format!("not a number: {v:?}"))))
                    .collect()
            };
            match name {
                "blend" => p.blend = Some(one(values(cols.next())?).ok_or_else(|| err("one value".into()))?),
                "buckets" => {
                    p.buckets = Some(
                        count(values(cols.next())?, MAX_BUCKETS)
                            .ok_or_else(|| err(format!("buckets is a whole number in 1..={MAX_BUCKETS}")))?,
                    )
                }
                "dim" => {
                    p.dim = Some(
                        count(values(cols.next())?, MAX_DIM)
                            .ok_or_else(|| err(format!("dim is a whole number in 1..={MAX_DIM}")))?,
                    )
                }
                "out_bias" => p.out_bias = Some(values(cols.next())?),
                // Sized the single unit of older engines; each filter's unit is now found in the table.
                "table_max" => {
                    one(values(cols.next())?).ok_or_else(|| err("one value".into()))?;
                }
                "out" => p.out = Some(values(cols.next())?),
                "w2" => p.w[0] = Some(values(cols.next())?),
                "w3" => p.w[1] = Some(values(cols.next())?),
                "b2" => p.b[0] = Some(values(cols.next())?),
                "b3" => p.b[1] = Some(values(cols.next())?),
                "row" => {
                    let key = cols.next().unwrap_or("");
                    let key = if key.starts_with('~') {
                        None
                    } else {
                        Some(u64::from_str_radix(key, 16).map_err(|_| err(format!("bad key {key:?}")))?)
                    };
                    let scale = one(values(cols.next())?).ok_or_else(|| err("a row needs a scale".into()))?;
                    let dim = p.dim.ok_or(OrderModelError::Missing("dim"))? as usize;
                    let values = small_ints(cols.next().unwrap_or(""))
                        .ok_or_else(|| err("row values are integers in -127..=127".into()))?;
                    if values.len() != dim {
                        return Err(err(format!("a row needs {dim} values, this one has {}", values.len())));
                    }
                    keys.push(key);
                    embeddings.push(Embedding { scale, values });
                }
                other => return Err(err(format!("unknown line {other:?}"))),
            }
        }
        p.build(&keys, &embeddings)
    }

    /// The reader's logits for `tokens` (negative, neutral, positive). Allocation-free.
    pub fn logits(&self, tokens: &[Token]) -> [f32; 3] {
        self.pooled(tokens, |_, _, _| {})
    }

    /// Blends the n-gram model's logits with the reader's: the class logits to report. Their softmax is
    /// the normalised weighted geometric mean of the two models' probabilities (each model's
    /// log-normaliser is the same for every class, so it drops out).
    pub fn blend(&self, ngram_logits: [f32; 3], reader_logits: [f32; 3]) -> [f32; 3] {
        std::array::from_fn(|c| self.blend * ngram_logits[c] + (1.0 - self.blend) * reader_logits[c])
    }

    /// The n-gram model's weight in the blend.
    pub fn ngram_weight(&self) -> f32 {
        self.blend
    }

    /// The windows behind the reader's verdict, strongest first (for evidence; allocates).
    pub fn windows(&self, tokens: &[Token]) -> Vec<Window> {
        let mut arg = [[0usize; FILTERS]; WIDTHS.len()];
        let mut best = [[0i32; FILTERS]; WIDTHS.len()];
        self.pooled(tokens, |wi, t, acc| {
            for f in 0..FILTERS {
                if i32::from(acc[f]) > best[wi][f] {
                    best[wi][f] = i32::from(acc[f]);
                    arg[wi][f] = t;
                }
            }
        });
        let mut by_window: Vec<Window> = Vec::new();
        for (wi, &width) in WIDTHS.iter().enumerate() {
            for f in 0..FILTERS {
                if best[wi][f] <= 0 {
                    continue;
                }
                let z = best[wi][f] as f32 * self.unit[wi][f];
                let at_out = wi * FILTERS + f;
                let start = arg[wi][f];
                let at = match by_window.iter().position(|x| x.start == start && x.width == width) {
                    Some(i) => i,
                    None => {
                        by_window.push(Window { start, width, contribution: [0.0; 3] });
                        by_window.len() - 1
                    }
                };
                for c in 0..3 {
                    by_window[at].contribution[c] += z * self.out_f[c][at_out];
                }
            }
        }
        let spread = |w: &Window| {
            let [a, b, c] = w.contribution;
            a.max(b).max(c) - a.min(b).min(c)
        };
        by_window.sort_by(|a, b| spread(b).total_cmp(&spread(a)));
        by_window
    }

    /// Runs the filters over `tokens`; `visit(width index, position, sums)` sees every window's sums.
    #[inline]
    fn pooled(&self, tokens: &[Token], visit: impl FnMut(usize, usize, &[i16; FILTERS])) -> [f32; 3] {
        // Compiled once more with the vector instructions this CPU has (AVX2 where present), chosen at
        // run time.
        self.arch.dispatch(
            #[inline(always)]
            || self.pooled_here(tokens, visit),
        )
    }

    #[inline(always)]
    fn pooled_here(&self, tokens: &[Token], mut visit: impl FnMut(usize, usize, &[i16; FILTERS])) -> [f32; 3] {
        // Each token's table row, looked up once; windows that run past the end read the padding row
        // (zeros), as in training.
        let mut slots: [&Row; MAX_TOKENS + 2] = [&PAD; MAX_TOKENS + 2];
        let n = tokens.len().min(MAX_TOKENS);
        for (s, t) in slots.iter_mut().zip(&tokens[..n]) {
            *s = self.table.get(self.row(token_key(t)) as usize).unwrap_or(&PAD);
        }
        let mut max = [[0i16; FILTERS]; WIDTHS.len()];
        for (t, w) in slots[..n + 2].windows(3).enumerate() {
            let [a, b, c] = [w[0], w[1], w[2]];
            let (mut h2, mut h3) = ([0i16; FILTERS], [0i16; FILTERS]);
            // No overflow: BIAS_MAX and three times TABLE_MAX fit in i16.
            let v = |x: i8| i16::from(x);
            for i in 0..FILTERS {
                h2[i] = self.bias[0][i].wrapping_add(v(a[0][i])).wrapping_add(v(b[1][i]));
                h3[i] = self.bias[1][i].wrapping_add(v(a[2][i])).wrapping_add(v(b[3][i])).wrapping_add(v(c[4][i]));
            }
            for (wi, h) in [h2, h3].iter().enumerate() {
                visit(wi, t, h);
                for i in 0..FILTERS {
                    max[wi][i] = max[wi][i].max(h[i]);
                }
            }
        }
        let pooled = max.as_flattened();
        let mut logits = self.out_bias;
        for (l, w) in logits.iter_mut().zip(&self.out) {
            // Integer products summed in i32, a multiply-add instruction per eight. No overflow: 64
            // products of at most BIAS_MAX + 3·TABLE_MAX and OUT_MAX stay under 2^31.
            let dot: i32 = pooled.iter().zip(w).map(|(&m, &w)| i32::from(m) * i32::from(w)).sum();
            *l += dot as f32 * self.out_unit;
        }
        logits
    }

    #[inline]
    fn row(&self, key: u64) -> u32 {
        match self.rows.get(key) {
            Some(&r) => r,
            None => 1 + (key % u64::from(self.buckets)) as u32,
        }
    }
}

/// Space-separated integers in -127..=127 (the bulk of the file: a byte loop, not a float parser).
fn small_ints(s: &str) -> Option<Vec<i8>> {
    let mut out = Vec::with_capacity(64);
    for v in s.split_ascii_whitespace() {
        let (negative, digits) = match v.as_bytes() {
            [b'-', rest @ ..] => (true, rest),
            all => (false, all),
        };
        if digits.is_empty() || digits.len() > 3 {
            return None;
        }
        let mut n = 0i16;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i16::from(d - b'0');
        }
        if n > 127 {
            return None;
        }
        out.push(if negative { -n } else { n } as i8);
    }
    Some(out)
}

/// A single whole number in `1..=max` (a size: bounded, so that sizes multiplied together cannot overflow).
fn count(v: Vec<f32>, max: u32) -> Option<u32> {
    let x = one(v)?;
    (x.fract() == 0.0 && x >= 1.0 && x <= max as f32).then_some(x as u32)
}

fn one(v: Vec<f32>) -> Option<f32> {
    (v.len() == 1).then(|| v[0])
}

/// One row's embedding as written: small integers and their scale.
struct Embedding {
    scale: f32,
    values: Vec<i8>,
}

/// The lines of a model file, before the table is built.
#[derive(Default)]
struct Parts {
    blend: Option<f32>,
    buckets: Option<u32>,
    dim: Option<u32>,
    out_bias: Option<Vec<f32>>,
    out: Option<Vec<f32>>,
    w: [Option<Vec<f32>>; WIDTHS.len()],
    b: [Option<Vec<f32>>; WIDTHS.len()],
}

impl Parts {
    fn build(self, keys: &[Option<u64>], embeddings: &[Embedding]) -> Result<OrderModel, OrderModelError> {
        use OrderModelError::Missing;
        let bad = OrderModelError::Shape;
        let dim = self.dim.ok_or(Missing("dim"))? as usize;
        let buckets = self.buckets.ok_or(Missing("buckets"))?;
        let blend = self.blend.ok_or(Missing("blend"))?;
        let out_bias: [f32; 3] =
            self.out_bias.ok_or(Missing("out_bias"))?.try_into().map_err(|_| bad("out_bias needs 3 values".into()))?;
        let out_flat = self.out.ok_or(Missing("out"))?;
        if out_flat.len() != POOLED * 3 {
            return Err(bad(format!("out needs {} values", POOLED * 3)));
        }
        // Written row-major (pooled × class); kept class-major so that each class is one dot product.
        let out: [[f32; POOLED]; 3] = std::array::from_fn(|c| std::array::from_fn(|i| out_flat[i * 3 + c]));
        let names = ["w2", "w3"];
        let mut w = Vec::new();
        for (i, width) in WIDTHS.iter().enumerate() {
            let m = self.w[i].as_ref().ok_or(Missing(names[i]))?;
            if m.len() != width * dim * FILTERS {
                return Err(bad(format!("{} needs {} values", names[i], width * dim * FILTERS)));
            }
            w.push(m);
        }
        let bnames = ["b2", "b3"];
        let mut bias_f = [[0f32; FILTERS]; WIDTHS.len()];
        for i in 0..WIDTHS.len() {
            let b = self.b[i].as_ref().ok_or(Missing(bnames[i]))?;
            if b.len() != FILTERS {
                return Err(bad(format!("{} needs {FILTERS} values", bnames[i])));
            }
            bias_f[i].copy_from_slice(b);
        }
        // The bucket rows come first: an unknown key's row is 1 + key mod buckets.
        let (bucket_rows, word_rows) = keys.split_at(keys.len().min(buckets as usize));
        if buckets == 0
            || bucket_rows.len() != buckets as usize
            || bucket_rows.iter().any(Option::is_some)
            || word_rows.iter().any(Option::is_none)
        {
            return Err(bad(format!("the model needs {buckets} bucket rows first, then word rows")));
        }
        // A row's slot vectors: its embedding times each (width, offset) block of the kernels, whose
        // rows j·dim .. (j+1)·dim multiply the j-th token of the window.
        let slots_of = |e: &Embedding| -> [[f32; FILTERS]; SLOTS] {
            let mut out = [[0f32; FILTERS]; SLOTS];
            for (wi, &width) in WIDTHS.iter().enumerate() {
                for j in 0..width {
                    let slot = &mut out[SLOT_OF[wi] + j];
                    for (d, &x) in e.values.iter().enumerate() {
                        let x = f32::from(x) * e.scale;
                        let k = &w[wi][(j * dim + d) * FILTERS..(j * dim + d + 1) * FILTERS];
                        for (s, &kv) in slot.iter_mut().zip(k) {
                            *s += x * kv;
                        }
                    }
                }
            }
            out
        };
        // Each filter's unit is its largest slot value over the table (all slots of its width) in
        // TABLE_MAX steps, or its bias in BIAS_MAX steps if that is larger. Two passes over the rows,
        // the slot values computed in each: keeping them between the passes would take four times the
        // table's memory while the engine loads.
        let mut unit = [[0f32; FILTERS]; WIDTHS.len()];
        for row in embeddings.iter().map(slots_of) {
            for (slot, &wi) in row.iter().zip(&WIDTH_OF_SLOT) {
                for (u, x) in unit[wi].iter_mut().zip(slot) {
                    *u = u.max(x.abs());
                }
            }
        }
        let unit: [[f32; FILTERS]; WIDTHS.len()] = std::array::from_fn(|wi| {
            std::array::from_fn(|i| {
                (unit[wi][i] / TABLE_MAX).max(bias_f[wi][i].abs() / BIAS_MAX).max(f32::MIN_POSITIVE)
            })
        });
        let mut table = Vec::with_capacity(embeddings.len() + 1);
        table.push(PAD);
        table.extend(embeddings.iter().map(slots_of).map(|row| {
            std::array::from_fn(|s| {
                let u = &unit[WIDTH_OF_SLOT[s]];
                std::array::from_fn(|i| (row[s][i] / u[i]).round().clamp(-TABLE_MAX, TABLE_MAX) as i8)
            })
        }));
        let bias: [[i16; FILTERS]; WIDTHS.len()] = std::array::from_fn(|wi| {
            std::array::from_fn(|i| (bias_f[wi][i] / unit[wi][i]).round().clamp(-BIAS_MAX, BIAS_MAX) as i16)
        });
        let mut rows = KeyTable::new(0u32);
        for (r, k) in keys.iter().enumerate() {
            if let Some(k) = k {
                rows.insert(*k, (r + 1) as u32);
            }
        }
        // An output weight times its filter's unit: what one step of the pooled maximum adds.
        let unit_of = |f: usize| unit[f / FILTERS][f % FILTERS];
        let per_step: [[f32; POOLED]; 3] = out.map(|c| std::array::from_fn(|f| c[f] * unit_of(f)));
        let out_max = per_step.iter().flatten().fold(0f32, |m, x| m.max(x.abs())).max(f32::MIN_POSITIVE);
        let out_unit = out_max / OUT_MAX;
        let out_q = per_step.map(|c| c.map(|x| (x / out_unit).round().clamp(-OUT_MAX, OUT_MAX) as i16));
        Ok(OrderModel {
            arch: pulp::Arch::new(),
            rows,
            buckets,
            table,
            bias,
            unit,
            out: out_q,
            out_unit,
            out_f: out,
            out_bias,
            blend,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash;
    use crate::tokenizer::Tokenizer;

    /// A one-dimensional model over two known words: filter 0 of width 2 fires only on `late` followed
    /// by `again` and pushes the negative logit; nothing else has weight.
    fn toy(blend: f32) -> String {
        toy_with(blend, |_, _| {})
    }

    /// The toy model, with `edit(b2, out)` changing the width-2 biases and the output weights first.
    fn toy_with(blend: f32, edit: impl FnOnce(&mut [String], &mut [String])) -> String {
        let zeros = |n: usize| vec!["0"; n].join(" ");
        // w2 is [2·dim][FILTERS]: row 0 multiplies the first token, row 1 the second.
        let mut w2 = vec!["0".to_string(); 2 * FILTERS];
        w2[0] = "1".into(); // first token's embedding into filter 0
        w2[FILTERS] = "-2".into(); // second token's into filter 0
        let mut b2 = vec!["0".to_string(); FILTERS];
        // late = 1, again = -1: only "late again" gets above 0 (1 + 2 - 2.5); "again late" is -3 - 2.5.
        b2[0] = "-2.5".into();
        let mut out = vec!["0".to_string(); POOLED * 3];
        out[0] = "4".into(); // filter 0 of width 2 → negative
        edit(&mut b2, &mut out);
        format!(
            "# toy\nblend\t{blend}\nbuckets\t1\ndim\t1\ntable_max\t2.5\nout_bias\t0 0 0\nout\t{}\nw2\t{}\nb2\t{}\nw3\t{}\nb3\t{}\n\
             row\t~0\t1\t0\nrow\t{:x}\t0.01\t100\nrow\t{:x}\t0.01\t-100\nrow\t{:x}\t0.01\t-100\n",
            out.join(" "),
            w2.join(" "),
            b2.join(" "),
            zeros(3 * FILTERS),
            zeros(FILTERS),
            hash::word("late"),
            hash::word("again"),
            hash::word("fine"),
        )
    }

    fn logits(model: &OrderModel, text: &str) -> [f32; 3] {
        let tokens = Tokenizer::new([]).tokenize(text);
        model.logits(&tokens)
    }

    #[test]
    fn the_builtin_model_parses() {
        let m = OrderModel::parse(include_str!("../data/order.model.tsv"));
        assert!(m.is_ok(), "{m:?}");
    }

    #[test]
    fn word_order_changes_the_reading() {
        let m = OrderModel::parse(&toy(0.5)).unwrap();
        let late_again = logits(&m, "late again");
        let again_late = logits(&m, "again late");
        assert!(late_again[0] > 0.5, "{late_again:?}");
        assert_eq!(again_late, [0.0; 3], "the same words in the other order do not fire the filter");
        // The window reports what it added, and where.
        let tokens = Tokenizer::new([]).tokenize("late again");
        let w = &m.windows(&tokens)[0];
        assert_eq!((w.start, w.width), (0, 2));
        assert!(w.contribution[0] > 0.5 && w.contribution[2] == 0.0, "{w:?}");
    }

    /// A filter with no weights but a positive bias fires the same on every window: the reader adds its
    /// constant (the float net's max-pool of the bias) to every message.
    #[test]
    fn a_bias_only_filter_adds_its_constant() {
        let src = toy_with(0.5, |b2, out| {
            b2[1] = "0.5".into();
            out[3 + 2] = "2".into(); // filter 1 of width 2 → positive (`out` is pooled × class)
        });
        let m = OrderModel::parse(&src).unwrap();
        for text in ["zebra", "late again", "fine fine fine"] {
            let l = logits(&m, text);
            assert!((l[2] - 1.0).abs() < 1e-2, "{text:?}: {l:?}");
        }
    }

    #[test]
    fn blend_weights_the_two_models() {
        let m = OrderModel::parse(&toy(1.0)).unwrap();
        assert_eq!(m.blend([1.0, 2.0, 3.0], [9.0, 0.0, -9.0]), [1.0, 2.0, 3.0]);
        let m = OrderModel::parse(&toy(0.25)).unwrap();
        assert_eq!(m.blend([4.0, 0.0, 0.0], [0.0, 0.0, 4.0]), [1.0, 0.0, 3.0]);
    }

    #[test]
    fn unknown_words_and_long_messages_are_read_without_panicking() {
        let m = OrderModel::parse(&toy(0.5)).unwrap();
        let long = "late again ".repeat(500);
        assert!(logits(&m, &long)[0] > 0.5);
        assert_eq!(logits(&m, "zebra"), [0.0; 3]);
        assert_eq!(logits(&m, ""), [0.0; 3]);
    }

    #[test]
    fn broken_files_are_errors() {
        let good = toy(0.5);
        for (what, bad) in [
            ("no dim", good.replace("dim\t1\n", "")),
            ("huge dim", good.replace("dim\t1\n", "dim\t1e30\n")),
            ("fractional dim", good.replace("dim\t1\n", "dim\t1.5\n")),
            ("no buckets", good.replace("buckets\t1\n", "buckets\t0\n")),
            (
                "huge dim, no rows",
                good.lines()
                    .filter(|l| !l.starts_with("row"))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .replace("dim\t1", "dim\t1e30"),
            ),
            ("short out", good.replace("out\t4 ", "out\t")),
            ("bad number", good.replace("blend\t0.5", "blend\tx")),
            ("row too long", good.replace("\t0.01\t100\n", "\t0.01\t100 1\n")),
            ("not a hex key", good.replace("row\t~0", "row\t~0\t1\t0\nrow\tzz")),
            ("no buckets first", good.replace("row\t~0\t1\t0\n", "")),
            ("row value out of range", good.replace("\t0.01\t100\n", "\t0.01\t300\n")),
            ("row value not an integer", good.replace("\t0.01\t100\n", "\t0.01\t1.5\n")),
            ("row value not a number", good.replace("\t0.01\t100\n", "\t0.01\t-\n")),
            ("unknown line", format!("{good}weights\t1\n")),
        ] {
            assert!(OrderModel::parse(&bad).is_err(), "{what}");
        }
    }

    /// The built-in model's float net, read straight from its file: what the 8-bit table, the
    /// 16-bit sums and the integer dot products approximate.
    fn float_logits(src: &str, tokens: &[Token]) -> [f32; 3] {
        let mut rows: Vec<Vec<f32>> = Vec::new();
        let mut row_of_key = std::collections::HashMap::new();
        let mut lines = std::collections::HashMap::new();
        for line in src.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let floats = |s: &str| -> Vec<f32> { s.split(' ').filter_map(|x| x.parse().ok()).collect() };
            if cols[0] == "row" {
                if let Ok(key) = u64::from_str_radix(cols[1], 16) {
                    row_of_key.insert(key, rows.len());
                }
                let scale: f32 = cols[2].parse().unwrap();
                rows.push(floats(cols[3]).iter().map(|x| x * scale).collect());
            } else {
                lines.insert(cols[0], floats(cols[1]));
            }
        }
        let buckets = lines["buckets"][0] as u64;
        let dim = lines["dim"][0] as usize;
        let n = tokens.len().min(MAX_TOKENS);
        let zero = vec![0f32; dim];
        let embedding = |t: usize| -> &[f32] {
            tokens[..n].get(t).map_or(&zero, |tok| {
                let key = token_key(tok);
                &rows[row_of_key.get(&key).copied().unwrap_or((key % buckets) as usize)]
            })
        };
        let mut pooled = [0f32; POOLED];
        for (wi, width) in WIDTHS.iter().enumerate() {
            let (k, b) = (&lines[format!("w{width}").as_str()], &lines[format!("b{width}").as_str()]);
            for t in 0..n {
                for f in 0..FILTERS {
                    let mut h = b[f];
                    for j in 0..*width {
                        h += embedding(t + j)
                            .iter()
                            .enumerate()
                            .map(|(d, e)| e * k[(j * dim + d) * FILTERS + f])
                            .sum::<f32>();
                    }
                    pooled[wi * FILTERS + f] = pooled[wi * FILTERS + f].max(h);
                }
            }
        }
        let (out, bias) = (&lines["out"], &lines["out_bias"]);
        std::array::from_fn(|c| bias[c] + pooled.iter().enumerate().map(|(i, p)| p * out[i * 3 + c]).sum::<f32>())
    }

    #[test]
    fn integer_reading_matches_the_float_net() {
        let src = include_str!("../data/order.model.tsv");
        let m = OrderModel::parse(src).unwrap();
        for text in [
            "my order was delayed again and nobody answers",
            "thanks so much, great service!",
            "@shop where is my parcel?? zxqv",
            "",
        ] {
            let tokens = Tokenizer::new([]).tokenize(text);
            let (engine, float) = (m.logits(&tokens), float_logits(src, &tokens));
            let off = engine.iter().zip(float).fold(0f32, |d, (a, b)| d.max((a - b).abs()));
            assert!(off < 0.05, "{text:?}: engine {engine:?}, float net {float:?}");
        }
    }
}
