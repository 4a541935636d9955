//! `rapport score` and `rapport train-reasons`, through the real binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const CUSTOMER_KEYS: [&str; 8] =
    ["confidence", "emotion", "evidence", "intents", "reason", "reason_confidence", "score", "sentiment"];

fn rapport(args: &[&str], stdin: &[u8], dir: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAPPORT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rapport");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    // Write from another thread: the child writes output while we still feed it.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().expect("wait for rapport");
    writer.join().expect("stdin writer");
    output
}

fn json_lines(output: &Output) -> Vec<Value> {
    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

fn assert_ok(output: &Output) {
    assert!(output.status.success(), "status {:?}, stderr: {}", output.status, stderr(output));
}

#[test]
fn score_writes_one_json_line_per_input_line_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = "Thank you so much, you were a great help!\n\
                 My order still hasn't arrived and nobody answers my emails. This is unacceptable!\r\n\
                 \n\
                 What time do you open on Saturday?";
    let out = rapport(&["score"], input.as_bytes(), dir.path());
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4, "{lines:?}");
    for line in &lines {
        assert_eq!(keys(line), CUSTOMER_KEYS, "{line}");
        assert!(line["score"].is_f64() && line["confidence"].is_f64() && line["reason_confidence"].is_f64());
        assert!(line["intents"].is_array() && line["evidence"].is_array());
    }
    assert_eq!(lines[0]["sentiment"], "positive", "{}", lines[0]);
    assert_eq!(lines[1]["sentiment"], "negative", "{}", lines[1]);
    assert!(!lines[1]["evidence"].as_array().expect("evidence").is_empty());
    assert!(lines[1]["evidence"].as_array().expect("evidence").iter().any(|e| e["text"] == "unacceptable"));
    assert!(lines[1]["reason"].is_string(), "a negative complaint has a reason: {}", lines[1]);
    // The empty line is analysed like any other text.
    assert_eq!(lines[2]["sentiment"], "neutral", "{}", lines[2]);
}

#[test]
fn invalid_utf8_and_overlong_lines_get_an_error_object_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut input = b"This is terrible service.\n".to_vec();
    input.extend_from_slice(b"caf\xe9 au lait \xff\n");
    input.extend(std::iter::repeat_n(b'a', 2 * 1024 * 1024));
    input.push(b'\n');
    input.extend_from_slice(b"Thanks, all sorted now!\n");
    let out = rapport(&["score"], &input, dir.path());
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0]["sentiment"], "negative");
    assert_eq!(lines[1], serde_json::json!({"line": 2, "error": "invalid UTF-8"}));
    assert_eq!(lines[2], serde_json::json!({"line": 3, "error": "line longer than 1048576 bytes"}));
    assert_eq!(lines[3]["sentiment"], "positive");
}

#[test]
fn score_reads_a_csv_column_with_multi_line_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = "id,body,channel\n\
               1,\"The app crashed again.\nI lost all my work, this is awful!\",email\n\
               2,\"Thanks, that fixed it, great job!\",chat\n\
               3,too,many,fields\n\
               4,\"Where is my parcel?\",sms\n";
    std::fs::write(dir.path().join("in.csv"), csv).expect("write csv");
    let out = rapport(&["score", "--csv", "in.csv", "--text-column", "body"], b"", dir.path());
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0]["sentiment"], "negative", "{}", lines[0]);
    assert_eq!(keys(&lines[0]), CUSTOMER_KEYS);
    assert_eq!(lines[1]["sentiment"], "positive", "{}", lines[1]);
    // Record 3 starts on line 5 of the file (the first record spans lines 2 and 3).
    assert_eq!(lines[2]["line"], 5, "{}", lines[2]);
    assert!(lines[2]["error"].as_str().expect("error").contains("malformed CSV record"), "{}", lines[2]);
    assert_eq!(keys(&lines[3]), CUSTOMER_KEYS);
}

#[test]
fn a_missing_csv_column_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("in.csv"), "id,text,channel\n1,hello,email\n").expect("write csv");
    let out = rapport(&["score", "--csv", "in.csv", "--text-column", "message"], b"", dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains(r#"error: column "message" not found; columns are: id, text, channel"#),
        "{}",
        stderr(&out)
    );

    let out = rapport(&["score", "--csv", "in.csv"], b"", dir.path());
    assert_eq!(out.status.code(), Some(2), "--csv needs --text-column");
    assert!(stderr(&out).contains("--text-column"), "{}", stderr(&out));
}

#[test]
fn agent_role_reports_the_reply_checks_and_tone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = "I'm sorry about the delay. I have sent a replacement today and you will get a tracking link by email.\n\
                 That's not our problem, read the FAQ.\n";
    let out = rapport(&["score", "--role", "agent"], input.as_bytes(), dir.path());
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for line in &lines {
        let checks = line["checks"].as_array().expect("checks");
        assert!(checks.iter().any(|c| c["name"] == "gives_next_step"), "{line}");
        assert!(line["readability"].is_object() && line["tone"].is_f64() && line["score"].is_f64(), "{line}");
        assert!(line["sentiment"].is_string() && line["sentiment_score"].is_f64(), "{line}");
    }
    let check = |line: &Value, name: &str| {
        line["checks"].as_array().and_then(|c| c.iter().find(|c| c["name"] == name)).map(|c| c["passed"].clone())
    };
    assert_eq!(check(&lines[0], "gives_next_step"), Some(Value::Bool(true)), "{}", lines[0]);
    assert_eq!(check(&lines[1], "no_blame_or_dismissal"), Some(Value::Bool(false)), "{}", lines[1]);
}

#[test]
fn agent_replies_from_a_csv_are_checked_against_the_customer_message_they_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = "reply,customer,name\n\
               \"Hi Anna, I'm sorry the parcel hasn't arrived. I have sent a replacement today.\",\"My parcel never arrived and nobody answers!\",Anna Berg\n\
               \"Hi Anna, I'm sorry the parcel hasn't arrived. I have sent a replacement today.\",,\n";
    std::fs::write(dir.path().join("replies.csv"), csv).expect("write csv");
    let args = ["score", "--role", "agent", "--csv", "replies.csv", "--text-column", "reply"];
    let with_context = [&args[..], &["--customer-column", "customer", "--name-column", "name"]].concat();
    let out = rapport(&with_context, b"", dir.path());
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let check = |line: &Value, name: &str| -> (bool, bool) {
        let c = line["checks"].as_array().and_then(|c| c.iter().find(|c| c["name"] == name).cloned());
        let c = c.unwrap_or_else(|| panic!("no {name} in {line}"));
        (c["passed"] == Value::Bool(true), c["applicable"] == Value::Bool(true))
    };
    // An upset customer is owed the apology, and the name is known and used.
    assert_eq!(check(&lines[0], "apologises"), (true, true), "{}", lines[0]);
    assert_eq!(check(&lines[0], "uses_customer_name"), (true, true), "{}", lines[0]);
    // Empty context fields are no context: the same reply, nothing to compare it with.
    assert_eq!(check(&lines[1], "apologises"), (true, false), "{}", lines[1]);
    assert!(!check(&lines[1], "uses_customer_name").1, "{}", lines[1]);

    // A context field that cannot be read is an error object for that record; the next record is scored.
    let mut bad = b"reply,customer,name\nThanks for waiting.,\"caf\xe9 broken\",Anna\n".to_vec();
    bad.extend_from_slice(b"Sorry for the delay.,My order is late,Anna\n");
    std::fs::write(dir.path().join("bad.csv"), bad).expect("write csv");
    let bad_args =
        ["score", "--role", "agent", "--csv", "bad.csv", "--text-column", "reply", "--customer-column", "customer"];
    let out = rapport(&bad_args, b"", dir.path());
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["line"], 2, "{}", lines[0]);
    assert_eq!(lines[0]["error"], "invalid UTF-8 in \"customer\"", "{}", lines[0]);
    assert!(lines[1]["checks"].is_array(), "{}", lines[1]);

    let customer_role = ["score", "--csv", "replies.csv", "--text-column", "reply", "--customer-column", "customer"];
    let out = rapport(&customer_role, b"", dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--role agent"), "{}", stderr(&out));
}

const EXAMPLES: &str = "\
text,reason
\"My parcel has not arrived after two weeks, where is it?\",shipping
The courier lost my package and tracking has not updated in days,shipping
Delivery is late again and the shipment is stuck in transit,shipping
\"Still waiting for my order to ship, the delivery date keeps moving\",shipping
The tracking number does not work and the parcel never came,shipping
\"The shoes are too small, I need a bigger size\",sizing
The jacket runs large and the sleeves are far too long,sizing
\"Your size chart is wrong, the medium fits like a small\",sizing
These trousers are too tight even though I ordered my usual size,sizing
The dress does not fit at all and the sizing is way off,sizing
\"I was charged twice for the same order, refund the extra payment\",payment
My card was declined at checkout but the money left my account,payment
The invoice shows the wrong amount and I was overcharged,payment
\"Payment failed three times, your checkout will not take my credit card\",payment
There is a charge on my bank statement I never authorised,payment
";

/// `rapport train-reasons` on [`EXAMPLES`] in a new directory, which then holds `reasons.tsv`.
fn train_examples() -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("examples.csv"), EXAMPLES).expect("write examples");
    let out = rapport(&["train-reasons", "--examples", "examples.csv", "--out", "reasons.tsv"], b"", dir.path());
    assert_ok(&out);
    (dir, out)
}

#[test]
fn train_reasons_builds_a_model_that_score_uses() {
    let (dir, out) = train_examples();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("3 reasons from 15 examples"), "{summary}");
    assert!(summary.contains("sizing") && summary.contains("training-set accuracy"), "{summary}");
    let model = std::fs::read_to_string(dir.path().join("reasons.tsv")).expect("model written");
    assert!(model.contains("trained by rapport train-reasons"), "{model}");

    let complaint =
        "I ordered a large but it is way too small and doesn't fit, the size is all wrong. Really annoyed.\n";
    let out = rapport(&["score", "--reasons", "reasons.tsv"], complaint.as_bytes(), dir.path());
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["reason"], "sizing", "{}", lines[0]);
    assert_eq!(keys(&lines[0]), CUSTOMER_KEYS);

    // A file that is not a model is a usage error.
    let out = rapport(&["score", "--reasons", "examples.csv"], b"hello\n", dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not a reason model"), "{}", stderr(&out));
}

/// A business's own reasons get the built-in reason cues whose examples they hold: "payment" takes the
/// billing cues, so a refund complaint in words none of the payment examples used still reads as payment.
#[test]
fn train_reasons_ties_the_built_in_cues_to_the_business_reasons() {
    let (dir, out) = train_examples();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("built-in billing_refund cues add to payment"), "{summary}");
    let model = std::fs::read_to_string(dir.path().join("reasons.tsv")).expect("model written");
    let line = model.lines().find(|l| l.starts_with("# reason cues:")).unwrap_or_else(|| panic!("{model}"));
    let pairs: Vec<&str> = line.split('\t').skip(1).collect();
    assert!(pairs.contains(&"billing_refund=payment"), "{line}");
    assert!(pairs.contains(&"delivery_delay=shipping"), "{line}");

    let complaint = "Still no sign of my reimbursement, I want a refund now\n";
    let out = rapport(&["score", "--reasons", "reasons.tsv"], complaint.as_bytes(), dir.path());
    assert_ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["reason"], "payment", "{}", lines[0]);
    let evidence = lines[0]["evidence"].as_array().expect("evidence");
    assert!(
        evidence.iter().any(|e| e["signal"] == "reason" && e["note"].as_str().is_some_and(|n| n.contains("cue"))),
        "{}",
        lines[0]
    );
}

#[test]
fn train_reasons_refuses_too_few_examples() {
    let dir = tempfile::tempdir().expect("tempdir");
    let few = "text,reason\n\
               My parcel never arrived,shipping\n\
               Tracking has not moved in a week,shipping\n\
               The courier lost my box,shipping\n\
               The shoes are too small,sizing\n\
               The jacket runs large,sizing\n";
    std::fs::write(dir.path().join("few.csv"), few).expect("write examples");
    let out = rapport(&["train-reasons", "--examples", "few.csv", "--out", "reasons.tsv"], b"", dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("\"sizing\" has 2") && err.contains("at least 3"), "{err}");
    assert!(!dir.path().join("reasons.tsv").exists(), "no model is written");

    let out = rapport(
        &["train-reasons", "--examples", "few.csv", "--out", "reasons.tsv", "--label-column", "category"],
        b"",
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(r#"column "category" not found; columns are: text, reason"#), "{}", stderr(&out));
}

/// The first line `rapport serve` prints in `dir` with database `db` (the server is stopped after it).
fn serve_first_line(dir: &Path, db: &str) -> String {
    use std::io::{BufRead, BufReader};

    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--db", db])
        .current_dir(dir)
        .env_remove("RAPPORT_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let stdout = child.stdout.take().expect("stdout");
    let first = BufReader::new(stdout).lines().next().and_then(Result::ok).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    first
}

/// The server reads `reasons_model` from rapport.toml: a custom model is announced at start, and a file
/// that is not a model stops the start with a clear error instead of falling back silently.
#[test]
fn serve_uses_a_custom_reason_model_from_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("examples.csv"), EXAMPLES).expect("write examples");
    assert_ok(&rapport(&["train-reasons", "--examples", "examples.csv", "--out", "reasons.tsv"], b"", dir.path()));

    std::fs::write(dir.path().join("rapport.toml"), "reasons_model = \"examples.csv\"\nbind = \"127.0.0.1:0\"\n")
        .expect("config");
    let out = rapport(&["serve", "--db", "sqlite://bad.db"], b"", dir.path());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is not a reason model"), "{}", stderr(&out));

    std::fs::write(dir.path().join("rapport.toml"), "reasons_model = \"reasons.tsv\"\nbind = \"127.0.0.1:0\"\n")
        .expect("config");
    assert_eq!(
        serve_first_line(dir.path(), "sqlite://good.db"),
        "complaint reasons from reasons.tsv: payment, shipping, sizing"
    );
}

/// `--no-word-order` reads sentiment with the n-gram model alone: the reader's windows leave the
/// evidence and the score moves; without the flag they are there.
#[test]
fn no_word_order_scores_without_the_reader() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = b"My flight was delayed, great job as always";
    let notes = |v: &Value| -> Vec<String> {
        v["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .map(|e| e["note"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let with = rapport(&["score"], input, dir.path());
    assert_ok(&with);
    let without = rapport(&["score", "--no-word-order"], input, dir.path());
    assert_ok(&without);
    let (with, without) = (&json_lines(&with)[0], &json_lines(&without)[0]);
    assert!(notes(with).iter().any(|n| n.contains("word order")), "{with}");
    assert!(!notes(without).iter().any(|n| n.contains("word order")), "{without}");
    let (a, b) = (with["score"].as_f64().expect("score"), without["score"].as_f64().expect("score"));
    assert!((a - b).abs() > 0.01, "the reader moves this message's score: {a} vs {b}");
    assert_eq!(keys(without), CUSTOMER_KEYS, "same fields either way");
}

/// `word_order = false` in rapport.toml: the server says at start that it reads sentiment with the n-gram
/// model alone.
#[test]
fn serve_reads_word_order_from_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("rapport.toml"), "word_order = false\nbind = \"127.0.0.1:0\"\n").expect("config");
    assert_eq!(
        serve_first_line(dir.path(), "sqlite://plain.db"),
        "sentiment from the n-gram model alone (word_order = false)"
    );
}
