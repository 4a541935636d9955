//! Readers of help-desk exports (PRODUCT.md C9, `rapport assess`): each turns a file into a stream of
//! [`ImportedMessage`]s, one per customer or agent message, in file order. A row that cannot be read
//! becomes a [`RowError`] with file and line — counted and reported by the caller, never fatal unless
//! it asks to be strict.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use jiff::Timestamp;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;
use thiserror::Error;

pub mod freshdesk;
pub mod generic;
pub mod twcs;
pub mod zendesk;

pub use generic::{Field, Mapping, MappingError};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Customer,
    Agent,
    Bot,
}

/// One message of an exported history.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedMessage {
    /// The conversation (ticket, thread) it belongs to, as the export names it.
    pub conversation: String,
    /// The message's own id in the export, when it has one.
    pub id: Option<String>,
    pub at: Timestamp,
    pub side: Side,
    /// The author's id or name in the export.
    pub author: String,
    /// The agent-side account the conversation is with (a brand's handle, a mailbox, a help-desk
    /// instance): what `first_response.by_account` groups by.
    pub account: Option<String>,
    pub channel: Option<String>,
    pub text: String,
    pub rating: Option<f64>,
    pub agent: Option<String>,
    pub team: Option<String>,
    pub site: Option<String>,
    pub status: Option<String>,
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{file}:{line}: {message}")]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// What reading a whole file can fail with (a bad row is a [`RowError`] item instead).
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Format { file: String, message: String },
}

/// A file read: its messages in file order, and the rows that could not be read.
#[derive(Debug, Default)]
pub struct Import {
    pub messages: Vec<ImportedMessage>,
    pub errors: Vec<RowError>,
}

/// One conversation's messages, in file order, and its number: conversations are numbered 0, 1, 2 …
/// in the order of their first message in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub seq: usize,
    pub messages: Vec<ImportedMessage>,
}

/// Groups messages (in file order) into conversations, numbered in order of first appearance.
pub fn conversations(messages: Vec<ImportedMessage>) -> Vec<Conversation> {
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out: Vec<Conversation> = Vec::new();
    for m in messages {
        let seq = match index.get(&m.conversation) {
            Some(&seq) => seq,
            None => {
                let seq = out.len();
                index.insert(m.conversation.clone(), seq);
                out.push(Conversation { seq, messages: Vec::new() });
                seq
            }
        };
        out[seq].messages.push(m);
    }
    out
}

/// The export formats Rapport reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The "Customer Support on Twitter" CSV ([`twcs`]).
    Twcs,
    /// Any CSV with a header row, read through a [`Mapping`] ([`generic`]).
    Csv,
    /// One JSON object per line, read through a [`Mapping`] ([`generic`]).
    Ndjson,
    /// A JSON array of objects, read through a [`Mapping`] ([`generic`]).
    Json,
    /// Zendesk tickets with their comments, one per line ([`zendesk`]).
    Zendesk,
    /// Freshdesk tickets with their conversations, one per line ([`freshdesk`]).
    Freshdesk,
}

impl Format {
    pub const ALL: [Format; 6] =
        [Format::Twcs, Format::Csv, Format::Ndjson, Format::Json, Format::Zendesk, Format::Freshdesk];

    /// The name used on the command line (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Twcs => "twcs",
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
            Format::Json => "json",
            Format::Zendesk => "zendesk",
            Format::Freshdesk => "freshdesk",
        }
    }

    /// Whether reading this format needs a column [`Mapping`].
    pub fn needs_mapping(self) -> bool {
        matches!(self, Format::Csv | Format::Ndjson | Format::Json)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown format {0:?} (known: twcs, csv, ndjson, json, zendesk, freshdesk)")]
pub struct UnknownFormat(pub String);

impl std::str::FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s)).ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// Recognises a format from the first bytes of a file (a few KiB are plenty; the first line or the
/// first object is what counts, and a truncated one is still recognised by its keys):
/// - `[` → [`Format::Json`] (a JSON array; generic);
/// - `{` → [`Format::Freshdesk`] if the first object has `conversations` and `requester_id`,
///   [`Format::Zendesk`] if it has `comments` and `requester_id`, else [`Format::Ndjson`];
/// - a CSV header with all the twcs columns → [`Format::Twcs`]; any other header of two or more
///   columns → [`Format::Csv`];
/// - anything else (empty, binary, a single column) → `None`.
pub fn sniff(first_bytes: &[u8]) -> Option<Format> {
    let bytes = first_bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first_bytes).trim_ascii_start();
    match bytes.first()? {
        b'[' => Some(Format::Json),
        b'{' => {
            let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(bytes);
            let has = |key: &str| match serde_json::from_slice::<serde_json::Map<String, Value>>(first_line) {
                Ok(object) => object.contains_key(key),
                Err(_) => has_json_key(first_line, key),
            };
            if has("requester_id") && has("conversations") {
                Some(Format::Freshdesk)
            } else if has("requester_id") && has("comments") {
                Some(Format::Zendesk)
            } else {
                Some(Format::Ndjson)
            }
        }
        _ => {
            let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or(bytes);
            let header = std::str::from_utf8(first_line).ok()?;
            if header.bytes().any(|b| b.is_ascii_control() && b != b'\r' && b != b'\t') {
                return None;
            }
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(header.as_bytes());
            let record = rdr.records().next()?.ok()?;
            let columns: Vec<&str> = record.iter().map(str::trim).collect();
            if twcs::COLUMNS.iter().all(|c| columns.contains(c)) {
                Some(Format::Twcs)
            } else if columns.len() >= 2 {
                Some(Format::Csv)
            } else {
                None
            }
        }
    }
}

/// Reads a vendor export of one ticket (a JSON object) per line, calling `ticket` for each parsed
/// object; lines that are not JSON become row errors.
pub(crate) fn read_ticket_lines(
    input: impl std::io::Read,
    file: &str,
    mut ticket: impl FnMut(&serde_json::Value, u64, &mut Import),
) -> Result<Import, ImportError> {
    let mut import = Import::default();
    let stopped = each_json_record(input, file, |line, value| {
        match value {
            Ok(t) => ticket(&t, line, &mut import),
            Err(e) => import.errors.push(RowError { file: file.into(), line, message: format!("not JSON: {e}") }),
        }
        Ok(())
    })?;
    import.errors.extend(stopped);
    Ok(import)
}

/// Opens `path` and hands it to a `read_from` function.
pub(crate) fn open_and(
    path: &Path,
    read_from: impl FnOnce(std::fs::File, &str) -> Result<Import, ImportError>,
) -> Result<Import, ImportError> {
    let file = path.display().to_string();
    let input = std::fs::File::open(path).map_err(|source| ImportError::Io { file: file.clone(), source })?;
    read_from(input, &file)
}

/// Reads the first 64 KiB of a file and [`sniff`]s them.
pub fn sniff_file(path: &Path) -> Result<Option<Format>, ImportError> {
    let file = path.display().to_string();
    let io = |source| ImportError::Io { file: file.clone(), source };
    let mut head = Vec::with_capacity(64 * 1024);
    std::fs::File::open(path).map_err(io)?.take(64 * 1024).read_to_end(&mut head).map_err(io)?;
    Ok(sniff(&head))
}

/// Reads a file in the given format; `mapping` is needed (and only used) for the generic formats.
pub fn read(path: &Path, format: Format, mapping: Option<&Mapping>) -> Result<Import, ImportError> {
    let need = || ImportError::Format {
        file: path.display().to_string(),
        message: format!("the {format} format needs a column mapping (conversation=…, timestamp=…, role=…, text=…)"),
    };
    match format {
        Format::Twcs => twcs::read(path),
        Format::Csv => generic::read_csv(path, mapping.ok_or_else(need)?),
        Format::Ndjson => generic::read_ndjson(path, mapping.ok_or_else(need)?),
        Format::Json => generic::read_json(path, mapping.ok_or_else(need)?),
        Format::Zendesk => zendesk::read(path),
        Format::Freshdesk => freshdesk::read(path),
    }
}

/// A textual check for `"key":` in a (possibly truncated) JSON text.
fn has_json_key(text: &[u8], key: &str) -> bool {
    let needle = format!("\"{key}\"");
    let needle = needle.as_bytes();
    text.windows(needle.len())
        .enumerate()
        .any(|(i, w)| w == needle && text[i + needle.len()..].trim_ascii_start().first() == Some(&b':'))
}

/// Parses a timestamp as exports write them: RFC 3339 (`2024-03-01T09:30:00Z`, `…+01:00`, with or
/// without fractional seconds, `T` or a space between date and time), `YYYY-MM-DD HH:MM:SS` without
/// an offset (taken as UTC; fractional seconds and `T` allowed), or Unix time as an integer — seconds,
/// or milliseconds when its magnitude is 10^11 or more (10^11 seconds is the year 5138) — or as decimal
/// seconds (`1700000000.25`). Anything else (a date alone, a local time with a zone name, …) is `None`.
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        return if n.unsigned_abs() >= 100_000_000_000 {
            Timestamp::from_millisecond(n).ok()
        } else {
            Timestamp::from_second(n).ok()
        };
    }
    if let Some((whole, frac)) = digits.split_once('.')
        && !whole.is_empty()
        && !frac.is_empty()
        && whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        let x: f64 = s.parse().ok()?;
        let ms = if x.abs() >= 1e11 { x } else { x * 1000.0 };
        return Timestamp::from_millisecond(ms.round() as i64).ok();
    }
    // A date and a time are at least "YYYY-MM-DD HH:MM" with a separator at byte 10.
    if s.len() < 16 || !matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let dt: jiff::civil::DateTime = s.parse().ok()?;
    jiff::tz::Offset::UTC.to_timestamp(dt).ok()
}

/// Maps an author-role value to a [`Side`], ignoring case and surrounding space:
/// customer, client, user, end-user (end_user, enduser), requester, inbound, true → Customer;
/// agent, staff, support, outbound, false, admin → Agent; bot, system, automation → Bot.
pub fn parse_role(s: &str) -> Option<Side> {
    match s.trim().to_ascii_lowercase().as_str() {
        "customer" | "client" | "user" | "end-user" | "end_user" | "enduser" | "requester" | "inbound" | "true" => {
            Some(Side::Customer)
        }
        "agent" | "staff" | "support" | "outbound" | "false" | "admin" => Some(Side::Agent),
        "bot" | "system" | "automation" => Some(Side::Bot),
        _ => None,
    }
}

/// An id-like JSON value as text: a non-empty string, or a number; `None` for null, booleans and
/// structures.
pub(crate) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Calls `f(line, parsed)` for each non-blank line of JSON-lines input (1-based line numbers); stops at
/// the first error `f` returns.
pub(crate) fn each_json_line(
    input: impl Read,
    file: &str,
    mut f: impl FnMut(u64, Result<Value, serde_json::Error>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut rdr = BufReader::new(input);
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = rdr.read_until(b'\n', &mut buf).map_err(|source| ImportError::Io { file: file.into(), source })?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        let mut text = buf.trim_ascii();
        if line == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        if !text.is_empty() {
            f(line, serde_json::from_slice(text))?;
        }
    }
}

/// Calls `f(index, element)` for each element of a top-level JSON array, streaming (elements are
/// parsed one at a time; the array is never held whole), with 1-based element indexes. A syntax
/// error stops the reading and comes back as a [`RowError`] at the line where it was found; a file
/// that is not a JSON array at all is an [`ImportError::Format`].
pub(crate) fn each_json_element(
    input: impl Read,
    file: &str,
    mut f: impl FnMut(u64, Value) -> Result<(), ImportError>,
) -> Result<Option<RowError>, ImportError> {
    struct Elements<'a>(&'a mut dyn FnMut(Value) -> bool);
    impl<'de> DeserializeSeed<'de> for Elements<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de> Visitor<'de> for Elements<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(v) = seq.next_element::<Value>()? {
                if !(self.0)(v) {
                    break;
                }
            }
            Ok(())
        }
    }

    let mut fatal = None;
    let mut count = 0u64;
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(input));
    let result = Elements(&mut |v| {
        count += 1;
        match f(count, v) {
            Ok(()) => true,
            Err(e) => {
                fatal = Some(e);
                false
            }
        }
    })
    .deserialize(&mut de)
    .and_then(|()| de.end());
    if let Some(e) = fatal {
        return Err(e);
    }
    let Err(e) = result else { return Ok(None) };
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => Err(ImportError::Io { file: file.into(), source: e.into() }),
        Category::Data | Category::Eof if count == 0 => {
            Err(ImportError::Format { file: file.into(), message: format!("not a JSON array: {e}") })
        }
        _ => Ok(Some(RowError {
            file: file.into(),
            line: e.line() as u64,
            message: format!("JSON syntax error after array element {count}: {e}; the rest of the file was not read"),
        })),
    }
}

/// JSON lines, or (if the first non-blank byte is `[`) a JSON array whose elements are numbered as
/// lines: for the vendor readers, which accept both.
pub(crate) fn each_json_record(
    input: impl Read,
    file: &str,
    mut f: impl FnMut(u64, Result<Value, serde_json::Error>) -> Result<(), ImportError>,
) -> Result<Option<RowError>, ImportError> {
    let mut rdr = BufReader::new(input);
    // Peek (without consuming, so that line numbers stay right) at the first non-blank byte.
    let buf = rdr.fill_buf().map_err(|source| ImportError::Io { file: file.into(), source })?;
    let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    let is_array = buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    if is_array {
        each_json_element(rdr, file, |i, v| f(i, Ok(v)))
    } else {
        each_json_line(rdr, file, f).map(|()| None)
    }
}
