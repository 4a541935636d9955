//! The "Customer Support on Twitter" export (Kaggle `thoughtvector/customer-support-on-twitter`):
//! `tweet_id, author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id`, one row
//! per tweet, with an optional unnamed index column first (the file was saved by pandas).
//!
//! Tweets are threaded into conversations by their reply links: a conversation is a connected set of
//! tweets (`in_response_to_tweet_id` and `response_tweet_id` both link), named by its smallest tweet id.
//! A parent that is not in the file still links its replies together. `inbound = True` is the
//! customer; the brand's account (`author_id` of the non-inbound tweets) is the agent side and the
//! conversation's account.

use std::collections::HashMap;
use std::path::Path;

use jiff::Timestamp;

use super::{ImportError, ImportedMessage, RowError, Side};

/// The file read: messages in file order (threaded), and the rows that could not be read.
pub use super::Import;

pub(crate) const COLUMNS: [&str; 7] =
    ["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"];

/// Reads a twcs CSV file.
pub fn read(path: &Path) -> Result<Import, ImportError> {
    let file = path.display().to_string();
    let reader = std::fs::File::open(path).map_err(|source| ImportError::Io { file: file.clone(), source })?;
    read_from(reader, &file)
}

/// Reads twcs CSV from any reader (`file` names it in errors).
pub fn read_from(input: impl std::io::Read, file: &str) -> Result<Import, ImportError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = rdr.headers().map_err(|e| ImportError::Format { file: file.into(), message: e.to_string() })?.clone();
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

    struct Row {
        id: String,
        author: String,
        inbound: bool,
        at: Timestamp,
        text: String,
        links: Vec<String>,
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut errors = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(RowError { file: file.into(), line, message: e.to_string() });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let get = |i: usize| record.get(col[i]).unwrap_or("").trim();
        let bad = |message: String| RowError { file: file.into(), line, message };
        let id = normalise_id(get(0));
        if id.is_empty() {
            errors.push(bad("empty tweet_id".into()));
            continue;
        }
        let inbound = match get(2) {
            "True" | "true" | "1" => true,
            "False" | "false" | "0" => false,
            other => {
                errors.push(bad(format!("inbound is {other:?}, expected True or False")));
                continue;
            }
        };
        let at = match parse_twitter_time(get(3)) {
            Some(t) => t,
            None => {
                errors.push(bad(format!("created_at {:?} is not like \"Tue Oct 31 22:10:47 +0000 2017\"", get(3))));
                continue;
            }
        };
        let mut links: Vec<String> = get(5).split(',').map(normalise_id).filter(|s| !s.is_empty()).collect();
        links.extend(Some(normalise_id(get(6))).filter(|s| !s.is_empty()));
        rows.push(Row { id, author: get(1).to_owned(), inbound, at, text: get(4).to_owned(), links });
    }

    // Union–find over tweet ids (and linked ids not in the file).
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut id_of = |s: &str, parent: &mut Vec<usize>, names: &mut Vec<String>| -> usize {
        *index.entry(s.to_owned()).or_insert_with(|| {
            parent.push(parent.len());
            names.push(s.to_owned());
            parent.len() - 1
        })
    };
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut row_node = Vec::with_capacity(rows.len());
    for r in &rows {
        let a = id_of(&r.id, &mut parent, &mut names);
        row_node.push(a);
        for l in &r.links {
            let b = id_of(l, &mut parent, &mut names);
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    // A conversation is named by the smallest tweet id of its component (numeric order when numeric).
    let mut label: HashMap<usize, String> = HashMap::new();
    for (node, name) in names.iter().enumerate() {
        let root = find(&mut parent, node);
        let slot = label.entry(root).or_insert_with(|| name.clone());
        if id_less(name, slot) {
            *slot = name.clone();
        }
    }
    // The account of a conversation: its first (in time) brand author.
    let mut account: HashMap<usize, (Timestamp, String)> = HashMap::new();
    for (r, &node) in rows.iter().zip(&row_node) {
        if !r.inbound {
            let root = find(&mut parent, node);
            let e = account.entry(root).or_insert((r.at, r.author.clone()));
            if r.at < e.0 {
                *e = (r.at, r.author.clone());
            }
        }
    }
    let messages = rows
        .into_iter()
        .zip(row_node)
        .map(|(r, node)| {
            let root = find(&mut parent, node);
            ImportedMessage {
                conversation: label.get(&root).cloned().unwrap_or_else(|| r.id.clone()),
                id: Some(r.id),
                at: r.at,
                side: if r.inbound { Side::Customer } else { Side::Agent },
                account: account.get(&root).map(|(_, a)| a.clone()),
                agent: (!r.inbound).then(|| r.author.clone()),
                author: r.author,
                channel: Some("twitter".into()),
                text: r.text,
                rating: None,
                team: None,
                site: None,
                status: None,
            }
        })
        .collect();
    Ok(Import { messages, errors })
}

/// pandas writes ids of a float column as "3.0".
fn normalise_id(s: &str) -> String {
    let s = s.trim();
    s.strip_suffix(".0").filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())).unwrap_or(s).to_owned()
}

fn id_less(a: &str, b: &str) -> bool {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x < y,
        _ => a < b,
    }
}

/// "Tue Oct 31 22:10:47 +0000 2017" (Twitter's API format).
fn parse_twitter_time(s: &str) -> Option<Timestamp> {
    jiff::fmt::strtime::parse("%a %b %d %H:%M:%S %z %Y", s).ok()?.to_timestamp().ok()
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
}
