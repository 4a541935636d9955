//! What the customer wrote now, without the quoted history and signature of an email reply.
//!
//! Mail clients quote the previous message under (or after) a marker line: "On … wrote:",
//! "-----Original Message-----", Outlook's "From: … Sent: …" block, or lines starting with `>`.
//! Signatures start at the standard `-- ` line or at a phone client's "Sent from my …". Analysing
//! the quoted agent reply would credit the customer with the agent's apologies, so everything from
//! the first such marker on is dropped — unless nothing would be left, in which case the text is
//! kept whole (a message that is only a quote is better read than lost).

/// The part of `text` the author wrote in this message. Never allocates; returns a prefix of `text`
/// (or `text` itself).
pub fn current_text(text: &str) -> &str {
    // A marker only cuts what comes after its line, and an all-marker text is kept whole: one line
    // (a chat message, a tweet) is always the whole text.
    if !text.as_bytes().contains(&b'\n') {
        return text;
    }
    let mut offset = 0usize;
    let mut cut: Option<usize> = None;
    let mut prev_from = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let lower_starts = |p: &str| t.len() >= p.len() && t.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
        let marker = t.starts_with('>')
            || t == "--"
            || line.trim_end_matches(['\r', '\n']) == "-- "
            || (lower_starts("on ") && (t.ends_with("wrote:") || t.ends_with("a écrit :") || t.ends_with("schrieb:")))
            || (lower_starts("am ") && t.ends_with("schrieb:"))
            || (t.starts_with("-----") && (t.contains("Original Message") || t.contains("Forwarded message")))
            || lower_starts("sent from my ")
            || lower_starts("get outlook for ")
            || (prev_from && lower_starts("sent:"));
        if marker {
            cut = Some(if prev_from && lower_starts("sent:") {
                offset.saturating_sub(prev_len(text, offset))
            } else {
                offset
            });
            break;
        }
        prev_from = lower_starts("from:");
        offset += line.len();
    }
    match cut {
        Some(c) if !text[..c].trim().is_empty() => text[..c].trim_end(),
        _ => text,
    }
}

/// Length of the line that ends at `offset` (the "From:" line before Outlook's "Sent:").
fn prev_len(text: &str, offset: usize) -> usize {
    let before = &text[..offset];
    let trimmed = before.strip_suffix('\n').unwrap_or(before);
    match trimmed.rfind('\n') {
        Some(i) => offset - (i + 1),
        None => offset,
    }
}

#[cfg(test)]
mod tests {
    use super::current_text;

    #[test]
    fn quoted_history_and_signatures_are_dropped() {
        let gmail = "Still broken, nothing changed.\n\nOn Mon, 3 Mar 2025 at 10:00, Acme Support <help@acme.test> wrote:\n> We are sorry, it is fixed now.\n";
        assert_eq!(current_text(gmail), "Still broken, nothing changed.");
        let outlook =
            "No refund yet!\r\n\r\nFrom: Acme Support\r\nSent: Monday\r\nSubject: Re: refund\r\n\r\nWe apologise";
        assert_eq!(current_text(outlook), "No refund yet!");
        let sig = "Where is my parcel?\n-- \nJane Doe\nAcme fan since 2010";
        assert_eq!(current_text(sig), "Where is my parcel?");
        let phone = "ok thanks\n\nSent from my iPhone";
        assert_eq!(current_text(phone), "ok thanks");
        let inline = "> quoted only\n> more";
        assert_eq!(current_text(inline), inline);
        assert_eq!(current_text("plain text"), "plain text");
        assert_eq!(current_text(""), "");
    }
}
