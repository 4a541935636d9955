//! Freshdesk tickets with their conversations, as JSON lines: one ticket object per line, each with a
//! `conversations` array — what a script writes when it saves, one line per ticket, the answer of
//! Freshdesk API v2's `GET /api/v2/tickets/{id}?include=conversations` (a JSON array of such tickets is
//! accepted too; its elements are numbered as lines). The field names are Freshdesk's own:
//!
//! - ticket: `id`, `created_at`, `status` (2 open, 3 pending, 4 resolved, 5 closed), `source` (1 email,
//!   2 portal, 3 phone, 7 chat, 9 feedback widget, 10 outbound email), `requester_id`, `responder_id`,
//!   `group_id`, `product_id`, `description_text` (else `description`, which is HTML);
//! - conversation: `id`, `body_text` (else `body`, HTML), `incoming` (true when it came from outside,
//!   i.e. from the customer), `private` (a private note), `user_id`, `created_at`.
//!
//! The ticket's description is its first message, at the ticket's `created_at`: the customer's
//! (author `requester_id`), except for an outbound-email ticket (`source` 10), which an agent starts
//! (author `responder_id`); an empty description is no message. Then each conversation that is not
//! private is a message: the customer's when `incoming`, else an agent's; its author is `user_id`.
//! Agent messages carry their author as `agent`, the customer's the ticket's `responder_id`. Per
//! message: conversation = the ticket's `id`, account = `product_id` (else `"freshdesk"`), channel =
//! the source's name (`email`, `portal`, `phone`, `chat`, `feedback_widget`, `outbound_email`, else
//! `source_N`), status = the status's name (`open`, `pending`, `resolved`, `closed`, else the number),
//! team = `group_id`; Freshdesk's satisfaction ratings are not part of a ticket, so rating is none.
//!
//! A ticket that cannot be read (not JSON, no `id`, `requester_id`, `created_at` or `conversations`)
//! is a [`RowError`] at its line; so is a conversation without `incoming` or `user_id`, or with an
//! unreadable `created_at` (that conversation is skipped, the rest of the ticket kept).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::{Import, ImportError, ImportedMessage, Side, Tickets, id_text, open_file, parse_timestamp};

/// The tickets of a Freshdesk tickets-with-conversations JSON-lines file, one conversation per
/// ticket, read as a stream.
pub fn stream(path: &Path) -> Result<Tickets<File>, ImportError> {
    let (input, file) = open_file(path)?;
    stream_from(input, &file)
}

/// [`stream`] from any reader (`file` names it in errors).
pub fn stream_from<R: Read>(input: R, file: &str) -> Result<Tickets<R>, ImportError> {
    Tickets::new(input, file, read_ticket)
}

/// Reads a whole Freshdesk tickets-with-conversations JSON-lines file.
pub fn read(path: &Path) -> Result<Import, ImportError> {
    stream(path)?.into_import()
}

/// Reads Freshdesk JSON lines from any reader (`file` names it in errors).
pub fn read_from(input: impl Read, file: &str) -> Result<Import, ImportError> {
    stream_from(input, file)?.into_import()
}

/// The name of a ticket `source` code.
pub fn source_name(source: u64) -> String {
    match source {
        1 => "email".into(),
        2 => "portal".into(),
        3 => "phone".into(),
        7 => "chat".into(),
        9 => "feedback_widget".into(),
        10 => "outbound_email".into(),
        n => format!("source_{n}"),
    }
}

/// The name of a ticket `status` code.
pub fn status_name(status: u64) -> String {
    match status {
        2 => "open".into(),
        3 => "pending".into(),
        4 => "resolved".into(),
        5 => "closed".into(),
        n => n.to_string(),
    }
}

const OUTBOUND_EMAIL: u64 = 10;

fn read_ticket(ticket: &Value, bad: &mut dyn FnMut(String), messages: &mut Vec<ImportedMessage>) {
    if !ticket.is_object() {
        return bad("not a JSON object (a Freshdesk ticket)".into());
    }
    let Some(id) = ticket.get("id").and_then(id_text) else {
        return bad("ticket without an id".into());
    };
    let Some(requester) = ticket.get("requester_id").and_then(id_text) else {
        return bad(format!("ticket {id}: no requester_id"));
    };
    let raw_created = ticket.get("created_at").and_then(Value::as_str).unwrap_or("");
    let Some(created) = parse_timestamp(raw_created) else {
        return bad(format!("ticket {id}: created_at {raw_created:?} is not a timestamp"));
    };
    let Some(conversations) = ticket.get("conversations").and_then(Value::as_array) else {
        return bad(format!("ticket {id}: no conversations array (fetch tickets with ?include=conversations)"));
    };
    let source = ticket.get("source").and_then(Value::as_u64);
    let channel = source.map(source_name);
    let status = ticket.get("status").and_then(|s| s.as_u64().map(status_name).or_else(|| id_text(s)));
    let account = ticket.get("product_id").and_then(id_text).unwrap_or_else(|| "freshdesk".into());
    let responder = ticket.get("responder_id").and_then(id_text);
    let team = ticket.get("group_id").and_then(id_text);
    let message = |id_: Option<String>, at, side, author: String, text: String| ImportedMessage {
        conversation: id.clone(),
        id: id_,
        at,
        side,
        agent: if side == Side::Agent { Some(author.clone()).filter(|a| !a.is_empty()) } else { responder.clone() },
        author,
        account: Some(account.clone()),
        channel: channel.clone(),
        text,
        rating: None,
        team: team.clone(),
        site: None,
        status: status.clone(),
    };

    let description = ["description_text", "description"]
        .iter()
        .find_map(|k| ticket.get(*k).and_then(Value::as_str))
        .filter(|d| !d.trim().is_empty());
    if let Some(text) = description {
        let (side, author) = if source == Some(OUTBOUND_EMAIL) {
            (Side::Agent, responder.clone().unwrap_or_default())
        } else {
            (Side::Customer, requester.clone())
        };
        messages.push(message(None, created, side, author, text.to_owned()));
    }

    for (i, conv) in conversations.iter().enumerate() {
        if conv.get("private").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let conv_id = conv.get("id").and_then(id_text);
        let name = || conv_id.clone().unwrap_or_else(|| format!("#{}", i + 1));
        let raw_at = conv.get("created_at").and_then(Value::as_str).unwrap_or("");
        let Some(at) = parse_timestamp(raw_at) else {
            bad(format!("ticket {id}, conversation {}: created_at {raw_at:?} is not a timestamp", name()));
            continue;
        };
        let Some(incoming) = conv.get("incoming").and_then(Value::as_bool) else {
            bad(format!("ticket {id}, conversation {}: no incoming flag", name()));
            continue;
        };
        let Some(author) = conv.get("user_id").and_then(id_text) else {
            bad(format!("ticket {id}, conversation {}: no user_id", name()));
            continue;
        };
        let side = if incoming { Side::Customer } else { Side::Agent };
        let text = ["body_text", "body"].iter().find_map(|k| conv.get(*k).and_then(Value::as_str)).unwrap_or("");
        messages.push(message(conv_id, at, side, author, text.to_owned()));
    }
}
