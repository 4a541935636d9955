//! JSON records read one at a time: JSON lines (one value per line), or the elements of one top-level
//! JSON array. Neither is ever held whole: a line, or an array element, is read into a buffer and
//! parsed alone. Array elements are found by a small scanner that follows strings and nesting, so an
//! element that is not valid JSON is one bad record and reading goes on with the next one; only a
//! broken array structure (an unclosed string or bracket, a stray closing bracket, text after the
//! array) stops the reading.

use std::io::{BufRead, BufReader, Read};

use serde_json::Value;

use super::{ImportError, RowError};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The longest record read into memory. A longer line or array element is one bad record: it is
/// skipped without being held, so one runaway line cannot take the memory of the machine.
pub(crate) const MAX_RECORD_BYTES: usize = 64 << 20;

/// One record of a JSON-lines file or JSON array.
#[derive(Debug)]
pub(crate) enum Record {
    /// A parsed value and its number: its line (JSON lines) or its 1-based index (array elements).
    Value(u64, Value),
    /// A record that is not JSON (reading goes on), or a broken array (reading stopped).
    Bad(RowError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// JSON lines.
    Lines,
    /// An array not yet opened (its `[` not read).
    ArrayStart,
    /// Just after the array's `[`.
    ArrayFirst,
    /// Just after a `,` between elements.
    ArrayNext,
    /// Just after the array's `]`: only white space may follow.
    ArrayEnd,
    Done,
}

/// JSON records from a reader, one at a time ([`Iterator`] of [`Record`]s; an I/O error, or a file
/// that is not a JSON array when one was expected, ends it with an [`ImportError`]).
pub(crate) struct Records<R: Read> {
    input: BufReader<R>,
    file: String,
    state: State,
    /// Lines read (JSON lines), or the line the scanner is on (array).
    line: u64,
    /// Array elements read.
    count: u64,
    buf: Vec<u8>,
}

impl<R: Read> Records<R> {
    /// JSON lines: each non-blank line is a record, numbered by its 1-based line.
    pub(crate) fn lines(input: R, file: &str) -> Self {
        Self::with(BufReader::new(input), file, State::Lines)
    }

    /// One JSON array: each element is a record, numbered by its 1-based index.
    pub(crate) fn array(input: R, file: &str) -> Self {
        Self::with(BufReader::new(input), file, State::ArrayStart)
    }

    /// A JSON array if the first non-blank byte is `[`, else JSON lines.
    pub(crate) fn auto(input: R, file: &str) -> Result<Self, ImportError> {
        let mut input = BufReader::new(input);
        // Peek (without consuming, so that line numbers stay right) at the first non-blank byte.
        let head = input.fill_buf().map_err(|source| ImportError::Io { file: file.into(), source })?;
        let head = head.strip_prefix(BOM).unwrap_or(head);
        let state = if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            State::ArrayStart
        } else {
            State::Lines
        };
        Ok(Self::with(input, file, state))
    }

    fn with(input: BufReader<R>, file: &str, state: State) -> Self {
        let line = if state == State::Lines { 0 } else { 1 };
        Records { input, file: file.into(), state, line, count: 0, buf: Vec::new() }
    }

    fn bad(&self, line: u64, message: String) -> Record {
        Record::Bad(RowError { file: self.file.clone(), line, message })
    }

    fn advance(&mut self) -> Result<Option<Record>, ImportError> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Lines => return self.next_line(),
                State::ArrayStart => {
                    self.skip_bom()?;
                    match self.next_non_blank()? {
                        Some(b'[') => self.state = State::ArrayFirst,
                        None => return self.broken("the file is empty"),
                        Some(_) => return self.broken("the first value is not an array"),
                    }
                }
                State::ArrayFirst | State::ArrayNext => {
                    if let Some(record) = self.next_element()? {
                        return Ok(Some(record));
                    }
                }
                State::ArrayEnd => {
                    return match self.next_non_blank()? {
                        None => {
                            self.state = State::Done;
                            Ok(None)
                        }
                        Some(_) => self.broken("text after the end of the array"),
                    };
                }
            }
        }
    }

    fn next_line(&mut self) -> Result<Option<Record>, ImportError> {
        loop {
            self.buf.clear();
            let (mut read, mut ended) = (0usize, false);
            while !ended {
                let chunk = self.input.fill_buf().map_err(|e| io(&self.file, e))?;
                if chunk.is_empty() {
                    break;
                }
                let used = chunk.iter().position(|&b| b == b'\n').map_or(chunk.len(), |i| i + 1);
                ended = chunk[used - 1] == b'\n';
                let room = MAX_RECORD_BYTES.saturating_sub(self.buf.len());
                self.buf.extend_from_slice(&chunk[..used.min(room)]);
                self.input.consume(used);
                read += used;
            }
            if read == 0 {
                self.state = State::Done;
                return Ok(None);
            }
            self.line += 1;
            if read > MAX_RECORD_BYTES {
                return Ok(Some(self.bad(self.line, format!("line longer than {} MiB", MAX_RECORD_BYTES >> 20))));
            }
            let mut text = self.buf.trim_ascii();
            if self.line == 1 {
                text = text.strip_prefix(BOM).unwrap_or(text);
            }
            if text.is_empty() {
                continue;
            }
            return Ok(Some(match serde_json::from_slice(text) {
                Ok(v) => Record::Value(self.line, v),
                Err(e) => self.bad(self.line, format!("not JSON: {e}")),
            }));
        }
    }

    /// Consumes a byte-order mark at the very start, if there is one.
    fn skip_bom(&mut self) -> Result<(), ImportError> {
        let head = self.input.fill_buf().map_err(|e| io(&self.file, e))?;
        if head.starts_with(BOM) {
            self.input.consume(BOM.len());
        }
        Ok(())
    }

    /// The next byte that is not white space (consumed), counting lines; `None` at the end.
    fn next_non_blank(&mut self) -> Result<Option<u8>, ImportError> {
        loop {
            let chunk = self.input.fill_buf().map_err(|e| io(&self.file, e))?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let found = chunk.iter().position(|b| !b.is_ascii_whitespace());
            let used = found.map_or(chunk.len(), |i| i + 1);
            let byte = found.map(|i| chunk[i]);
            let lines = chunk[..used].iter().filter(|&&b| b == b'\n').count() as u64;
            self.input.consume(used);
            self.line += lines;
            if byte.is_some() {
                return Ok(byte);
            }
        }
    }

    /// Ends the reading at a broken array: an [`ImportError::Format`] if no element was read (the file
    /// is not a JSON array at all), else a bad record at the line where it broke.
    fn broken(&mut self, what: &str) -> Result<Option<Record>, ImportError> {
        self.state = State::Done;
        if self.count == 0 {
            return Err(ImportError::Format {
                file: self.file.clone(),
                message: format!("not a JSON array: {what} (line {})", self.line),
            });
        }
        let message =
            format!("JSON syntax error after array element {}: {what}; the rest of the file was not read", self.count);
        Ok(Some(self.bad(self.line, message)))
    }

    /// Reads one element, up to the `,` or `]` that ends it; `None` for the end of an empty array.
    fn next_element(&mut self) -> Result<Option<Record>, ImportError> {
        self.buf.clear();
        let mut scan = Scan::default();
        let mut start_line = None;
        let mut too_long = false;
        let end = loop {
            let chunk = self.input.fill_buf().map_err(|e| io(&self.file, e))?;
            if chunk.is_empty() {
                let what = if scan.in_string { "a string is not closed" } else { "the array is not closed" };
                return self.broken(what);
            }
            let mut step = Step::More;
            let mut used = chunk.len();
            for (i, &b) in chunk.iter().enumerate() {
                if start_line.is_none() && !b.is_ascii_whitespace() {
                    start_line = Some(self.line);
                }
                self.line += u64::from(b == b'\n');
                step = scan.push(b);
                if step != Step::More {
                    used = i + 1;
                    break;
                }
            }
            let element = if step == Step::More { used } else { used - 1 };
            let room = MAX_RECORD_BYTES.saturating_sub(self.buf.len());
            too_long |= element > room;
            self.buf.extend_from_slice(&chunk[..element.min(room)]);
            self.input.consume(used);
            match step {
                Step::More => {}
                Step::End(b) => break b,
                Step::Stray => return self.broken("a closing brace that closes nothing"),
            }
        };
        let first = self.state == State::ArrayFirst;
        self.state = if end == b']' { State::ArrayEnd } else { State::ArrayNext };
        let text = self.buf.trim_ascii();
        if text.is_empty() && first && end == b']' {
            return Ok(None);
        }
        self.count += 1;
        let line = start_line.unwrap_or(self.line);
        if too_long {
            let message = format!("array element {} is longer than {} MiB", self.count, MAX_RECORD_BYTES >> 20);
            return Ok(Some(self.bad(line, message)));
        }
        if text.is_empty() {
            return Ok(Some(self.bad(line, format!("array element {} is empty", self.count))));
        }
        Ok(Some(match serde_json::from_slice(text) {
            Ok(v) => Record::Value(self.count, v),
            Err(e) => {
                let line = line + (e.line() as u64).saturating_sub(1);
                self.bad(line, format!("array element {} is not JSON: {}", self.count, without_position(&e)))
            }
        }))
    }
}

impl<R: Read> Iterator for Records<R> {
    type Item = Result<Record, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.advance().transpose();
        if matches!(next, Some(Err(_))) {
            self.state = State::Done;
        }
        next
    }
}

fn io(file: &str, source: std::io::Error) -> ImportError {
    ImportError::Io { file: file.into(), source }
}

/// Where a scan of an array element is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    More,
    /// The `,` or `]` after the element.
    End(u8),
    /// A `}` or `]` with nothing open.
    Stray,
}

/// Follows strings and nesting through an element's bytes.
#[derive(Debug, Default)]
struct Scan {
    depth: u32,
    in_string: bool,
    escaped: bool,
}

impl Scan {
    fn push(&mut self, b: u8) -> Step {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return Step::More;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' if self.depth == 0 => return if b == b']' { Step::End(b) } else { Step::Stray },
            b'}' | b']' => self.depth -= 1,
            b',' if self.depth == 0 => return Step::End(b),
            _ => {}
        }
        Step::More
    }
}

/// A JSON error's text without serde's "at line L column C" (which would count from the element).
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).map_or(text.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record: its number and value, or its line and what is wrong.
    type Got = Vec<Result<(u64, Value), (u64, String)>>;

    fn read(text: &str, array: bool) -> Result<Got, ImportError> {
        let records =
            if array { Records::array(text.as_bytes(), "t.json") } else { Records::lines(text.as_bytes(), "t.json") };
        records
            .map(|r| {
                r.map(|r| match r {
                    Record::Value(n, v) => Ok((n, v)),
                    Record::Bad(e) => Err((e.line, e.message)),
                })
            })
            .collect()
    }

    #[test]
    fn a_runaway_line_or_element_is_one_bad_record_and_is_not_held() {
        let huge = "x".repeat(MAX_RECORD_BYTES + 10);
        let lines = format!("{{\"a\": 1}}\n\"{huge}\"\n{{\"b\": 2}}\n");
        let got = read(&lines, false).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], Ok((1, serde_json::json!({"a": 1}))));
        assert_eq!(got[1], Err((2, "line longer than 64 MiB".to_string())));
        assert_eq!(got[2], Ok((3, serde_json::json!({"b": 2}))));

        let array = format!("[1,\n\"{huge}\",\n2]");
        let got = read(&array, true).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[1], Err((2, "array element 2 is longer than 64 MiB".to_string())));
        assert_eq!(got[2], Ok((3, serde_json::json!(2))));
    }

    #[test]
    fn array_elements_come_one_by_one_with_strings_and_nesting_followed() {
        let text = "\u{feff} [ {\"a\": \"x,]}\\\"\"},\n [1, [2]], 3 ,\"s\"\n]\n";
        let got = read(text, true).unwrap();
        let values: Vec<(u64, Value)> = got.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            values,
            [
                (1, serde_json::json!({"a": "x,]}\""})),
                (2, serde_json::json!([1, [2]])),
                (3, serde_json::json!(3)),
                (4, serde_json::json!("s"))
            ]
        );
        assert!(read("[]", true).unwrap().is_empty());
        assert!(read(" [ \n ] \n", true).unwrap().is_empty());
    }

    #[test]
    fn a_bad_element_is_one_bad_record_and_reading_goes_on() {
        let got = read("[\n{\"a\": 1},\n{\"a\": 1,,},\n,\n{\"a\": 2}\n]", true).unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], Ok((1, serde_json::json!({"a": 1}))));
        let (line, message) = got[1].clone().unwrap_err();
        assert_eq!(line, 3);
        assert!(message.starts_with("array element 2 is not JSON: "), "{message}");
        assert!(!message.contains("line 1"), "{message}");
        assert_eq!(got[2], Err((4, "array element 3 is empty".into())));
        assert_eq!(got[3], Ok((4, serde_json::json!({"a": 2}))));
    }

    #[test]
    fn a_broken_array_stops_the_reading_at_its_line() {
        for (text, line, what) in [
            ("[1,\n2,\n\"open", 3, "a string is not closed"),
            ("[1,\n{\"a\": [2]", 2, "the array is not closed"),
            ("[1,2}\n", 1, "closes nothing"),
            ("[1]\n\n{}", 3, "text after the end of the array"),
        ] {
            let got = read(text, true).unwrap();
            let (l, message) = got.last().cloned().unwrap().unwrap_err();
            assert_eq!(l, line, "{text:?}: {message}");
            assert!(message.contains(what) && message.contains("the rest of the file was not read"), "{message}");
        }
        for text in ["", "  ", "{\"a\": 1}", "[", "[{\"a\": 1"] {
            let err = read(text, true).unwrap_err();
            assert!(err.to_string().contains("not a JSON array"), "{text:?}: {err}");
        }
    }

    #[test]
    fn json_lines_are_numbered_by_line_and_auto_tells_an_array_from_lines() {
        let got = read("\u{feff}{\"a\": 1}\n\n{oops\n2\n", false).unwrap();
        assert_eq!(got[0], Ok((1, serde_json::json!({"a": 1}))));
        assert!(matches!(&got[1], Err((3, m)) if m.starts_with("not JSON")));
        assert_eq!(got[2], Ok((4, serde_json::json!(2))));
        let auto = |text: &'static str| Records::auto(text.as_bytes(), "t").unwrap().state;
        assert_eq!(auto("  \n[1]"), State::ArrayStart);
        assert_eq!(auto("\u{feff}[1]"), State::ArrayStart);
        assert_eq!(auto("{\"a\": [1]}"), State::Lines);
    }
}
