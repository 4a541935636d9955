//! `rapport assess` through the real binary.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn rapport(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .current_dir(dir)
        .env_remove("RAPPORT_CONFIG")
        .output()
        .expect("run rapport")
}

fn report(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("out/report.json")).expect("report.json")).expect("json")
}

/// A hand-made twcs file: brand acme answers customer c1 after 60 s and c2 after 600 s; c3 is never
/// answered; one row has no valid date. By hand: first responses [60, 600] → p50 330, p90 546.
#[test]
fn a_small_twcs_file_gives_the_figures_worked_out_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("t.csv"),
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,c1,True,Tue Oct 31 10:00:00 +0000 2017,@acme my parcel is late,2,
2,acme,False,Tue Oct 31 10:01:00 +0000 2017,@c1 sorry! checking now,,1
3,c2,True,Tue Oct 31 11:00:00 +0000 2017,@acme refund please,4,
4,acme,False,Tue Oct 31 11:10:00 +0000 2017,@c2 done,,3
5,c3,True,Tue Oct 31 12:00:00 +0000 2017,@acme hello?,,
6,c4,True,yesterday,@acme broken row,,
",
    )
    .expect("write");
    let out = rapport(&["assess", "t.csv", "--out", "out"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("5 messages in 3 conversations (1 rows skipped)"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("t.csv:7"), "the skipped row is named with its line");
    let r = report(dir.path());
    assert_eq!(r["first_response"]["overall"]["count"], 2);
    assert_eq!(r["first_response"]["overall"]["p50_seconds"], 330.0);
    assert_eq!(r["first_response"]["overall"]["p90_seconds"], 546.0);
    assert_eq!(r["first_response"]["by_account"]["acme"]["count"], 2);
    assert_eq!(r["unanswered"]["count"], 1);
    let csv = std::fs::read_to_string(dir.path().join("out/conversations.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 4, "{csv}");

    // In business hours (Tuesday 10:00–10:30 UTC only; the 11:00 question is answered after closing,
    // at 11:10, so it waited nothing in business time).
    let out = rapport(&["assess", "t.csv", "--out", "bh", "--business-hours", "Tue 10:00-10:30 UTC"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("bh/report.json")).expect("json")).expect("json");
    assert_eq!(r["first_response"]["business"]["overall"]["count"], 2);
    assert_eq!(r["first_response"]["business"]["overall"]["p50_seconds"], 30.0, "{}", r["first_response"]);
    let out = rapport(&["assess", "t.csv", "--out", "bh", "--business-hours", "weekdays"], dir.path());
    assert_eq!(out.status.code(), Some(2));

    // --strict stops at the bad row; an unknown format is named.
    let out = rapport(&["assess", "t.csv", "--out", "out2", "--strict"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(dir.path().join("x.csv"), "a,b\n1,2\n").expect("write");
    let out = rapport(&["assess", "x.csv", "--out", "out3"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("needs a column mapping"),
        "a CSV of unknown shape asks for --map"
    );
}

/// On the first 5,000 rows of the real data set, the first-response figures equal the pandas
/// reference in bench/assess (an independent implementation of the same definitions), brand by brand.
/// Reads ../shared/data, which exists in development and CI but not in a user's clone: skipped there.
#[test]
fn twcs_first_responses_equal_the_pandas_reference_brand_by_brand() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let data = root.join("../shared/data/twcs/twcs_first5000.csv");
    if !data.exists() {
        eprintln!("skipped: {} is absent (shared development data)", data.display());
        return;
    }
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("bench/assess/twcs_first5000.reference.json")).expect("reference"),
    )
    .expect("json");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = rapport(&["assess", data.to_str().unwrap_or_default(), "--out", "out", "--quiet"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = report(dir.path());
    let close = |a: &Value, b: &Value| match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-6 * y.abs().max(1.0),
        _ => a == b,
    };
    let same = |ours: &Value, theirs: &Value, what: &str| {
        assert_eq!(ours["count"], theirs["count"], "{what}");
        assert!(close(&ours["p50_seconds"], &theirs["p50_seconds"]), "{what}: {ours} vs {theirs}");
        assert!(close(&ours["p90_seconds"], &theirs["p90_seconds"]), "{what}: {ours} vs {theirs}");
    };
    same(&r["first_response"]["overall"], &expected["overall"], "overall");
    let ours = r["first_response"]["by_account"].as_object().expect("by_account");
    let theirs = expected["by_account"].as_object().expect("by_account");
    assert_eq!(ours.len(), theirs.len(), "the same brands");
    for (brand, stats) in theirs {
        same(&ours[brand], stats, brand);
    }
    assert_eq!(r["unanswered"]["count"], expected["unanswered"]);
}

/// Every reader is reachable from the command line: sniffed vendor formats, and generic files through
/// `--map`, with a clear error when the mapping is missing.
#[test]
fn vendor_exports_are_sniffed_and_generic_files_need_a_mapping() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rapport-channels/tests/fixtures");
    let dir = tempfile::tempdir().expect("tempdir");
    for (file, conversations) in [("zendesk.jsonl", 2), ("freshdesk.jsonl", 2)] {
        let path = fixtures.join(file);
        let out = rapport(&["assess", path.to_str().unwrap_or_default(), "--out", "out", "--quiet"], dir.path());
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        let r = report(dir.path());
        assert_eq!(r["conversations"], conversations, "{file}");
        if file == "zendesk.jsonl" {
            // Satisfaction "good" on the 4th, "bad" on the 5th: the rating trend goes from 1 to 0.
            let days: Vec<(String, Value)> = r["over_time"]
                .as_array()
                .map(|a| {
                    a.iter().map(|d| (d["date"].as_str().unwrap_or("").to_owned(), d["mean_rating"].clone())).collect()
                })
                .unwrap_or_default();
            assert_eq!(
                days,
                [("2024-03-04".to_owned(), Value::from(1.0)), ("2024-03-05".to_owned(), Value::from(0.0))]
            );
        }
    }
    let csv = fixtures.join("generic.csv");
    let csv = csv.to_str().unwrap_or_default();
    let out = rapport(&["assess", csv, "--out", "out"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a column mapping"));
    let map = ["conversation=ticket_id", "timestamp=sent_at", "role=who", "text=body", "author=name", "account=brand"];
    let mut args = vec!["assess", csv, "--out", "out", "--quiet"];
    for m in &map {
        args.extend(["--map", m]);
    }
    let out = rapport(&args, dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(report(dir.path())["first_response"]["by_account"]["acme"]["count"].as_u64().unwrap_or(0) >= 1);
    let out = rapport(&["assess", csv, "--out", "out", "--map", "conversation"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

/// A bad row in the middle of a streamed file is skipped and named with its line, and everything
/// else is assessed; `--strict` stops there instead, with the file and line, and leaves no report
/// (nor the output directory, when the run made it).
#[test]
fn a_bad_row_in_the_middle_is_named_and_skipped_and_strict_stops_at_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Zendesk (read once, a ticket per line): 40 tickets, a line that is not JSON after the 20th.
    let mut tickets = String::new();
    for i in 1..=40 {
        let ticket = serde_json::json!({
            "id": i, "requester_id": 1,
            "comments": [
                {"id": 10 * i, "author_id": 1, "plain_body": "where is my parcel", "created_at": "2024-03-04T10:00:00Z"},
                {"id": 10 * i + 1, "author_id": 2, "plain_body": "on its way", "created_at": "2024-03-04T10:01:00Z"},
            ],
        });
        tickets.push_str(&format!("{ticket}\n"));
        if i == 20 {
            tickets.push_str("{\"id\": 99, \"requester_id\"\n");
        }
    }
    // Generic CSV (read twice): two conversations interleaved, a bad timestamp on line 5.
    let csv = "conv,ts,role,text\nA,1700000000,customer,hello\nB,1700000010,customer,hi\nA,1700000060,agent,yes?\n\
               B,later,agent,broken\nB,1700000100,agent,how can I help\n";
    std::fs::write(dir.path().join("tickets.jsonl"), tickets).expect("write");
    std::fs::write(dir.path().join("rows.csv"), csv).expect("write");
    let map = ["--map", "conversation=conv", "--map", "timestamp=ts", "--map", "role=role", "--map", "text=text"];
    let cases: [(&str, Vec<&str>, &str, &str); 2] = [
        ("tickets.jsonl", vec![], "80 messages in 40 conversations (1 rows skipped)", "tickets.jsonl:21:"),
        ("rows.csv", map.to_vec(), "4 messages in 2 conversations (1 rows skipped)", "rows.csv:5:"),
    ];
    for (file, extra, summary, place) in cases {
        let mut args = vec!["assess", file, "--out", "out"];
        args.extend(&extra);
        let out = rapport(&args, dir.path());
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(summary),
            "{file}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(place),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r = report(dir.path());
        assert_eq!(r["unanswered"]["count"], 0, "{file}");
        let answered = if file == "rows.csv" { 2 } else { 40 };
        assert_eq!(r["first_response"]["overall"]["count"], answered, "{file}");

        let mut args = vec!["assess", file, "--out", "strict", "--strict"];
        args.extend(&extra);
        let out = rapport(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(place) && stderr.contains("--strict"), "{file}: {stderr}");
        for written in ["report.json", "report.html", "conversations.csv"] {
            assert!(!dir.path().join("strict").join(written).exists(), "{file}: {written} left behind");
        }
        assert!(!dir.path().join("strict").exists(), "{file}: the directory this run made is left behind");

        // A directory that was there before stays, with what it held.
        std::fs::create_dir_all(dir.path().join("mine")).expect("mkdir");
        std::fs::write(dir.path().join("mine/notes.txt"), "keep").expect("write");
        let mut args = vec!["assess", file, "--out", "mine", "--strict"];
        args.extend(&extra);
        assert_eq!(rapport(&args, dir.path()).status.code(), Some(2), "{file}");
        assert!(dir.path().join("mine/notes.txt").exists(), "{file}: a file of the user's was removed");
    }
}
