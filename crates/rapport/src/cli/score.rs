//! `rapport score`: one JSON analysis per input message, for batch jobs and pipelines.
//!
//! Input is one message per line of stdin, or one CSV column. Output is one JSON object per line of
//! input, in input order. Bad input (invalid UTF-8, overlong lines, malformed CSV records) becomes an
//! `{"line": N, "error": "..."}` object for that line and never stops the run.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use rapport_analysis::reply::{ReplyContext, ReplyReport, check_reply};
use rapport_analysis::{Engine, Evidence, LinearModel, MessageAnalysis, ReasonModel, Scratch, SentimentLabel};
use serde::Serialize;

use super::{InputError, ReadingArgs, find_column};

/// Longest message analysed, in bytes; longer lines get an error object.
pub const MAX_LINE: usize = 1 << 20;

/// Read buffer size.
const READ_BUFFER: usize = 64 * 1024;

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// Read messages from this CSV file (with a header row) instead of stdin.
    #[arg(long, value_name = "FILE", requires = "text_column")]
    pub csv: Option<PathBuf>,
    /// The CSV column holding the message text.
    #[arg(long, value_name = "NAME", requires = "csv")]
    pub text_column: Option<String>,
    /// Who wrote the messages: customer (sentiment, emotion, reason, intents) or agent (reply checks).
    #[arg(long, value_enum, default_value_t = Role::Customer)]
    pub role: Role,
    /// Use this custom reason model (written by `rapport train-reasons`) for `reason`.
    #[arg(long, value_name = "MODEL_FILE")]
    pub reasons: Option<PathBuf>,
    /// With `--role agent`: the CSV column holding the customer message each reply answers. Its words count
    /// towards `acknowledges_problem`, and a negative message makes `apologises` applicable.
    #[arg(long, value_name = "NAME", requires = "csv")]
    pub customer_column: Option<String>,
    /// With `--role agent`: the CSV column holding the customer's name (for `uses_customer_name`).
    #[arg(long, value_name = "NAME", requires = "csv")]
    pub name_column: Option<String>,
    #[command(flatten)]
    pub reading: ReadingArgs,
}

/// The CSV columns that give an agent reply its context.
struct ContextColumns<'a> {
    customer: Option<&'a str>,
    name: Option<&'a str>,
}

/// What is known about the customer side of one reply.
#[derive(Default, Clone, Copy)]
struct ReplySide<'a> {
    customer: Option<&'a str>,
    name: Option<&'a str>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Customer,
    Agent,
}

/// The output line for a customer message.
#[derive(Serialize)]
struct CustomerLine<'a> {
    sentiment: &'static str,
    score: f64,
    confidence: f64,
    emotion: &'static str,
    reason: Option<&'a str>,
    reason_confidence: f64,
    intents: Vec<&'static str>,
    evidence: &'a [Evidence],
}

impl<'a> CustomerLine<'a> {
    fn new(a: &'a MessageAnalysis) -> Self {
        CustomerLine {
            sentiment: a.sentiment.label.as_str(),
            score: a.sentiment.score,
            confidence: a.sentiment.confidence,
            emotion: a.emotion.as_str(),
            reason: a.reason.as_deref(),
            reason_confidence: a.reason_confidence,
            intents: a.intents.iter().map(|i| i.as_str()).collect(),
            evidence: &a.evidence,
        }
    }
}

/// The output line for an agent reply: the reply report, plus the tone of the reply as a customer
/// message would be scored. The report has its own `score` (reply quality, 0–100), so the sentiment
/// score is `sentiment_score`.
#[derive(Serialize)]
struct AgentLine<'a> {
    #[serde(flatten)]
    report: &'a ReplyReport,
    sentiment: &'static str,
    sentiment_score: f64,
}

/// The output line for input that could not be analysed.
#[derive(Serialize)]
struct ErrorLine<'a> {
    line: u64,
    error: &'a str,
}

pub fn run(args: ScoreArgs) -> anyhow::Result<()> {
    let mut engine = super::builtin_engine(!args.reading.no_word_order);
    if let Some(path) = &args.reasons {
        engine.set_reasons(ReasonModel::new(load_reason_model(path)?));
    }
    if args.role == Role::Customer && (args.customer_column.is_some() || args.name_column.is_some()) {
        return Err(InputError(
            "--customer-column and --name-column give agent replies their context: use them with --role agent".into(),
        )
        .into());
    }
    let scorer = Scorer { engine, role: args.role, scratch: RefCell::default() };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let context = ContextColumns { customer: args.customer_column.as_deref(), name: args.name_column.as_deref() };
    let result = match (&args.csv, &args.text_column) {
        (Some(path), Some(column)) => score_csv(&scorer, path, column, &context, &mut out),
        _ => score_lines(&scorer, BufReader::with_capacity(READ_BUFFER, io::stdin().lock()), &mut out),
    };
    match result.and_then(|()| out.flush().map_err(|e| OutputError(e).into())) {
        // The reader went away (`rapport score | head`): not a failure of ours.
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// Reads and checks a model written by `rapport train-reasons`.
pub fn load_reason_model(path: &Path) -> anyhow::Result<LinearModel> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError(format!("cannot read the reason model {}: {e}", path.display())))?;
    let model = LinearModel::parse(&text).map_err(|e| {
        InputError(format!("{} is not a reason model (write one with `rapport train-reasons`): {e}", path.display()))
    })?;
    Ok(model)
}

struct Scorer {
    engine: Engine,
    role: Role,
    scratch: RefCell<Scratch>,
}

impl Scorer {
    fn write_analysis(&self, text: &str, context: ReplySide<'_>, out: &mut impl Write) -> anyhow::Result<()> {
        match self.role {
            Role::Customer => {
                let analysis = self.engine.analyze_customer(text);
                write_json(out, &CustomerLine::new(&analysis))
            }
            Role::Agent => {
                // The label is all that is needed of the customer message: a summary, no evidence.
                let customer_negative = context.customer.is_some_and(|c| {
                    self.engine.summarize(c, &mut self.scratch.borrow_mut()).sentiment.label == SentimentLabel::Negative
                });
                let ctx =
                    ReplyContext { customer_name: context.name, customer_negative, customer_text: context.customer };
                let report = check_reply(text, &ctx);
                let tone = self.engine.analyze_customer(text).sentiment;
                write_json(
                    out,
                    &AgentLine { report: &report, sentiment: tone.label.as_str(), sentiment_score: tone.score },
                )
            }
        }
    }
}

/// Writing the output failed: the run stops (input problems never stop it).
#[derive(Debug)]
struct OutputError(io::Error);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "writing the output: {}", self.0)
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<OutputError>().is_some_and(|o| o.0.kind() == io::ErrorKind::BrokenPipe)
}

fn write_json(out: &mut impl Write, value: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(|e| match e.io_error_kind() {
        Some(kind) => anyhow::Error::new(OutputError(io::Error::new(kind, e))),
        None => anyhow::Error::new(e).context("encoding the output"),
    })?;
    out.write_all(b"\n").map_err(OutputError)?;
    Ok(())
}

fn write_error(out: &mut impl Write, line: u64, error: &str) -> anyhow::Result<()> {
    write_json(out, &ErrorLine { line, error })
}

/// One line as read by [`read_line_limited`].
enum Line {
    /// The line's bytes are in the buffer, without the line terminator.
    Text,
    /// The line was longer than the limit; its bytes were skipped.
    TooLong,
}

/// Reads one line (up to `\n`) into `buf`, without the `\n` or `\r\n`, keeping at most `limit`
/// bytes in memory: a longer line is read to its end but not stored. `None` at end of input.
fn read_line_limited(reader: &mut impl BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<Option<Line>> {
    buf.clear();
    let mut overflow = false;
    let mut read_any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        read_any = true;
        let (part, used, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], i + 1, true),
            None => (chunk, chunk.len(), false),
        };
        // Keep one byte past the limit: it may be the `\r` of a `\r\n`.
        if !overflow {
            if buf.len() + part.len() <= limit + 1 {
                buf.extend_from_slice(part);
            } else {
                overflow = true;
                buf.clear();
                buf.shrink_to(READ_BUFFER);
            }
        }
        reader.consume(used);
        if done {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if overflow {
        return Ok(Some(Line::TooLong));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(if buf.len() > limit { Line::TooLong } else { Line::Text }))
}

fn score_lines<R: Read>(scorer: &Scorer, mut reader: BufReader<R>, out: &mut impl Write) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    let mut number: u64 = 0;
    let too_long = format!("line longer than {MAX_LINE} bytes");
    while let Some(line) = read_line_limited(&mut reader, &mut buf, MAX_LINE).context("reading stdin")? {
        number += 1;
        match line {
            Line::TooLong => write_error(out, number, &too_long)?,
            Line::Text => {
                let bytes = if number == 1 { buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf) } else { &buf };
                match std::str::from_utf8(bytes) {
                    Ok(text) => scorer.write_analysis(text, ReplySide::default(), out)?,
                    Err(_) => write_error(out, number, "invalid UTF-8")?,
                }
            }
        }
        // Nothing more is buffered: the next read may wait for the writer of stdin, so hand over
        // what is done (a pipeline sees results as they come; a file is still written in blocks).
        if reader.buffer().is_empty() {
            out.flush().map_err(OutputError)?;
        }
    }
    Ok(())
}

fn score_csv(
    scorer: &Scorer,
    path: &Path,
    column: &str,
    context: &ContextColumns<'_>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let file = File::open(path).map_err(|e| InputError(format!("cannot open {}: {e}", path.display())))?;
    let mut reader = csv_reader(BufReader::with_capacity(READ_BUFFER, file));
    let headers = reader.byte_headers().map_err(|e| InputError(format!("reading {}: {e}", path.display())))?.clone();
    let index = find_column(&headers, column)?;
    let customer = context.customer.map(|c| find_column(&headers, c).map(|i| (c, i))).transpose()?;
    let name = context.name.map(|c| find_column(&headers, c).map(|i| (c, i))).transpose()?;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                match record_texts(&record, (column, index), customer, name) {
                    Ok((text, context)) => scorer.write_analysis(text, context, out)?,
                    Err(message) => write_error(out, line, &message)?,
                }
            }
            Err(e) => match record_error(&e) {
                Some((line, message)) => write_error(out, line, &message)?,
                None => return Err(anyhow::Error::new(e).context(format!("reading {}", path.display()))),
            },
        }
    }
    Ok(())
}

/// The message and its context fields of one record, or why they cannot be read. An empty context field is
/// no context.
fn record_texts<'r>(
    record: &'r csv::ByteRecord,
    text: (&str, usize),
    customer: Option<(&str, usize)>,
    name: Option<(&str, usize)>,
) -> Result<(&'r str, ReplySide<'r>), String> {
    let field = |(column, index): (&str, usize)| -> Result<&'r str, String> {
        let bytes = record.get(index).ok_or_else(|| format!("the record has no {column:?} field"))?;
        if bytes.len() > MAX_LINE {
            return Err(format!("field longer than {MAX_LINE} bytes"));
        }
        std::str::from_utf8(bytes).map_err(|_| {
            if index == text.1 { "invalid UTF-8".to_owned() } else { format!("invalid UTF-8 in {column:?}") }
        })
    };
    let optional = |c: Option<(&str, usize)>| -> Result<Option<&'r str>, String> {
        Ok(c.map(field).transpose()?.filter(|s| !s.trim().is_empty()))
    };
    Ok((field(text)?, ReplySide { customer: optional(customer)?, name: optional(name)? }))
}

/// The CSV reader both commands use: a header row, records of the header's width.
pub fn csv_reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(input)
}

/// A malformed record (line and message), or `None` when the error is not about one record.
pub fn record_error(e: &csv::Error) -> Option<(u64, String)> {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => Some((
            pos.as_ref().map_or(0, |p| p.line()),
            format!("malformed CSV record: {len} fields, the header has {expected_len}"),
        )),
        csv::ErrorKind::Utf8 { pos, .. } => {
            Some((pos.as_ref().map_or(0, |p| p.line()), "malformed CSV record: invalid UTF-8".to_owned()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<Result<Vec<u8>, ()>> {
        let mut reader = BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut all = Vec::new();
        while let Some(line) = read_line_limited(&mut reader, &mut buf, limit).unwrap() {
            all.push(match line {
                Line::Text => Ok(buf.clone()),
                Line::TooLong => Err(()),
            });
        }
        all
    }

    #[test]
    fn lines_are_split_and_terminators_dropped() {
        let got = lines(b"one\r\ntwo\n\nthree", 100);
        assert_eq!(got, vec![Ok(b"one".to_vec()), Ok(b"two".to_vec()), Ok(vec![]), Ok(b"three".to_vec())]);
        assert!(lines(b"", 100).is_empty());
        assert_eq!(lines(b"\n", 100), vec![Ok(vec![])]);
    }

    #[test]
    fn long_lines_are_skipped_without_losing_the_next_one() {
        let got = lines(b"12345\n123456\n1234\r\n12345\r\nabcdefghijkl\nok", 5);
        assert_eq!(
            got,
            vec![
                Ok(b"12345".to_vec()),
                Err(()),
                Ok(b"1234".to_vec()),
                Ok(b"12345".to_vec()),
                Err(()),
                Ok(b"ok".to_vec())
            ]
        );
    }
}
