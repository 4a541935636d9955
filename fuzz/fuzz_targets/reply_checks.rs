//! Any text as an agent reply (with and without a customer name and a canned-reply index) must be
//! checked without panicking, and every evidence span must lie on char boundaries of the reply.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_analysis::reply::{CannedIndex, ReplyContext, check_reply, check_reply_with_canned};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (name, reply) = text.split_once('|').unwrap_or(("", &text));
    let ctx = ReplyContext { customer_name: Some(name), customer_negative: true, customer_text: Some(name) };
    let report = check_reply(reply, &ctx);
    for check in &report.checks {
        for span in &check.evidence {
            assert!(reply.is_char_boundary(span.start) && reply.is_char_boundary(span.end));
        }
    }
    let mut canned = CannedIndex::new();
    canned.add(1, name);
    let _ = check_reply_with_canned(reply, &ReplyContext::default(), &canned);
});
