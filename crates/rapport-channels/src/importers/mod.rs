//! Readers of help-desk exports (PRODUCT.md C9, `rapport assess`): each turns a file into
//! [`ImportedMessage`]s, one per customer or agent message. A row that cannot be read becomes a
//! [`RowError`] with file and line — counted and reported by the caller, never fatal unless it asks to
//! be strict.
//!
//! [`stream`] reads any format as a stream of [`Conversation`]s, each handed out as soon as it is
//! complete, so memory does not grow with the file: Zendesk and Freshdesk exports hold one ticket per
//! line, so each line is a conversation; twcs and the generic formats may spread a conversation over
//! the whole file, so they are read twice (first the conversation of each row, then the rows, each
//! conversation handed out when its last row is read) and only the rows of conversations still open are
//! held. The `read…` functions of each format read a whole file into an [`Import`] instead (for tests
//! and small files).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use jiff::Timestamp;
use serde_json::Value;
use thiserror::Error;

pub mod freshdesk;
pub mod generic;
mod json;
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

/// The bad rows of a file: every one is counted, the first [`RowErrors::KEPT`] are kept to be named,
/// so that a file of garbage costs no more memory than a good one.
#[derive(Debug, Default, Clone)]
pub struct RowErrors {
    kept: Vec<RowError>,
    count: usize,
}

impl RowErrors {
    pub const KEPT: usize = 1_000;

    pub fn push(&mut self, e: RowError) {
        self.count += 1;
        if self.kept.len() < Self::KEPT {
            self.kept.push(e);
        }
    }

    /// How many rows could not be read.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The first of them, in file order.
    pub fn kept(&self) -> &[RowError] {
        &self.kept
    }

    pub fn into_kept(self) -> Vec<RowError> {
        self.kept
    }
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
    /// A row that could not be read, when reading strictly (see [`stream`]).
    #[error("{0}")]
    Row(RowError),
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

/// Reads the first 64 KiB of a file and [`sniff`]s them.
pub fn sniff_file(path: &Path) -> Result<Option<Format>, ImportError> {
    let file = path.display().to_string();
    let io = |source| ImportError::Io { file: file.clone(), source };
    let mut head = Vec::with_capacity(64 * 1024);
    std::fs::File::open(path).map_err(io)?.take(64 * 1024).read_to_end(&mut head).map_err(io)?;
    Ok(sniff(&head))
}

/// Opens a file to read, naming it in the error.
pub(crate) fn open_file(path: &Path) -> Result<(File, String), ImportError> {
    let file = path.display().to_string();
    match File::open(path) {
        Ok(input) => Ok((input, file)),
        Err(source) => Err(ImportError::Io { file, source }),
    }
}

/// What a second reading of a file finds when the file is not what the first one saw.
pub(crate) fn changed(file: &str) -> ImportError {
    ImportError::Format { file: file.into(), message: "the file changed while it was being read".into() }
}

/// One step of a reader's iterator that ends at the reader's first error: `advance` gives the next
/// conversation (`None` at the end), and is not called again once it has failed (`failed` says so).
pub(crate) fn until_error<S>(
    reader: &mut S,
    failed: impl Fn(&mut S) -> &mut bool,
    advance: impl FnOnce(&mut S) -> Result<Option<Conversation>, ImportError>,
) -> Option<Result<Conversation, ImportError>> {
    if *failed(reader) {
        return None;
    }
    let next = advance(reader).transpose();
    *failed(reader) = matches!(next, Some(Err(_)));
    next
}

/// Reads a file in the given format as a stream of conversations; `mapping` is needed (and only used)
/// for the generic formats. Conversations are numbered ([`Conversation::seq`]) 0, 1, 2 … in the order
/// of their first message in the file, and each comes whole, its messages in file order, but they may
/// be handed out in another order (as they complete). Rows that cannot be read are counted in
/// [`ConversationStream::errors`]; when `strict`, the first one ends the stream instead, as an
/// [`ImportError::Row`] — at once when opening, for the formats read twice, since their first reading
/// sees every row.
pub fn stream(
    path: &Path,
    format: Format,
    mapping: Option<&Mapping>,
    strict: bool,
) -> Result<ConversationStream, ImportError> {
    let need = || ImportError::Format {
        file: path.display().to_string(),
        message: format!("the {format} format needs a column mapping (conversation=…, timestamp=…, role=…, text=…)"),
    };
    let kind = |kind: generic::Kind| -> Result<Inner, ImportError> {
        Ok(Inner::Grouped(Box::new(generic::Stream::open(path, kind, mapping.ok_or_else(need)?)?)))
    };
    let inner = match format {
        Format::Twcs => Inner::Twcs(Box::new(twcs::Stream::open(path)?)),
        Format::Csv => kind(generic::Kind::Csv)?,
        Format::Ndjson => kind(generic::Kind::Ndjson)?,
        Format::Json => kind(generic::Kind::Json)?,
        Format::Zendesk => Inner::Tickets(zendesk::stream(path)?),
        Format::Freshdesk => Inner::Tickets(freshdesk::stream(path)?),
    };
    let stream = ConversationStream { inner, strict, failed: false };
    match stream.strict_error() {
        Some(e) => Err(e),
        None => Ok(stream),
    }
}

/// The conversations of an export, read by [`stream`].
pub struct ConversationStream {
    inner: Inner,
    strict: bool,
    failed: bool,
}

enum Inner {
    Twcs(Box<twcs::Stream>),
    Grouped(Box<generic::Stream>),
    Tickets(Tickets<File>),
}

impl ConversationStream {
    /// The rows that could not be read so far (all of them, for the formats read twice), up to
    /// [`RowErrors::KEPT`]; [`ConversationStream::error_count`] counts them all.
    pub fn errors(&self) -> &[RowError] {
        self.row_errors().kept()
    }

    /// How many rows could not be read so far.
    pub fn error_count(&self) -> usize {
        self.row_errors().count()
    }

    fn row_errors(&self) -> &RowErrors {
        match &self.inner {
            Inner::Twcs(s) => s.row_errors(),
            Inner::Grouped(s) => s.row_errors(),
            Inner::Tickets(s) => &s.errors,
        }
    }

    /// The numbers of messages and conversations in the file, when they are known before the
    /// conversations are handed out (the formats read twice).
    pub fn counts(&self) -> Option<(usize, usize)> {
        match &self.inner {
            Inner::Twcs(s) => Some((s.messages(), s.conversations())),
            Inner::Grouped(s) => Some((s.messages(), s.conversations())),
            Inner::Tickets(_) => None,
        }
    }

    fn strict_error(&self) -> Option<ImportError> {
        self.errors().first().filter(|_| self.strict).map(|e| ImportError::Row(e.clone()))
    }
}

impl Iterator for ConversationStream {
    type Item = Result<Conversation, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        until_error(
            self,
            |s| &mut s.failed,
            |s| {
                let next = match &mut s.inner {
                    Inner::Twcs(r) => r.next(),
                    Inner::Grouped(r) => r.next(),
                    Inner::Tickets(r) => r.next(),
                };
                // When strict, a bad row read on the way ends the stream, even at its end.
                match s.strict_error() {
                    Some(e) => Err(e),
                    None => next.transpose(),
                }
            },
        )
    }
}

/// Reads one ticket of a vendor export: its messages go into the vector, each problem found (a
/// comment that cannot be read, a ticket without its fields) through the callback.
pub(crate) type ReadTicket = fn(&Value, &mut dyn FnMut(String), &mut Vec<ImportedMessage>);

/// The conversations of a vendor export of one ticket per line (or a JSON array of tickets, its
/// elements numbered as lines): each ticket with messages is one conversation, handed out as soon as
/// its line is read. A ticket id that comes again on a later line is another conversation.
pub struct Tickets<R: Read> {
    records: json::Records<R>,
    read_ticket: ReadTicket,
    file: String,
    errors: RowErrors,
    seq: usize,
}

impl<R: Read> Tickets<R> {
    pub(crate) fn new(input: R, file: &str, read_ticket: ReadTicket) -> Result<Self, ImportError> {
        let records = json::Records::auto(input, file)?;
        Ok(Tickets { records, read_ticket, file: file.into(), errors: RowErrors::default(), seq: 0 })
    }

    /// The rows (tickets, comments) that could not be read so far.
    pub fn errors(&self) -> &[RowError] {
        self.errors.kept()
    }

    /// Reads the rest: all messages, in file order, and the rows that could not be read.
    pub(crate) fn into_import(mut self) -> Result<Import, ImportError> {
        let mut messages = Vec::new();
        for c in self.by_ref() {
            messages.extend(c?.messages);
        }
        Ok(Import { messages, errors: self.errors.into_kept() })
    }
}

impl<R: Read> Iterator for Tickets<R> {
    type Item = Result<Conversation, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.records.next()? {
                Err(e) => return Some(Err(e)),
                Ok(json::Record::Bad(e)) => self.errors.push(e),
                Ok(json::Record::Value(line, ticket)) => {
                    let mut messages = Vec::new();
                    let (file, errors) = (&self.file, &mut self.errors);
                    let mut bad = |message: String| errors.push(RowError { file: file.clone(), line, message });
                    (self.read_ticket)(&ticket, &mut bad, &mut messages);
                    if !messages.is_empty() {
                        self.seq += 1;
                        return Some(Ok(Conversation { seq: self.seq - 1, messages }));
                    }
                }
            }
        }
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
