//! The readers as streams: conversations come out while the file is still being read, with the
//! same messages as reading the whole file, and bad rows in the middle are counted with their lines.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rapport_channels::importers::{
    self, Conversation, Format, ImportError, Mapping, conversations, freshdesk, generic, zendesk,
};

/// `n` conversations of three rows each, written as a help desk writes them (in time order), so that
/// each conversation's rows are spread among its neighbours': row k of conversation i is at time
/// 2i + k (some times tie, so file order decides), and one row with a bad timestamp is on `bad_line`.
fn generic_rows(n: usize) -> Vec<(usize, String, &'static str, String)> {
    let mut rows = Vec::new();
    for i in 0..n {
        for (k, role) in ["customer", "agent", "customer"].into_iter().enumerate() {
            rows.push((2 * i + k, format!("C{i}"), role, format!("message {k} of C{i}")));
        }
    }
    rows.sort_by_key(|r| r.0);
    rows
}

fn mapping() -> Mapping {
    Mapping::parse(["conversation=conv", "timestamp=ts", "role=role", "text=text"]).unwrap()
}

/// Writes the rows in a generic format; the bad row goes after the `bad_after`-th row. Returns the
/// file's path and the bad row's line (its element index for a JSON array).
fn write_generic(dir: &Path, kind: &str, n: usize, bad_after: usize) -> (std::path::PathBuf, u64) {
    let rows = generic_rows(n);
    let mut text = String::new();
    let (mut bad_line, mut line) = (0, 0u64);
    let json = |conv: &str, ts: &str, role: &str, t: &str| {
        serde_json::json!({"conv": conv, "ts": ts, "role": role, "text": t}).to_string()
    };
    match kind {
        "csv" => {
            text.push_str("conv,ts,role,text\n");
            line = 1;
        }
        "json" => text.push_str("[\n"),
        _ => {}
    }
    for (i, (ts, conv, role, t)) in rows.iter().enumerate() {
        let ts = (1_700_000_000 + ts).to_string();
        let mut push = |record: String, text: &mut String| {
            line += 1;
            match kind {
                "csv" => text.push_str(&format!("{record}\n")),
                "ndjson" => text.push_str(&format!("{record}\n")),
                _ => text.push_str(&format!("{}{record}\n", if line > 1 { "," } else { "" })),
            }
        };
        let record = if kind == "csv" { format!("{conv},{ts},{role},{t}") } else { json(conv, &ts, role, t) };
        push(record, &mut text);
        if i + 1 == bad_after {
            let record = if kind == "csv" {
                "C0,yesterday,customer,bad time".to_owned()
            } else {
                json("C0", "yesterday", "customer", "bad time")
            };
            push(record, &mut text);
            bad_line = line;
        }
    }
    if kind == "json" {
        text.push_str("]\n");
    }
    let path = dir.join(format!("rows.{kind}"));
    std::fs::write(&path, text).unwrap();
    (path, bad_line)
}

#[test]
fn generic_streams_hand_out_each_conversation_at_its_last_row_holding_few_open() {
    let dir = tempfile::tempdir().unwrap();
    let n = 3000;
    for (kind, format) in
        [("csv", generic::Kind::Csv), ("ndjson", generic::Kind::Ndjson), ("json", generic::Kind::Json)]
    {
        let (path, bad_line) = write_generic(dir.path(), kind, n, 4000);
        let mut stream = generic::Stream::open(&path, format, &mapping()).unwrap();
        assert_eq!((stream.messages(), stream.conversations()), (3 * n, n), "{kind}");
        // The bad row in the middle is counted at its line (its element index in a JSON array), and
        // every other row is read.
        let lines: Vec<u64> = stream.errors().iter().map(|e| e.line).collect();
        assert_eq!(lines, [bad_line], "{kind}");
        assert!(stream.errors()[0].to_string().contains(&format!("rows.{kind}:{bad_line}: ")), "{kind}");

        // Conversations come out as they complete, while only a few are open at any time.
        let first = stream.next().unwrap().unwrap();
        assert_eq!((first.seq, first.messages.len()), (0, 3), "{kind}");
        let mut streamed: Vec<Conversation> = vec![first];
        streamed.extend(stream.by_ref().map(Result::unwrap));
        assert!(stream.peak_open() <= 3, "{kind}: {} open at once", stream.peak_open());
        assert_eq!(streamed.len(), n);

        // The same conversations, numbered and ordered, as grouping the whole file.
        let whole = match format {
            generic::Kind::Csv => generic::read_csv(&path, &mapping()),
            generic::Kind::Ndjson => generic::read_ndjson(&path, &mapping()),
            generic::Kind::Json => generic::read_json(&path, &mapping()),
        }
        .unwrap();
        streamed.sort_by_key(|c| c.seq);
        assert_eq!(streamed, conversations(whole.messages), "{kind}");
    }
}

#[test]
fn a_strict_generic_stream_stops_at_the_first_bad_row_before_any_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let (path, bad_line) = write_generic(dir.path(), "csv", 100, 150);
    let err = importers::stream(&path, Format::Csv, Some(&mapping()), true).err().unwrap();
    match err {
        ImportError::Row(e) => {
            assert_eq!(e.line, bad_line);
            assert!(e.message.contains("\"yesterday\" is not a timestamp"), "{e}");
        }
        other => panic!("{other}"),
    }
    assert!(importers::stream(&path, Format::Csv, Some(&mapping()), false).is_ok());
}

#[test]
fn a_file_of_many_bad_rows_counts_them_all_and_keeps_only_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let bad = importers::RowErrors::KEPT + 500;
    let mut text = String::from("conv,ts,role,text\n");
    for i in 0..bad {
        text.push_str(&format!("C{i},not a time,customer,hello\n"));
    }
    text.push_str("C1,2026-01-02T10:00:00Z,customer,where is my order\n");
    std::fs::write(&path, text).unwrap();
    // The same rows as NDJSON, plus lines that are not JSON at all.
    let ndjson = dir.path().join("bad.ndjson");
    let mut lines = String::new();
    for i in 0..bad {
        lines.push_str(&format!(
            "{{\"conv\": \"C{i}\", \"ts\": \"not a time\", \"role\": \"customer\", \"text\": \"hi\"}}\n"
        ));
    }
    lines.push_str(
        "{\"conv\": \"C1\", \"ts\": \"2026-01-02T10:00:00Z\", \"role\": \"customer\", \"text\": \"where\"}\n",
    );
    std::fs::write(&ndjson, lines).unwrap();
    for (path, format) in [(&path, Format::Csv), (&ndjson, Format::Ndjson)] {
        let mut stream = importers::stream(path, format, Some(&mapping()), false).unwrap();
        let all: Vec<Conversation> = stream.by_ref().map(Result::unwrap).collect();
        assert_eq!(all.len(), 1, "the good row is still read");
        assert_eq!(stream.error_count(), bad);
        assert_eq!(stream.errors().len(), importers::RowErrors::KEPT);
        assert_eq!(stream.errors()[0].line, if format == Format::Csv { 2 } else { 1 }, "the first are kept");
    }
}

/// A reader that counts the bytes taken from it.
struct Counted<R> {
    inner: R,
    taken: Arc<AtomicUsize>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.taken.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }
}

/// `n` tickets, one per line, with a line that is not JSON after the `bad_after`-th.
fn tickets(n: usize, bad_after: usize, ticket: impl Fn(usize) -> serde_json::Value) -> String {
    let mut text = String::new();
    for i in 1..=n {
        text.push_str(&ticket(i).to_string());
        text.push('\n');
        if i == bad_after {
            text.push_str("{\"id\": 7, \"requester_id\": \n");
        }
    }
    text
}

fn zendesk_ticket(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": i, "requester_id": 1, "status": "open",
        "comments": [
            {"id": 10 * i, "author_id": 1, "plain_body": "my parcel is late", "created_at": "2024-03-04T10:00:00Z"},
            {"id": 10 * i + 1, "author_id": 2, "plain_body": "sorry, checking", "created_at": "2024-03-04T10:05:00Z"},
        ],
    })
}

fn freshdesk_ticket(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": i, "requester_id": 1, "created_at": "2024-03-04T10:00:00Z", "status": 2, "source": 1,
        "description_text": "my parcel is late",
        "conversations": [{"id": i, "body_text": "sorry", "incoming": false, "user_id": 2, "created_at": "2024-03-04T10:05:00Z"}],
    })
}

#[test]
fn vendor_streams_hand_out_each_ticket_as_its_line_is_read() {
    let n = 5000;
    for vendor in ["zendesk", "freshdesk"] {
        let text =
            if vendor == "zendesk" { tickets(n, 2500, zendesk_ticket) } else { tickets(n, 2500, freshdesk_ticket) };
        let taken = Arc::new(AtomicUsize::new(0));
        let input = Counted { inner: text.as_bytes(), taken: Arc::clone(&taken) };
        let mut stream = match vendor {
            "zendesk" => zendesk::stream_from(input, "t.jsonl").unwrap(),
            _ => freshdesk::stream_from(input, "t.jsonl").unwrap(),
        };
        let first = stream.next().unwrap().unwrap();
        assert_eq!((first.seq, first.messages.len(), first.messages[0].conversation.as_str()), (0, 2, "1"));
        // One buffer's worth of a file of about a megabyte has been read.
        assert!(
            taken.load(Ordering::Relaxed) < text.len() / 20,
            "{vendor}: {} of {}",
            taken.load(Ordering::Relaxed),
            text.len()
        );
        let mut seen = 1;
        while let Some(c) = stream.next() {
            let c = c.unwrap();
            assert_eq!(c.seq, seen, "{vendor}: numbered in file order");
            seen += 1;
            if seen == 2500 {
                assert!(stream.errors().is_empty(), "the bad line is not reached yet");
            }
        }
        assert_eq!(seen, n, "{vendor}: every ticket but none lost to the bad line");
        let lines: Vec<u64> = stream.errors().iter().map(|e| e.line).collect();
        assert_eq!(lines, [2501], "{vendor}");
        assert!(stream.errors()[0].message.starts_with("not JSON"), "{vendor}");
    }
}
