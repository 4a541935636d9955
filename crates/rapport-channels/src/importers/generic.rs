//! Generic exports read through a column [`Mapping`]: CSV with a header row, NDJSON (one JSON object
//! per line) and JSON (one array of objects). Each row is one message.
//!
//! The mapping names, for each [`Field`] of a message, the column (CSV header, JSON key) that holds it,
//! as `field=column` strings (`--map conversation=ticket_id --map text=body`). `conversation`,
//! `timestamp`, `role` and `text` must be mapped. A JSON column may be a dotted path into nested
//! objects (`author.role`) when no key has that literal name. Values:
//! - `timestamp`: see [`parse_timestamp`](super::parse_timestamp) (RFC 3339, `YYYY-MM-DD HH:MM:SS` as
//!   UTC, Unix seconds or milliseconds);
//! - `role`: see [`parse_role`](super::parse_role) (customer/agent/bot and their synonyms);
//! - `rating`: a number; empty means none;
//! - `author`: empty when not mapped; `agent`, when not mapped, is the author of agent messages.
//!
//! Errors: a required field with no mapping, or a mapped column the file does not have, is an
//! [`ImportError::Format`] naming it and listing the file's columns. For CSV the columns are the
//! header; for JSON the required fields' columns are checked against the first object (so the
//! mistake shows at once), and any other mapped column must occur in at least one object of the file
//! (checked at the end). A row that cannot be read (bad timestamp, unknown role, empty conversation,
//! not an object, malformed JSON) is a [`RowError`] with its 1-based line; for a JSON array the
//! "line" is the 1-based index of the element in the array, except for an element that is not JSON,
//! reported at its line in the file (the elements after it are still read), and a broken array (an
//! unclosed string or bracket, text after the array), which stops the reading at the line where it
//! was found.
//!
//! [`Stream`] reads a file as a stream of conversations (twice: see there); the `read…` functions
//! read it whole, its messages in file order.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use rustc_hash::FxHashMap;
use serde_json::{Map, Value};
use thiserror::Error;

use super::{
    Conversation, Import, ImportError, ImportedMessage, RowError, RowErrors, Side, json, open_file, parse_role,
    parse_timestamp,
};

/// A field of an [`ImportedMessage`] that a mapping can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Conversation,
    Timestamp,
    Role,
    Author,
    Channel,
    Text,
    Rating,
    Agent,
    Team,
    Site,
    Status,
    Account,
    Id,
}

const FIELDS: usize = 13;

impl Field {
    pub const ALL: [Field; FIELDS] = [
        Field::Conversation,
        Field::Timestamp,
        Field::Role,
        Field::Author,
        Field::Channel,
        Field::Text,
        Field::Rating,
        Field::Agent,
        Field::Team,
        Field::Site,
        Field::Status,
        Field::Account,
        Field::Id,
    ];

    /// The fields every mapping must name.
    pub const REQUIRED: [Field; 4] = [Field::Conversation, Field::Timestamp, Field::Role, Field::Text];

    pub fn name(self) -> &'static str {
        match self {
            Field::Conversation => "conversation",
            Field::Timestamp => "timestamp",
            Field::Role => "role",
            Field::Author => "author",
            Field::Channel => "channel",
            Field::Text => "text",
            Field::Rating => "rating",
            Field::Agent => "agent",
            Field::Team => "team",
            Field::Site => "site",
            Field::Status => "status",
            Field::Account => "account",
            Field::Id => "id",
        }
    }

    pub fn is_required(self) -> bool {
        Field::REQUIRED.contains(&self)
    }

    /// The field of that name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Field> {
        let name = name.trim();
        Field::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name))
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A `field=column` string that cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("bad mapping {spec:?}: {message}")]
pub struct MappingError {
    pub spec: String,
    pub message: String,
}

/// Which column holds each field of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    columns: [Option<String>; FIELDS],
}

impl Mapping {
    /// Parses `field=column` strings (`conversation=ticket_id`). A field named twice, an unknown
    /// field, or a missing `=` or column is an error. Whether the required fields are all there is
    /// checked when a file is read, so that the error can list the file's columns.
    pub fn parse<I, S>(specs: I) -> Result<Mapping, MappingError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut mapping = Mapping::default();
        for spec in specs {
            let spec = spec.as_ref();
            let bad = |message: String| MappingError { spec: spec.to_owned(), message };
            let (field, column) = spec.split_once('=').ok_or_else(|| bad("expected field=column".into()))?;
            let field = Field::from_name(field).ok_or_else(|| {
                bad(format!("unknown field {:?} (fields: {})", field.trim(), Field::ALL.map(Field::name).join(", ")))
            })?;
            let column = column.trim();
            if column.is_empty() {
                return Err(bad(format!("no column given for {}", field.name())));
            }
            if mapping.column(field).is_some() {
                return Err(bad(format!("{} is mapped twice", field.name())));
            }
            mapping.set(field, column);
        }
        Ok(mapping)
    }

    /// Maps `field` to `column`, replacing any earlier mapping of it.
    pub fn set(&mut self, field: Field, column: impl Into<String>) -> &mut Self {
        self.columns[field.index()] = Some(column.into());
        self
    }

    /// The column `field` is read from, if mapped.
    pub fn column(&self, field: Field) -> Option<&str> {
        self.columns[field.index()].as_deref()
    }

    fn mapped(&self) -> impl Iterator<Item = (Field, &str)> {
        Field::ALL.into_iter().filter_map(|f| self.column(f).map(|c| (f, c)))
    }

    /// What is wrong with this mapping for a file: required fields not mapped, and (among `fields`)
    /// mapped columns `has` says are absent.
    fn problems(&self, fields: &[Field], has: impl Fn(&str) -> bool) -> Vec<String> {
        let mut problems = Vec::new();
        let unmapped: Vec<&str> =
            Field::REQUIRED.into_iter().filter(|&f| self.column(f).is_none()).map(Field::name).collect();
        if !unmapped.is_empty() {
            problems.push(format!(
                "no mapping for required field{} {} (give field=COLUMN for each)",
                if unmapped.len() > 1 { "s" } else { "" },
                unmapped.join(", ")
            ));
        }
        for (field, column) in self.mapped() {
            if fields.contains(&field) && !has(column) {
                problems.push(format!("column {column:?} (mapped to {}) is not in the file", field.name()));
            }
        }
        problems
    }
}

fn problems_error(file: &str, problems: Vec<String>, columns: &str) -> ImportError {
    ImportError::Format {
        file: file.into(),
        message: format!("{} (the file's columns: {columns})", problems.join("; ")),
    }
}

fn list<'a>(columns: impl IntoIterator<Item = &'a str>) -> String {
    let list: Vec<&str> = columns.into_iter().collect();
    if list.is_empty() { "none".into() } else { list.join(", ") }
}

/// A row's field values: `get(field)` is the field's raw value (`None` when the column is unmapped,
/// absent from the row, or null).
type Get<'g, 'r> = &'g dyn Fn(Field) -> Option<Cow<'r, str>>;

/// What a row is made into: its whole message ([`message`]), or only its conversation
/// ([`conversation`], for counting). The error is the row's message.
type Make<T> = for<'g, 'r> fn(&Mapping, Get<'g, 'r>) -> Result<T, String>;

/// What every row must have, checked: a conversation, a time, a role, a text, and a rating that is a
/// number if there is one.
struct Checked<'r> {
    conversation: Cow<'r, str>,
    at: jiff::Timestamp,
    side: Side,
    text: Cow<'r, str>,
    rating: Option<f64>,
}

fn trimmed(v: Cow<'_, str>) -> Cow<'_, str> {
    match v {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    }
}

fn check<'r>(mapping: &Mapping, get: Get<'_, 'r>) -> Result<Checked<'r>, String> {
    let column = |f: Field| mapping.column(f).unwrap_or("");
    let opt = |f: Field| get(f).map(trimmed).filter(|v| !v.is_empty());
    let conversation = opt(Field::Conversation)
        .ok_or_else(|| format!("no conversation (column {:?})", column(Field::Conversation)))?;
    let raw_at = get(Field::Timestamp).unwrap_or_default();
    let at = parse_timestamp(&raw_at).ok_or_else(|| {
        format!(
            "{} {:?} is not a timestamp (RFC 3339, YYYY-MM-DD HH:MM:SS, or Unix seconds or milliseconds)",
            column(Field::Timestamp),
            raw_at
        )
    })?;
    let raw_role = get(Field::Role).unwrap_or_default();
    let side = parse_role(&raw_role).ok_or_else(|| {
        format!(
            "{} {:?} is not a role (customer, client, user, end-user, requester, inbound, true; agent, staff, \
             support, outbound, false, admin; bot, system, automation)",
            column(Field::Role),
            raw_role
        )
    })?;
    let text = get(Field::Text).ok_or_else(|| format!("no text (column {:?})", column(Field::Text)))?;
    let rating = match opt(Field::Rating) {
        None => None,
        Some(r) => Some(
            r.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{} {r:?} is not a number", column(Field::Rating)))?,
        ),
    };
    Ok(Checked { conversation, at, side, text, rating })
}

/// The conversation of a row that can be read (what the first reading of a [`Stream`] counts).
fn conversation(mapping: &Mapping, get: Get<'_, '_>) -> Result<String, String> {
    check(mapping, get).map(|c| c.conversation.into_owned())
}

/// Builds one message from a row.
fn message(mapping: &Mapping, get: Get<'_, '_>) -> Result<ImportedMessage, String> {
    let Checked { conversation, at, side, text, rating } = check(mapping, get)?;
    let opt = |f: Field| get(f).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let author = opt(Field::Author).unwrap_or_default();
    let agent = match mapping.column(Field::Agent) {
        Some(_) => opt(Field::Agent),
        None => (side == Side::Agent && !author.is_empty()).then(|| author.clone()),
    };
    Ok(ImportedMessage {
        conversation: conversation.into_owned(),
        id: opt(Field::Id),
        at,
        side,
        author,
        account: opt(Field::Account),
        channel: opt(Field::Channel),
        text: text.into_owned(),
        rating,
        agent,
        team: opt(Field::Team),
        site: opt(Field::Site),
        status: opt(Field::Status),
    })
}

/// Which of the generic formats a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Ndjson,
    /// One JSON array of objects.
    Json,
}

/// Reads a CSV file with a header row.
pub fn read_csv(path: &Path, mapping: &Mapping) -> Result<Import, ImportError> {
    read_file(path, Kind::Csv, mapping)
}

/// Reads NDJSON (one JSON object per line).
pub fn read_ndjson(path: &Path, mapping: &Mapping) -> Result<Import, ImportError> {
    read_file(path, Kind::Ndjson, mapping)
}

/// Reads a JSON array of objects.
pub fn read_json(path: &Path, mapping: &Mapping) -> Result<Import, ImportError> {
    read_file(path, Kind::Json, mapping)
}

/// Reads CSV from any reader (`file` names it in errors).
pub fn read_csv_from(input: impl Read, file: &str, mapping: &Mapping) -> Result<Import, ImportError> {
    Rows::new(input, file, Kind::Csv, mapping)?.into_import()
}

/// Reads NDJSON from any reader (`file` names it in errors).
pub fn read_ndjson_from(input: impl Read, file: &str, mapping: &Mapping) -> Result<Import, ImportError> {
    Rows::new(input, file, Kind::Ndjson, mapping)?.into_import()
}

/// Reads a JSON array of objects from any reader (`file` names it in errors). The `line` of a
/// [`RowError`] is the element's 1-based index in the array (a syntax error: its line in the file).
pub fn read_json_from(input: impl Read, file: &str, mapping: &Mapping) -> Result<Import, ImportError> {
    Rows::new(input, file, Kind::Json, mapping)?.into_import()
}

fn read_file(path: &Path, kind: Kind, mapping: &Mapping) -> Result<Import, ImportError> {
    let (input, file) = open_file(path)?;
    Rows::new(input, &file, kind, mapping)?.into_import()
}

/// The conversations of a generic file, each handed out as soon as its last row has been read.
///
/// A conversation's rows may be anywhere in the file, so it is read twice: the first reading keeps,
/// per conversation id, its number (in order of first appearance) and its number of rows, and every
/// row that cannot be read; the second buffers the rows of each conversation until the last one has
/// been read. So only the ids, and the rows of conversations still open, are held — a file whose
/// conversations are written one after another is read in little more memory than one conversation.
pub struct Stream {
    rows: Rows<File>,
    /// Each conversation id's number.
    seqs: FxHashMap<String, usize>,
    /// Each conversation's number of readable rows.
    sizes: Vec<usize>,
    messages: usize,
    errors: RowErrors,
    /// Readable rows of the second reading so far.
    read: usize,
    /// The rows of conversations not yet complete, by number.
    open: FxHashMap<usize, Vec<ImportedMessage>>,
    peak_open: usize,
    failed: bool,
}

impl Stream {
    /// Reads `path` once to count each conversation's rows, and opens it again for the conversations.
    /// A file that cannot be read at all, or whose columns do not fit the mapping, is an error here.
    pub fn open(path: &Path, kind: Kind, mapping: &Mapping) -> Result<Stream, ImportError> {
        let (input, file) = open_file(path)?;
        let mut first = Rows::new(input, &file, kind, mapping)?;
        let mut seqs: FxHashMap<String, usize> = FxHashMap::default();
        let (mut sizes, mut errors, mut messages) = (Vec::new(), RowErrors::default(), 0);
        while let Some(row) = first.next(conversation)? {
            match row {
                Ok(id) => {
                    messages += 1;
                    let next = sizes.len();
                    let seq = *seqs.entry(id).or_insert(next);
                    if seq == next {
                        sizes.push(0);
                    }
                    sizes[seq] += 1;
                }
                Err(e) => errors.push(e),
            }
        }
        let (input, _) = open_file(path)?;
        let rows = Rows::new(input, &file, kind, mapping)?;
        Ok(Stream {
            rows,
            seqs,
            sizes,
            messages,
            errors,
            read: 0,
            open: FxHashMap::default(),
            peak_open: 0,
            failed: false,
        })
    }

    /// The rows that could not be read (known after the first reading), up to [`RowErrors::KEPT`].
    pub fn errors(&self) -> &[RowError] {
        self.errors.kept()
    }

    pub(crate) fn row_errors(&self) -> &RowErrors {
        &self.errors
    }

    /// Messages (readable rows) in the file.
    pub fn messages(&self) -> usize {
        self.messages
    }

    /// Conversations in the file.
    pub fn conversations(&self) -> usize {
        self.sizes.len()
    }

    /// The most conversations held open (read in part) at once so far.
    pub fn peak_open(&self) -> usize {
        self.peak_open
    }

    fn advance(&mut self) -> Result<Option<Conversation>, ImportError> {
        let changed = |rows: &Rows<File>| super::changed(&rows.file);
        while let Some(row) = self.rows.next(message)? {
            // Rows that cannot be read were counted by the first reading.
            let Ok(m) = row else { continue };
            self.read += 1;
            let seq = match self.seqs.get(&m.conversation) {
                Some(&seq) if self.read <= self.messages => seq,
                _ => return Err(changed(&self.rows)),
            };
            let size = self.sizes.get(seq).copied().unwrap_or_default();
            if size == 1 {
                return Ok(Some(Conversation { seq, messages: vec![m] }));
            }
            let buffered = self.open.entry(seq).or_default();
            buffered.push(m);
            if buffered.len() < size {
                self.peak_open = self.peak_open.max(self.open.len());
                continue;
            }
            let messages = self.open.remove(&seq).unwrap_or_default();
            return Ok(Some(Conversation { seq, messages }));
        }
        if self.open.is_empty() && self.read == self.messages { Ok(None) } else { Err(changed(&self.rows)) }
    }
}

impl Iterator for Stream {
    type Item = Result<Conversation, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        super::until_error(self, |s| &mut s.failed, Self::advance)
    }
}

/// The rows of a generic file read one at a time through a mapping, each a message or a [`RowError`].
struct Rows<R: Read> {
    source: Source<R>,
    file: String,
    mapping: Mapping,
}

enum Source<R: Read> {
    Csv(Box<CsvRows<R>>),
    Json(json::Records<R>, JsonCheck),
}

struct CsvRows<R: Read> {
    rdr: csv::Reader<R>,
    /// Each field's column.
    index: [Option<usize>; FIELDS],
    record: csv::StringRecord,
    last_line: u64,
    done: bool,
}

impl<R: Read> Rows<R> {
    /// Opens the rows; for CSV, reads the header and checks the mapping against it.
    fn new(input: R, file: &str, kind: Kind, mapping: &Mapping) -> Result<Self, ImportError> {
        let source = match kind {
            Kind::Csv => Source::Csv(Box::new(CsvRows::new(input, file, mapping)?)),
            Kind::Ndjson => Source::Json(json::Records::lines(input, file), JsonCheck::default()),
            Kind::Json => Source::Json(json::Records::array(input, file), JsonCheck::default()),
        };
        Ok(Rows { source, file: file.into(), mapping: mapping.clone() })
    }

    /// The next row, made by `make`; `None` at the end (a mapped column no JSON object had is an error
    /// there).
    fn next<T>(&mut self, make: Make<T>) -> Result<Option<Result<T, RowError>>, ImportError> {
        let bad = |line, message| RowError { file: self.file.clone(), line, message };
        match &mut self.source {
            Source::Csv(csv) => Ok(csv.next(&self.mapping, make).map(|row| row.map_err(|(line, m)| bad(line, m)))),
            Source::Json(records, check) => match records.next() {
                None => check.finish(&self.file, &self.mapping).map(|()| None),
                Some(Err(e)) => Err(e),
                Some(Ok(json::Record::Bad(e))) => Ok(Some(Err(e))),
                Some(Ok(json::Record::Value(line, value))) => {
                    let row = check.row(value, &self.file, &self.mapping, make)?;
                    Ok(Some(row.map_err(|m| bad(line, m))))
                }
            },
        }
    }

    /// Reads all the rows: messages in file order, and the rows that could not be read.
    fn into_import(mut self) -> Result<Import, ImportError> {
        let mut import = Import::default();
        while let Some(row) = self.next(message)? {
            match row {
                Ok(m) => import.messages.push(m),
                Err(e) => import.errors.push(e),
            }
        }
        Ok(import)
    }
}

impl<R: Read> CsvRows<R> {
    fn new(input: R, file: &str, mapping: &Mapping) -> Result<Self, ImportError> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let headers = match rdr.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Err(ImportError::Format { file: file.into(), message: format!("cannot read the header: {e}") });
            }
        };
        let names: Vec<&str> = headers.iter().map(|h| h.trim_start_matches('\u{feff}').trim()).collect();
        let problems = mapping.problems(&Field::ALL, |c| names.contains(&c));
        if !problems.is_empty() {
            return Err(problems_error(file, problems, &list(names.iter().copied())));
        }
        let mut index = [None; FIELDS];
        for (field, column) in mapping.mapped() {
            index[field.index()] = names.iter().position(|n| *n == column);
        }
        Ok(CsvRows { rdr, index, record: csv::StringRecord::new(), last_line: 1, done: false })
    }

    /// The next row: a message, or its line and what is wrong with it. An I/O error is the last row.
    fn next<T>(&mut self, mapping: &Mapping, make: Make<T>) -> Option<Result<T, (u64, String)>> {
        if self.done {
            return None;
        }
        match self.rdr.read_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                return None;
            }
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(self.last_line + 1, |p| p.line());
                self.last_line = line;
                self.done = matches!(e.kind(), csv::ErrorKind::Io(_));
                return Some(Err((line, e.to_string())));
            }
        }
        let line = self.record.position().map_or(self.last_line + 1, |p| p.line());
        self.last_line = line;
        let (index, row) = (&self.index, &self.record);
        Some(make(mapping, &|f| index[f.index()].and_then(|i| row.get(i)).map(Cow::Borrowed)).map_err(|m| (line, m)))
    }
}

/// What reading JSON objects through a mapping checks: the required fields' columns in the first
/// object, and every mapped column in some object.
#[derive(Default)]
struct JsonCheck {
    /// Whether the first object has been checked for the required fields' columns.
    checked: bool,
    /// Which mapped columns occurred in some object.
    seen: [bool; FIELDS],
    /// The keys met (up to a limit), to list in errors.
    keys: BTreeSet<String>,
}

const KEYS_LISTED: usize = 200;

impl JsonCheck {
    /// The message of one record, or what is wrong with it (an error when the first object does not
    /// have the required fields' columns).
    fn row<T>(
        &mut self,
        value: Value,
        file: &str,
        mapping: &Mapping,
        make: Make<T>,
    ) -> Result<Result<T, String>, ImportError> {
        let Value::Object(object) = value else {
            return Ok(Err("not a JSON object".to_owned()));
        };
        for key in object.keys() {
            if self.keys.len() >= KEYS_LISTED {
                break;
            }
            if !self.keys.contains(key) {
                self.keys.insert(key.clone());
            }
        }
        if !self.checked {
            self.checked = true;
            let problems = mapping.problems(&Field::REQUIRED, |c| lookup(&object, c).is_some());
            if !problems.is_empty() {
                return Err(problems_error(file, problems, &list(object.keys().map(String::as_str))));
            }
        }
        for (field, column) in mapping.mapped() {
            if !self.seen[field.index()] && lookup(&object, column).is_some() {
                self.seen[field.index()] = true;
            }
        }
        let get = |f: Field| mapping.column(f).and_then(|c| lookup(&object, c)).and_then(json_text);
        Ok(make(mapping, &get))
    }

    fn finish(&self, file: &str, mapping: &Mapping) -> Result<(), ImportError> {
        let seen = self.seen;
        let fields: &[Field] = if self.checked { &Field::ALL } else { &[] };
        let problems = mapping.problems(fields, |c| mapping.mapped().any(|(f, column)| column == c && seen[f.index()]));
        if !problems.is_empty() {
            return Err(problems_error(file, problems, &list(self.keys.iter().map(String::as_str))));
        }
        Ok(())
    }
}

/// The value at `column`: a key of the object, or else a dotted path into nested objects. Null counts
/// as present (the column exists; the value is missing).
fn lookup<'v>(object: &'v Map<String, Value>, column: &str) -> Option<&'v Value> {
    if let Some(v) = object.get(column) {
        return Some(v);
    }
    let mut parts = column.split('.');
    let mut v = object.get(parts.next()?)?;
    for part in parts {
        v = v.as_object()?.get(part)?;
    }
    Some(v)
}

/// A JSON value as field text: strings as they are, numbers and booleans written out, null as
/// missing, arrays and objects as compact JSON.
fn json_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        other => Some(Cow::Owned(other.to_string())),
    }
}
