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
//! "line" is the 1-based index of the element in the array, except for a syntax error, which stops
//! the reading and is reported at the line of the file where it was found.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value};
use thiserror::Error;

use super::{Import, ImportError, ImportedMessage, RowError, Side, parse_role, parse_timestamp};

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

/// Builds one message from a row; `get(field)` is the field's raw value (`None` when the column is
/// unmapped, absent from the row, or null). The error is the row's message.
fn message<'r>(mapping: &Mapping, get: impl Fn(Field) -> Option<Cow<'r, str>>) -> Result<ImportedMessage, String> {
    let column = |f: Field| mapping.column(f).unwrap_or("");
    let opt = |f: Field| get(f).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
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
    let text = get(Field::Text).ok_or_else(|| format!("no text (column {:?})", column(Field::Text)))?.into_owned();
    let rating = match opt(Field::Rating) {
        None => None,
        Some(r) => Some(
            r.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{} {r:?} is not a number", column(Field::Rating)))?,
        ),
    };
    let author = opt(Field::Author).unwrap_or_default();
    let agent = match mapping.column(Field::Agent) {
        Some(_) => opt(Field::Agent),
        None => (side == Side::Agent && !author.is_empty()).then(|| author.clone()),
    };
    Ok(ImportedMessage {
        conversation,
        id: opt(Field::Id),
        at,
        side,
        author,
        account: opt(Field::Account),
        channel: opt(Field::Channel),
        text,
        rating,
        agent,
        team: opt(Field::Team),
        site: opt(Field::Site),
        status: opt(Field::Status),
    })
}

fn open(path: &Path) -> Result<(std::fs::File, String), ImportError> {
    let file = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(f) => Ok((f, file)),
        Err(source) => Err(ImportError::Io { file, source }),
    }
}

/// Reads a CSV file with a header row.
pub fn read_csv(path: &Path, mapping: &Mapping) -> Result<Import, ImportError> {
    let (input, file) = open(path)?;
    read_csv_from(input, &file, mapping)
}

/// Reads NDJSON (one JSON object per line).
pub fn read_ndjson(path: &Path, mapping: &Mapping) -> Result<Import, ImportError> {
    let (input, file) = open(path)?;
    read_ndjson_from(input, &file, mapping)
}

/// Reads a JSON array of objects (streaming: one element at a time).
pub fn read_json(path: &Path, mapping: &Mapping) -> Result<Import, ImportError> {
    let (input, file) = open(path)?;
    read_json_from(input, &file, mapping)
}

/// Reads CSV from any reader (`file` names it in errors).
pub fn read_csv_from(input: impl std::io::Read, file: &str, mapping: &Mapping) -> Result<Import, ImportError> {
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

    let mut import = Import::default();
    let mut record = csv::StringRecord::new();
    let mut last_line = 1u64;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(last_line + 1, |p| p.line());
                last_line = line;
                let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                import.errors.push(RowError { file: file.into(), line, message: e.to_string() });
                if io {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(last_line + 1, |p| p.line());
        last_line = line;
        let row = &record;
        match message(mapping, |f| index[f.index()].and_then(|i| row.get(i)).map(Cow::Borrowed)) {
            Ok(m) => import.messages.push(m),
            Err(message) => import.errors.push(RowError { file: file.into(), line, message }),
        }
    }
    Ok(import)
}

/// Reads NDJSON from any reader (`file` names it in errors).
pub fn read_ndjson_from(input: impl std::io::Read, file: &str, mapping: &Mapping) -> Result<Import, ImportError> {
    let mut sink = JsonRows::new(file, mapping);
    super::each_json_line(input, file, |line, value| match value {
        Ok(value) => sink.row(line, value),
        Err(e) => {
            sink.import.errors.push(RowError { file: file.into(), line, message: format!("not JSON: {e}") });
            Ok(())
        }
    })?;
    sink.finish()
}

/// Reads a JSON array of objects from any reader (`file` names it in errors). The `line` of a
/// [`RowError`] is the element's 1-based index in the array (a syntax error: its line in the file).
pub fn read_json_from(input: impl std::io::Read, file: &str, mapping: &Mapping) -> Result<Import, ImportError> {
    let mut sink = JsonRows::new(file, mapping);
    let stopped = super::each_json_element(input, file, |index, value| sink.row(index, value))?;
    sink.import.errors.extend(stopped);
    sink.finish()
}

/// The state of reading JSON objects through a mapping.
struct JsonRows<'a> {
    file: &'a str,
    mapping: &'a Mapping,
    import: Import,
    /// Whether the first object has been checked for the required fields' columns.
    checked: bool,
    /// Which mapped columns occurred in some object.
    seen: [bool; FIELDS],
    /// The keys met (up to a limit), to list in errors.
    keys: BTreeSet<String>,
}

const KEYS_LISTED: usize = 200;

impl<'a> JsonRows<'a> {
    fn new(file: &'a str, mapping: &'a Mapping) -> Self {
        JsonRows {
            file,
            mapping,
            import: Import::default(),
            checked: false,
            seen: [false; FIELDS],
            keys: BTreeSet::new(),
        }
    }

    fn row(&mut self, line: u64, value: Value) -> Result<(), ImportError> {
        let Value::Object(object) = value else {
            let message = "not a JSON object".to_owned();
            self.import.errors.push(RowError { file: self.file.into(), line, message });
            return Ok(());
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
            let problems = self.mapping.problems(&Field::REQUIRED, |c| lookup(&object, c).is_some());
            if !problems.is_empty() {
                return Err(problems_error(self.file, problems, &list(object.keys().map(String::as_str))));
            }
        }
        for (field, column) in self.mapping.mapped() {
            if !self.seen[field.index()] && lookup(&object, column).is_some() {
                self.seen[field.index()] = true;
            }
        }
        let mapping = self.mapping;
        let get = |f: Field| mapping.column(f).and_then(|c| lookup(&object, c)).and_then(json_text);
        match message(mapping, get) {
            Ok(m) => self.import.messages.push(m),
            Err(message) => self.import.errors.push(RowError { file: self.file.into(), line, message }),
        }
        Ok(())
    }

    fn finish(self) -> Result<Import, ImportError> {
        let seen = self.seen;
        let fields: &[Field] = if self.checked { &Field::ALL } else { &[] };
        let problems =
            self.mapping.problems(fields, |c| self.mapping.mapped().any(|(f, column)| column == c && seen[f.index()]));
        if !problems.is_empty() {
            return Err(problems_error(self.file, problems, &list(self.keys.iter().map(String::as_str))));
        }
        Ok(self.import)
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
