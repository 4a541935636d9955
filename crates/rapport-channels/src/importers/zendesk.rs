//! Zendesk tickets with their comments, as JSON lines: one ticket object per line (a JSON array of
//! tickets is accepted too; its elements are numbered as lines). The field names are Zendesk's own
//! (Tickets API and Ticket Comments API):
//!
//! - ticket: `id`, `status`, `via.channel`, `requester_id`, `assignee_id`, `group_id`, `brand_id`,
//!   `satisfaction_rating.score` (`good`, `bad`, `offered`, `unoffered`), and `comments`, the array of
//!   the ticket's comments in order;
//! - comment: `id`, `author_id`, `plain_body` (else `body`), `public`, `created_at`, `via.channel`.
//!
//! Each public comment is a message (internal notes, `public: false`, are skipped; a comment without
//! `public` counts as public), in the ticket's conversation (its `id`). A comment by the ticket's
//! requester (`author_id == requester_id`) is the customer's; any other is an agent's, and its author
//! is the message's `agent`; the customer's messages carry the ticket's assignee as `agent`. The ticket's
//! first comment is its description, so the description is not read separately. Per message: account
//! = `brand_id` (else `"zendesk"`), channel = the ticket's `via.channel` (else the comment's), team =
//! `group_id`, status = `status`, rating = 1.0 for a `good` and 0.0 for a `bad` satisfaction score
//! (the ticket-level values are repeated on each of its messages).
//!
//! A ticket that cannot be read (not JSON, no `id`, `requester_id` or `comments`) is a [`RowError`] at
//! its line; so is a comment without `author_id` or with an unreadable `created_at` (that comment is
//! skipped, the rest of the ticket is kept).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::{Import, ImportError, ImportedMessage, Side, Tickets, id_text, open_file, parse_timestamp};

/// The tickets of a Zendesk tickets-with-comments JSON-lines file, one conversation per ticket, read
/// as a stream.
pub fn stream(path: &Path) -> Result<Tickets<File>, ImportError> {
    let (input, file) = open_file(path)?;
    stream_from(input, &file)
}

/// [`stream`] from any reader (`file` names it in errors).
pub fn stream_from<R: Read>(input: R, file: &str) -> Result<Tickets<R>, ImportError> {
    Tickets::new(input, file, read_ticket)
}

/// Reads a whole Zendesk tickets-with-comments JSON-lines file.
pub fn read(path: &Path) -> Result<Import, ImportError> {
    stream(path)?.into_import()
}

/// Reads Zendesk JSON lines from any reader (`file` names it in errors).
pub fn read_from(input: impl Read, file: &str) -> Result<Import, ImportError> {
    stream_from(input, file)?.into_import()
}

fn read_ticket(ticket: &Value, bad: &mut dyn FnMut(String), messages: &mut Vec<ImportedMessage>) {
    if !ticket.is_object() {
        return bad("not a JSON object (a Zendesk ticket)".into());
    }
    let Some(id) = ticket.get("id").and_then(id_text) else {
        return bad("ticket without an id".into());
    };
    let Some(requester) = ticket.get("requester_id").and_then(id_text) else {
        return bad(format!("ticket {id}: no requester_id"));
    };
    let Some(comments) = ticket.get("comments").and_then(Value::as_array) else {
        return bad(format!("ticket {id}: no comments array"));
    };
    let account = ticket.get("brand_id").and_then(id_text).unwrap_or_else(|| "zendesk".into());
    let ticket_channel = ticket.pointer("/via/channel").and_then(id_text);
    let assignee = ticket.get("assignee_id").and_then(id_text);
    let team = ticket.get("group_id").and_then(id_text);
    let status = ticket.get("status").and_then(id_text);
    let rating = match ticket.pointer("/satisfaction_rating/score").and_then(Value::as_str) {
        Some("good") => Some(1.0),
        Some("bad") => Some(0.0),
        _ => None,
    };

    for (i, comment) in comments.iter().enumerate() {
        if comment.get("public").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let comment_id = comment.get("id").and_then(id_text);
        let name = || comment_id.clone().unwrap_or_else(|| format!("#{}", i + 1));
        let raw_at = comment.get("created_at").and_then(Value::as_str).unwrap_or("");
        let Some(at) = parse_timestamp(raw_at) else {
            bad(format!("ticket {id}, comment {}: created_at {raw_at:?} is not a timestamp", name()));
            continue;
        };
        let Some(author) = comment.get("author_id").and_then(id_text) else {
            bad(format!("ticket {id}, comment {}: no author_id", name()));
            continue;
        };
        let side = if author == requester { Side::Customer } else { Side::Agent };
        let text = ["plain_body", "body"]
            .iter()
            .find_map(|k| comment.get(*k).and_then(Value::as_str))
            .unwrap_or("")
            .to_owned();
        let channel = ticket_channel.clone().or_else(|| comment.pointer("/via/channel").and_then(id_text));
        messages.push(ImportedMessage {
            conversation: id.clone(),
            id: comment_id,
            at,
            side,
            agent: if side == Side::Agent { Some(author.clone()) } else { assignee.clone() },
            author,
            account: Some(account.clone()),
            channel,
            text,
            rating,
            team: team.clone(),
            site: None,
            status: status.clone(),
        });
    }
}
