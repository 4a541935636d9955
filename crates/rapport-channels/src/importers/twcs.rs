//! The "Customer Support on Twitter" export (Kaggle `thoughtvector/customer-support-on-twitter`):
//! `tweet_id, author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id`, one row
//! per tweet, with an optional unnamed index column first (the file was saved by pandas).
//!
//! Tweets are threaded into conversations by their reply links: a conversation is a connected set of
//! tweets (`in_response_to_tweet_id` and `response_tweet_id` both link), named by its smallest tweet id.
//! A parent that is not in the file still links its replies together. `inbound = True` is the
//! customer; the brand's account (`author_id` of the non-inbound tweets) is the agent side and the
//! conversation's account.
//!
//! A conversation is only known once the whole file has been seen (a reply may come before the tweet
//! it answers), so the file is read twice: the first pass keeps only tweet ids and links and threads
//! them; the second ([`Stream`]) hands out each conversation as soon as its last tweet has been read,
//! so only the tweets of conversations still open are held, never the whole file.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use jiff::Timestamp;
use rustc_hash::FxHashMap;

use super::{Conversation, ImportError, ImportedMessage, RowError, RowErrors, Side, changed};

/// The file read: messages in file order (threaded), and the rows that could not be read.
pub use super::Import;

pub(crate) const COLUMNS: [&str; 7] =
    ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"];

/// Reads a twcs CSV file, all of it in memory (see [`Stream`] for files of any size).
pub fn read(path: &Path) -> Result<Import, ImportError> {
    let file = path.display().to_string();
    let reader = File::open(path).map_err(|source| ImportError::Io { file: file.clone(), source })?;
    read_from(reader, &file)
}

/// Reads twcs CSV from any reader (`file` names it in errors); messages come in file order.
pub fn read_from(mut input: impl Read, file: &str) -> Result<Import, ImportError> {
    // Threading needs two passes, so the input is read into memory first.
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|source| ImportError::Io { file: file.into(), source })?;
    let threads = Threads::read(bytes.as_slice(), file)?;
    let mut records = Records::new(bytes.as_slice(), file)?;
    let mut rows = Vec::with_capacity(threads.row_conv.len());
    while rows.len() < threads.row_conv.len() {
        match records.next(&mut RowErrors::default())? {
            Some(r) => rows.push(r.to_owned()),
            None => return Err(changed(file)),
        }
    }
    let mut accounts = vec![Account::default(); threads.sizes.len()];
    for (r, &c) in rows.iter().zip(&threads.row_conv) {
        accounts[c as usize].offer(r);
    }
    let labels: Vec<String> = threads.labels.iter().map(Label::to_string).collect();
    let messages = rows
        .into_iter()
        .zip(&threads.row_conv)
        .map(|(r, &c)| r.into_message(labels[c as usize].clone(), accounts[c as usize].name()))
        .collect();
    Ok(Import { messages, errors: threads.errors.into_kept() })
}

/// The conversations of a twcs file, each handed out (in the order its last tweet comes in the file)
/// as soon as all its tweets have been read. Opening it reads the file once to thread the tweets.
pub struct Stream {
    records: Records<File>,
    threads: Threads,
    /// Rows of the second pass handed out or buffered so far.
    next_row: usize,
    /// Tweets of conversations not yet complete, by conversation number.
    open: FxHashMap<u32, Vec<Row>>,
    failed: bool,
}

impl Stream {
    /// Reads `path` once to thread its tweets, and opens it again for the conversations.
    pub fn open(path: &Path) -> Result<Stream, ImportError> {
        let file = path.display().to_string();
        let open = || File::open(path).map_err(|source| ImportError::Io { file: file.clone(), source });
        let threads = Threads::read(open()?, &file)?;
        let records = Records::new(open()?, &file)?;
        Ok(Stream { records, threads, next_row: 0, open: FxHashMap::default(), failed: false })
    }

    /// The rows that could not be read (known after the first pass), up to [`RowErrors::KEPT`].
    pub fn errors(&self) -> &[RowError] {
        self.threads.errors.kept()
    }

    pub(crate) fn row_errors(&self) -> &RowErrors {
        &self.threads.errors
    }

    /// Messages (readable rows) in the file.
    pub fn messages(&self) -> usize {
        self.threads.row_conv.len()
    }

    /// Conversations in the file.
    pub fn conversations(&self) -> usize {
        self.threads.sizes.len()
    }

    fn advance(&mut self) -> Result<Option<Conversation>, ImportError> {
        while self.next_row < self.threads.row_conv.len() {
            let Some(row) = self.records.next(&mut RowErrors::default())?.map(|r| r.to_owned()) else {
                return Err(changed(&self.records.file));
            };
            let conv = self.threads.row_conv[self.next_row];
            self.next_row += 1;
            let size = self.threads.sizes[conv as usize] as usize;
            let rows = if size == 1 {
                vec![row]
            } else {
                let rows = self.open.entry(conv).or_default();
                rows.push(row);
                if rows.len() < size {
                    continue;
                }
                self.open.remove(&conv).unwrap_or_default()
            };
            return Ok(Some(self.finish(conv, rows)));
        }
        if self.open.is_empty() { Ok(None) } else { Err(changed(&self.records.file)) }
    }

    fn finish(&self, conv: u32, rows: Vec<Row>) -> Conversation {
        let mut account = Account::default();
        for r in &rows {
            account.offer(r);
        }
        let label = self.threads.labels.get(conv as usize).map(Label::to_string).unwrap_or_default();
        let account = account.name();
        let messages = rows.into_iter().map(|r| r.into_message(label.clone(), account.clone())).collect();
        Conversation { seq: conv as usize, messages }
    }
}

impl Iterator for Stream {
    type Item = Result<Conversation, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        super::until_error(self, |s| &mut s.failed, Self::advance)
    }
}

/// The CSV records of a twcs file, checked row by row.
struct Records<R: Read> {
    rdr: csv::Reader<R>,
    col: [usize; 7],
    record: csv::StringRecord,
    file: String,
    done: bool,
}

/// A readable row, borrowed from the current record.
struct RowRef<'r> {
    id: &'r str,
    author: &'r str,
    inbound: bool,
    at: Timestamp,
    text: &'r str,
    responses: &'r str,
    in_response_to: &'r str,
}

/// A readable row, owned: what the second pass keeps of a tweet until its conversation is complete.
struct Row {
    id: String,
    author: String,
    inbound: bool,
    at: Timestamp,
    text: String,
}

impl<R: Read> Records<R> {
    fn new(input: R, file: &str) -> Result<Self, ImportError> {
        // A large buffer: the file is read through twice, and this is most of the reading's cost.
        let mut rdr = csv::ReaderBuilder::new().flexible(true).buffer_capacity(1 << 18).from_reader(input);
        let headers = rdr.headers().map_err(|e| ImportError::Format { file: file.into(), message: e.to_string() })?;
        let mut col = [0usize; 7];
        for (slot, name) in col.iter_mut().zip(COLUMNS) {
            *slot = headers.iter().position(|h| h.trim() == name).ok_or_else(|| ImportError::Format {
                file: file.into(),
                message: format!(
                    "not a twcs file: no column {name:?} (columns: {})",
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
            })?;
        }
        Ok(Records { rdr, col, record: csv::StringRecord::new(), file: file.into(), done: false })
    }

    fn get(&self, i: usize) -> &str {
        self.record.get(self.col[i]).unwrap_or("").trim()
    }

    /// The next readable row; the rows before it that cannot be read go to `errors`. `None` at the
    /// end, or after an I/O error (which is reported as a row error, as the rows read so far stand).
    fn next(&mut self, errors: &mut RowErrors) -> Result<Option<RowRef<'_>>, ImportError> {
        let (inbound, at) = loop {
            if self.done {
                return Ok(None);
            }
            let line = self.rdr.position().line();
            match self.rdr.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return Ok(None);
                }
                Ok(true) => {}
                Err(e) => {
                    self.done = matches!(e.kind(), csv::ErrorKind::Io(_));
                    errors.push(RowError { file: self.file.clone(), line, message: e.to_string() });
                    continue;
                }
            }
            match self.check() {
                Ok(ok) => break ok,
                Err(message) => errors.push(RowError { file: self.file.clone(), line, message }),
            }
        };
        Ok(Some(RowRef {
            id: normalise_id(self.get(0)),
            author: self.get(1),
            inbound,
            at,
            text: self.get(4),
            responses: self.get(5),
            in_response_to: self.get(6),
        }))
    }

    /// Whether the current record is a readable tweet: its inbound flag and time, or what is wrong.
    fn check(&self) -> Result<(bool, Timestamp), String> {
        if normalise_id(self.get(0)).is_empty() {
            return Err("empty tweet_id".into());
        }
        let inbound = match self.get(2) {
            "True" | "true" | "1" => true,
            "False" | "false" | "0" => false,
            other => return Err(format!("inbound is {other:?}, expected True or False")),
        };
        let at = parse_twitter_time(self.get(3))
            .ok_or_else(|| format!("created_at {:?} is not like \"Tue Oct 31 22:10:47 +0000 2017\"", self.get(3)))?;
        Ok((inbound, at))
    }
}

impl RowRef<'_> {
    /// The ids this tweet links to: its responses, then the tweet it answers.
    fn links(&self) -> impl Iterator<Item = &str> {
        self.responses
            .split(',')
            .map(normalise_id)
            .chain(std::iter::once(normalise_id(self.in_response_to)))
            .filter(|s| !s.is_empty())
    }

    fn to_owned(&self) -> Row {
        Row {
            id: self.id.to_owned(),
            author: self.author.to_owned(),
            inbound: self.inbound,
            at: self.at,
            text: self.text.to_owned(),
        }
    }
}

impl Row {
    fn into_message(self, conversation: String, account: Option<String>) -> ImportedMessage {
        ImportedMessage {
            conversation,
            id: Some(self.id),
            at: self.at,
            side: if self.inbound { Side::Customer } else { Side::Agent },
            account,
            agent: (!self.inbound).then(|| self.author.clone()),
            author: self.author,
            channel: Some("twitter".into()),
            text: self.text,
            rating: None,
            team: None,
            site: None,
            status: None,
        }
    }
}

/// The account of a conversation: its first (in time; in file order among equal times) brand author.
#[derive(Debug, Clone, Default)]
struct Account(Option<(Timestamp, String)>);

impl Account {
    fn offer(&mut self, r: &Row) {
        if r.inbound {
            return;
        }
        match &self.0 {
            Some((at, _)) if *at <= r.at => {}
            _ => self.0 = Some((r.at, r.author.clone())),
        }
    }

    fn name(&self) -> Option<String> {
        self.0.as_ref().map(|(_, a)| a.clone())
    }
}

/// A conversation's name: its smallest tweet id.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Num(u64),
    Text(Box<str>),
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::Num(n) => write!(f, "{n}"),
            Label::Text(s) => f.write_str(s),
        }
    }
}

/// What the first pass learns: each readable row's conversation, numbered in order of first
/// appearance, each conversation's size and name, and the rows that could not be read.
struct Threads {
    row_conv: Vec<u32>,
    sizes: Vec<u32>,
    labels: Vec<Label>,
    errors: RowErrors,
}

impl Threads {
    fn read(input: impl Read, file: &str) -> Result<Threads, ImportError> {
        let mut records = Records::new(input, file)?;
        let mut errors = RowErrors::default();
        let mut nodes = Nodes::default();
        let mut row_node: Vec<u32> = Vec::new();
        let too_many = || ImportError::Format { file: file.into(), message: "more than 4 billion tweet ids".into() };
        while let Some(r) = records.next(&mut errors)? {
            let a = nodes.id(r.id).ok_or_else(too_many)?;
            row_node.push(a);
            for l in r.links() {
                let b = nodes.id(l).ok_or_else(too_many)?;
                nodes.union(a, b);
            }
        }
        // A conversation is named by the smallest tweet id of its component (numeric order when
        // numeric), the ids taken in the order they were first seen.
        const NONE: u32 = u32::MAX;
        let mut smallest = vec![NONE; nodes.len()];
        for node in 0..nodes.len() as u32 {
            let root = nodes.find(node) as usize;
            let slot = smallest[root];
            if slot == NONE || nodes.less(node, slot) {
                smallest[root] = node;
            }
        }
        let mut conv_of_root = vec![NONE; nodes.len()];
        let mut sizes: Vec<u32> = Vec::new();
        let mut labels = Vec::new();
        for node in &mut row_node {
            let root = nodes.find(*node) as usize;
            if conv_of_root[root] == NONE {
                conv_of_root[root] = sizes.len() as u32;
                sizes.push(0);
                labels.push(nodes.label(smallest[root]));
            }
            let conv = conv_of_root[root];
            sizes[conv as usize] += 1;
            *node = conv;
        }
        Ok(Threads { row_conv: row_node, sizes, labels, errors })
    }
}

/// Union–find over tweet ids (and linked ids not in the file). Ids in canonical decimal below 2^63
/// (all of twcs) are keyed as numbers; any other id is kept as text.
#[derive(Default)]
struct Nodes {
    numbers: FxHashMap<u64, u32>,
    texts: HashMap<Box<str>, u32>,
    /// Per node: its number, or [`TEXT`] | its index in `names`.
    keys: Vec<u64>,
    names: Vec<Box<str>>,
    parent: Vec<u32>,
}

const TEXT: u64 = 1 << 63;

impl Nodes {
    fn len(&self) -> usize {
        self.parent.len()
    }

    /// The node of id `s`, new if unseen; `None` past u32 nodes.
    fn id(&mut self, s: &str) -> Option<u32> {
        let next = u32::try_from(self.parent.len()).ok().filter(|&n| n < u32::MAX)?;
        let key = match canonical_number(s) {
            Some(n) => match self.numbers.entry(n) {
                std::collections::hash_map::Entry::Occupied(e) => return Some(*e.get()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(next);
                    n
                }
            },
            None => {
                if let Some(&node) = self.texts.get(s) {
                    return Some(node);
                }
                self.texts.insert(s.into(), next);
                self.names.push(s.into());
                TEXT | (self.names.len() as u64 - 1)
            }
        };
        self.keys.push(key);
        self.parent.push(next);
        Some(next)
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = self.parent[x as usize];
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }

    fn label(&self, node: u32) -> Label {
        let key = self.keys.get(node as usize).copied().unwrap_or(TEXT);
        if key & TEXT == 0 {
            Label::Num(key)
        } else {
            Label::Text(self.names.get((key & !TEXT) as usize).cloned().unwrap_or_default())
        }
    }

    /// Whether node `a`'s id sorts before `b`'s (numerically when both are numbers).
    fn less(&self, a: u32, b: u32) -> bool {
        let (ka, kb) = (self.keys[a as usize], self.keys[b as usize]);
        if ka & TEXT == 0 && kb & TEXT == 0 {
            return ka < kb;
        }
        id_less(&self.label(a).to_string(), &self.label(b).to_string())
    }
}

/// `s` as a number if it is written the canonical way (digits, no leading zero) and below 2^63.
fn canonical_number(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 19 || (b.len() > 1 && b[0] == b'0') || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.parse::<u64>().ok().filter(|&n| n & TEXT == 0)
}

/// pandas writes ids of a float column as "3.0".
fn normalise_id(s: &str) -> &str {
    let s = s.trim();
    s.strip_suffix(".0").filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())).unwrap_or(s)
}

fn id_less(a: &str, b: &str) -> bool {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x < y,
        _ => a < b,
    }
}

/// "Tue Oct 31 22:10:47 +0000 2017" (Twitter's API format).
fn parse_twitter_time(s: &str) -> Option<Timestamp> {
    fast_twitter_time(s).or_else(|| jiff::fmt::strtime::parse("%a %b %d %H:%M:%S %z %Y", s).ok()?.to_timestamp().ok())
}

/// The exact shape Twitter writes, in UTC, read without the general parser (twice per tweet in a
/// file of millions). Anything else — other offsets, padding, a weekday that does not match the
/// date — is left to the general parser, so the two always agree.
fn fast_twitter_time(s: &str) -> Option<Timestamp> {
    const DAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    const MONTHS: [&[u8; 3]; 12] =
        [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    let b: &[u8; 30] = s.as_bytes().try_into().ok()?;
    let shape = b[3] == b' ' && b[7] == b' ' && b[10] == b' ' && b[13] == b':' && b[16] == b':' && b[19] == b' ';
    if !shape || &b[20..26] != b"+0000 " {
        return None;
    }
    let digits = |from: usize, to: usize| -> Option<i16> {
        b[from..to].iter().try_fold(0i16, |n, &d| d.is_ascii_digit().then(|| n * 10 + i16::from(d - b'0')))
    };
    let month = MONTHS.iter().position(|m| m[..] == b[4..7])? as i8 + 1;
    let date = jiff::civil::Date::new(digits(26, 30)?, month, digits(8, 10)? as i8).ok()?;
    let weekday = DAYS.iter().position(|d| d[..] == b[0..3])?;
    if usize::try_from(date.weekday().to_monday_zero_offset()).ok()? != weekday {
        return None;
    }
    let time = jiff::civil::Time::new(digits(11, 13)? as i8, digits(14, 16)? as i8, digits(17, 19)? as i8, 0).ok()?;
    jiff::tz::Offset::UTC.to_timestamp(date.to_datetime(time)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
,tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
0,1,acme,False,Tue Oct 31 22:10:47 +0000 2017,@c1 sorry to hear that,2,3.0
1,2,c1,True,Tue Oct 31 22:11:45 +0000 2017,@acme thanks,,1.0
2,3,c1,True,Tue Oct 31 22:08:27 +0000 2017,@acme my parcel is late,1,
3,10,c2,True,Tue Oct 31 23:00:00 +0000 2017,@acme hello?,,
4,11,c3,True,not a date,@acme broken row,,
";

    #[test]
    fn threads_by_reply_links_and_names_the_brand_as_account() {
        let import = read_from(SAMPLE.as_bytes(), "sample.csv").unwrap();
        assert_eq!(import.errors.len(), 1);
        assert_eq!(import.errors[0].line, 6);
        let convs: Vec<(&str, &str, Option<&str>)> = import
            .messages
            .iter()
            .map(|m| (m.id.as_deref().unwrap_or(""), m.conversation.as_str(), m.account.as_deref()))
            .collect();
        assert_eq!(
            convs,
            [("1", "1", Some("acme")), ("2", "1", Some("acme")), ("3", "1", Some("acme")), ("10", "10", None)]
        );
        assert_eq!(import.messages[2].side, Side::Customer);
        assert_eq!(import.messages[0].side, Side::Agent);
    }

    #[test]
    fn a_file_without_the_columns_is_refused() {
        let err = read_from("a,b\n1,2\n".as_bytes(), "x.csv").unwrap_err();
        assert!(err.to_string().contains("not a twcs file"), "{err}");
    }

    /// A reply that comes before the tweet it answers, an id that is not a number, a parent outside
    /// the file, and two brands (the earlier one is the account).
    const SCATTERED: &str = "\
tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
20,beta,False,Wed Nov 01 10:05:00 +0000 2017,@c5 on it,,21
7,c4,True,Wed Nov 01 09:00:00 +0000 2017,@acme where is it,,
21,c5,True,Wed Nov 01 10:00:00 +0000 2017,@beta help,20,
x9,acme,False,Wed Nov 01 09:30:00 +0000 2017,@c4 sorry,,7
22,alpha,False,Wed Nov 01 09:59:00 +0000 2017,@c5 hello,,21
30,c6,True,Wed Nov 01 11:00:00 +0000 2017,@acme me too,,999
31,c7,True,Wed Nov 01 11:01:00 +0000 2017,@acme same,,999
";

    fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("rapport-twcs-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_stream_gives_each_conversation_whole_with_the_same_messages_as_reading_it_all() {
        let path = temp_file("scattered.csv", SCATTERED);
        let all = read(&path).unwrap();
        let stream = Stream::open(&path).unwrap();
        assert_eq!((stream.messages(), stream.conversations()), (7, 3));
        let mut convs: Vec<Conversation> = stream.collect::<Result<_, _>>().unwrap();
        let _ = std::fs::remove_file(&path);
        // Handed out as they complete; numbered by first appearance.
        assert_eq!(convs.iter().map(|c| c.seq).collect::<Vec<_>>(), [1, 0, 2]);
        convs.sort_by_key(|c| c.seq);
        let names: Vec<(&str, Option<&str>, usize)> = convs
            .iter()
            .map(|c| (c.messages[0].conversation.as_str(), c.messages[0].account.as_deref(), c.messages.len()))
            .collect();
        assert_eq!(names, [("20", Some("alpha"), 3), ("7", Some("acme"), 2), ("30", None, 2)]);
        let streamed: Vec<ImportedMessage> = convs.into_iter().flat_map(|c| c.messages).collect();
        let mut expected = all.messages.clone();
        expected.sort_by_key(|m| streamed.iter().position(|s| s.id == m.id));
        assert_eq!(streamed, expected);
        assert!(all.errors.is_empty());
    }

    #[test]
    fn the_fast_time_reader_agrees_with_the_general_one() {
        let general = |s: &str| jiff::fmt::strtime::parse("%a %b %d %H:%M:%S %z %Y", s).ok()?.to_timestamp().ok();
        for s in [
            "Tue Oct 31 22:10:47 +0000 2017",
            "Sun Oct 01 00:00:00 +0000 2017",
            "Thu Feb 29 23:59:59 +0000 2024",
            "Mon Oct 31 22:10:47 +0000 2017",
            "Tue Oct 31 22:10:47 +0100 2017",
            "Tue Oct 31 24:10:47 +0000 2017",
            "Tue Oct 31 22:10:47 +0000 20x7",
            "Tue Oct  1 22:10:47 +0000 2017",
            "Tue Foo 31 22:10:47 +0000 2017",
        ] {
            assert_eq!(parse_twitter_time(s), general(s), "{s}");
            if let Some(t) = fast_twitter_time(s) {
                assert_eq!(Some(t), general(s), "{s}");
            }
        }
        assert!(fast_twitter_time("Tue Oct 31 22:10:47 +0000 2017").is_some());
    }
}
