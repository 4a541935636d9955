//! `rapport train-reasons`: trains a business's own complaint-reason model from labelled examples,
//! for `rapport score --reasons`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rapport_analysis::model::MAX_CLASSES;
use rapport_analysis::train::{Example, TrainConfig, train};
use rapport_analysis::{ComplaintReason, Engine, LinearModel, REASON_CUES_HEADER, ReasonModel, Scratch};

use super::score::{MAX_LINE, csv_reader, record_error};
use super::{InputError, find_column};

/// How far ahead of the runner-up a reason's examples must be in a built-in reason's cues to take them.
const CUE_LEAD: f32 = 1.5;

/// Fewest examples a reason needs.
pub const MIN_EXAMPLES: usize = 3;

#[derive(Args, Debug)]
pub struct TrainReasonsArgs {
    /// CSV file with a header row: one example message and its reason per record.
    #[arg(long, value_name = "FILE.csv")]
    pub examples: PathBuf,
    /// Where to write the model (a TSV file, for `rapport score --reasons`).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The column holding the example text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_column: String,
    /// The column holding the reason (any name; at least 2 reasons, 3 examples each).
    #[arg(long, value_name = "NAME", default_value = "reason")]
    pub label_column: String,
}

pub fn run(args: TrainReasonsArgs) -> anyhow::Result<()> {
    let (texts, labels) = read_examples(&args)?;
    let counts = count_reasons(&labels);
    check_counts(&counts)?;

    let classes: Vec<String> = counts.keys().cloned().collect();
    let class_of = |label: &str| classes.iter().position(|c| c == label).unwrap_or(0);
    let examples: Vec<Example<'_>> =
        texts.iter().zip(&labels).map(|(text, label)| Example { text, label: class_of(label), weight: 1.0 }).collect();
    let mut header = vec![format!(
        "custom reason model trained by rapport train-reasons from {} ({} examples, {} reasons)",
        args.examples.display(),
        examples.len(),
        classes.len()
    )];
    let base = Engine::new();
    let aliases = cue_aliases(&base, &examples, &classes);
    if !aliases.is_empty() {
        let pairs: Vec<String> = aliases.iter().map(|(b, c)| format!("{}={}", b.as_str(), classes[*c])).collect();
        header.push(format!("{REASON_CUES_HEADER}\t{}", pairs.join("\t")));
    }
    let config = TrainConfig { epochs: 30, min_count: 1, ..Default::default() };
    let model = train(&base, &examples, &classes, &config, header).context("training the reason model")?;

    let tsv = model.to_tsv();
    // What `score --reasons` will read must load: check before writing.
    LinearModel::parse(&tsv).context("the trained model does not read back")?;
    std::fs::write(&args.out, tsv).with_context(|| format!("writing {}", args.out.display()))?;

    // Training-set accuracy: the likeliest reason of each example, cues included (what `reason` would be
    // if the message were negative).
    let mut engine = Engine::new();
    engine.set_reasons(ReasonModel::new(model));
    let mut scratch = Scratch::default();
    let mut correct = vec![0usize; classes.len()];
    for ex in &examples {
        if usize::from(engine.likeliest_reason(ex.text, &mut scratch).0) == ex.label {
            correct[ex.label] += 1;
        }
    }

    println!("wrote {} ({} reasons from {} examples)", args.out.display(), classes.len(), examples.len());
    let width = classes.iter().map(|c| c.chars().count()).max().unwrap_or(0).max("reason".len());
    println!("  {:<width$}  examples  correct", "reason");
    for ((name, n), ok) in counts.iter().zip(&correct) {
        println!("  {name:<width$}  {n:>8}  {ok:>7}");
    }
    for (builtin, class) in &aliases {
        println!("built-in {} cues add to {}", builtin.as_str(), classes[*class]);
    }
    let total: usize = correct.iter().sum();
    println!(
        "training-set accuracy: {total}/{} ({:.1}%; held-out messages score lower)",
        examples.len(),
        100.0 * total as f64 / examples.len().max(1) as f64
    );
    Ok(())
}

/// The texts and reasons of the examples file, in file order.
fn read_examples(args: &TrainReasonsArgs) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let path = &args.examples;
    let shown = path.display();
    let file = File::open(path).map_err(|e| InputError(format!("cannot open {shown}: {e}")))?;
    let mut reader = csv_reader(BufReader::new(file));
    let headers = reader.byte_headers().map_err(|e| InputError(format!("reading {shown}: {e}")))?.clone();
    let text_index = find_column(&headers, &args.text_column)?;
    let label_index = find_column(&headers, &args.label_column)?;

    let mut texts = Vec::new();
    let mut labels = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(match record_error(&e) {
                    Some((line, message)) => InputError(format!("{shown}, line {line}: {message}")).into(),
                    None => anyhow::Error::new(e).context(format!("reading {shown}")),
                });
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let field = |index: usize, column: &str| -> anyhow::Result<String> {
            let bytes = record.get(index).unwrap_or_default();
            let text = std::str::from_utf8(bytes)
                .map_err(|_| InputError(format!("{shown}, line {line}: the {column:?} field is not valid UTF-8")))?;
            Ok(text.to_owned())
        };
        let text = field(text_index, &args.text_column)?;
        let label = field(label_index, &args.label_column)?.trim().to_owned();
        if text.len() > MAX_LINE {
            return Err(InputError(format!("{shown}, line {line}: the text is longer than {MAX_LINE} bytes")).into());
        }
        if text.trim().is_empty() {
            return Err(InputError(format!("{shown}, line {line}: the text is empty")).into());
        }
        if label.is_empty() {
            return Err(InputError(format!("{shown}, line {line}: the reason is empty")).into());
        }
        if label.contains(['\t', '\n', '\r']) {
            return Err(InputError(format!(
                "{shown}, line {line}: the reason {label:?} contains a tab or line break; reasons are short names"
            ))
            .into());
        }
        texts.push(text);
        labels.push(label);
    }
    Ok((texts, labels))
}

fn count_reasons(labels: &[String]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for label in labels {
        *counts.entry(label.clone()).or_insert(0) += 1;
    }
    counts
}

fn check_counts(counts: &BTreeMap<String, usize>) -> anyhow::Result<()> {
    let names = || counts.keys().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ");
    if counts.len() < 2 {
        return Err(InputError(match counts.len() {
            0 => "the examples file has no examples; it needs at least 2 reasons".to_owned(),
            _ => format!("the examples have only one reason ({}); a model needs at least 2", names()),
        })
        .into());
    }
    if counts.len() > MAX_CLASSES {
        return Err(InputError(format!(
            "the examples have {} reasons; a model can have at most {MAX_CLASSES}",
            counts.len()
        ))
        .into());
    }
    let few: Vec<String> =
        counts.iter().filter(|(_, n)| **n < MIN_EXAMPLES).map(|(name, n)| format!("{name:?} has {n}")).collect();
    if !few.is_empty() {
        return Err(InputError(format!(
            "too few examples: every reason needs at least {MIN_EXAMPLES}; {}",
            few.join(", ")
        ))
        .into());
    }
    Ok(())
}

/// Ties built-in reasons to the business's own: each built-in reason whose cues (`reason_cues.tsv`) occur
/// in at least two examples, and in one reason's examples [`CUE_LEAD`] times as much (by cue weight) as in
/// any other's, adds its cues to that reason. A few examples per reason then still get what the cues know
/// ("refund", "app", "rude"), whatever the reasons are called. Reasons named like a built-in one get its
/// cues anyway.
fn cue_aliases(engine: &Engine, examples: &[Example<'_>], classes: &[String]) -> Vec<(ComplaintReason, usize)> {
    let mut scratch = Scratch::default();
    let n = classes.len();
    let mut weight = vec![vec![0f32; n]; ComplaintReason::ALL.len()];
    let mut seen = vec![0u32; ComplaintReason::ALL.len()];
    for ex in examples {
        let cues = engine.builtin_reason_cues(ex.text, &mut scratch);
        for (b, &w) in cues.iter().enumerate() {
            if w > 0.0 && ex.label < n {
                weight[b][ex.label] += w;
                seen[b] += 1;
            }
        }
    }
    ComplaintReason::ALL
        .iter()
        .enumerate()
        .filter(|(_, r)| !classes.iter().any(|c| c == r.as_str()))
        .filter_map(|(b, r)| {
            let mut ranked: Vec<(usize, f32)> = weight[b].iter().copied().enumerate().collect();
            ranked.sort_by(|x, y| y.1.total_cmp(&x.1));
            let (best, w) = *ranked.first()?;
            let second = ranked.get(1).map_or(0.0, |x| x.1);
            (seen[b] >= 2 && w > 0.0 && w >= CUE_LEAD * second).then_some((*r, best))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    }

    #[test]
    fn too_few_examples_name_the_reason() {
        let e = check_counts(&counts(&[("shipping", 5), ("sizing", 2)])).unwrap_err().to_string();
        assert!(e.contains("\"sizing\" has 2"), "{e}");
        assert!(!e.contains("shipping"), "{e}");
        let e = check_counts(&counts(&[("shipping", 5)])).unwrap_err().to_string();
        assert!(e.contains("only one reason"), "{e}");
        assert!(check_counts(&counts(&[("a", 3), ("b", 3)])).is_ok());
    }
}
