//! `rollplan gates` against a real Prometheus server loaded with the data described in
//! `tests/common/prometheus.rs`: every verdict of `plans/entity.roll`'s metric gates at chosen
//! times, the window edges, the inconclusive cases, a server that stops, and the token.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::Path;

use crate::common::prometheus;

use prometheus::{Server, at, rfc3339, rollplan};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `gates --format json` for a phase at `HH:MM` of the evaluated day: (exit code, document).
fn gates_json(server: &Server, plan: &str, phase: &str, time: &str) -> (i32, serde_json::Value) {
    let when = rfc3339(at(time));
    let out = rollplan(
        &[
            "gates",
            plan,
            "--phase",
            phase,
            "--prometheus",
            &server.url,
            "--at",
            &when,
            "--format",
            "json",
        ],
        None,
    );
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), doc)
}

/// The verdict of each gate, by gate id (`manual` for a manual gate).
fn verdicts(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .map(|g| {
            (
                g["gate"].as_str().expect("id").to_owned(),
                g["verdict"].as_str().unwrap_or("manual").to_owned(),
            )
        })
        .collect()
}

fn reason<'a>(doc: &'a serde_json::Value, gate: &str) -> &'a str {
    doc["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .find(|g| g["gate"] == gate)
        .and_then(|g| g["reason"].as_str())
        .expect("reason")
}

#[test]
fn full_production_verdicts_follow_the_data_including_window_edges() {
    let server = Server::start();
    let plan = "plans/entity.roll";
    // (time, error_rate over 30m, latency_delta over 1h, exit code)
    let cases = [
        ("05:00", "pass", "pass", 0),
        // The breach starts after 06:00: the sample at 06:00 still reads healthy minutes...
        ("06:00", "pass", "pass", 0),
        // ...and the one at 06:01 reads one minute of it.
        ("06:01", "fail", "pass", 1),
        ("06:30", "fail", "pass", 1),
        // The breach's last minute ends at 07:00; `rate(…[5m])` sees it until 07:04, so a 30m
        // window holds it until 07:34 and is clean from 07:35.
        ("07:34", "fail", "pass", 1),
        ("07:35", "pass", "pass", 0),
        // The gap: five samples of `rate` run on into it, then nothing.
        ("09:30", "inconclusive", "inconclusive", 4),
        ("09:45", "inconclusive", "inconclusive", 4),
        // Slow responses: p99 doubles against the week before.
        ("11:30", "pass", "fail", 1),
        // Idle: no request, so the error rate is 0/0 = NaN; the latency window still holds
        // slow minutes, and a failure beats NaN.
        ("12:50", "inconclusive", "fail", 1),
    ];
    let mut wrong = Vec::new();
    for (time, error_rate, latency, code) in cases {
        let (got_code, doc) = gates_json(&server, plan, "full_production", time);
        let expected = vec![
            ("error_rate".to_owned(), error_rate.to_owned()),
            ("latency_delta".to_owned(), latency.to_owned()),
            ("consistency_preserved".to_owned(), "manual".to_owned()),
        ];
        if verdicts(&doc) != expected || got_code != code {
            wrong.push(format!("{time}: exit {got_code}, {doc:#}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn inconclusive_reasons_say_which_case_it_is() {
    let server = Server::start();
    let plan = "plans/entity.roll";
    let (_, doc) = gates_json(&server, plan, "full_production", "09:30");
    assert_eq!(
        reason(&doc, "error_rate"),
        "26 of 31 samples of the window are missing (a gap in the data)"
    );
    assert_eq!(doc["gates"][0]["samples"]["count"], 5);
    let (_, doc) = gates_json(&server, plan, "full_production", "09:45");
    assert_eq!(
        reason(&doc, "error_rate"),
        "no data: the query gave no series at this time"
    );
    let (_, doc) = gates_json(&server, plan, "full_production", "12:50");
    assert_eq!(
        reason(&doc, "error_rate"),
        "31 of 31 samples are NaN or infinite"
    );
    assert_eq!(doc["verdict"], "fail");
}

#[test]
fn instant_gates_read_the_value_at_the_time() {
    let server = Server::start();
    // read_only: prod_errors == 0 (errors in the last hour), data_mismatches == 0, a manual gate.
    let (code, doc) = gates_json(&server, "plans/entity.roll", "read_only", "05:00");
    assert_eq!(
        verdicts(&doc),
        [
            ("prod_errors".to_owned(), "pass".to_owned()),
            ("data_mismatches".to_owned(), "pass".to_owned()),
            ("acceptable_performance".to_owned(), "manual".to_owned())
        ]
    );
    assert_eq!(code, 0);
    assert_eq!(doc["gates"][0]["samples"]["expected"], 1);
    let (code, doc) = gates_json(&server, "plans/entity.roll", "read_only", "06:30");
    assert_eq!(
        verdicts(&doc)[..2],
        [
            ("prod_errors".to_owned(), "fail".to_owned()),
            ("data_mismatches".to_owned(), "fail".to_owned())
        ]
    );
    assert_eq!(code, 1);
    // In the gap the gauge has been stale for more than five minutes: no data.
    let (code, doc) = gates_json(&server, "plans/entity.roll", "read_only", "09:30");
    assert_eq!(
        reason(&doc, "data_mismatches"),
        "no data: the query gave no series at this time"
    );
    assert_eq!(code, 4);
}

#[test]
fn several_series_are_inconclusive_never_a_pass() {
    let server = Server::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("split.roll");
    std::fs::write(
        &plan,
        r#"plan split { title "Split" }
flag f.on: bool = false
metric requests: ratio query "rate(entity_requests_total[5m])"
phase one "One" {
  duration 1w
  set f.on = true
  gate requests > 0.0 "Traffic flows"
}
"#,
    )
    .expect("write plan");
    let (code, doc) = gates_json(&server, plan.to_str().expect("UTF-8 path"), "one", "05:00");
    assert_eq!(code, 4, "{doc:#}");
    assert_eq!(
        reason(&doc, "requests"),
        "the query gave 2 series; it must give one (aggregate it, e.g. with `sum`)"
    );
}

#[test]
fn human_output_lists_query_summary_threshold_and_verdict() {
    let server = Server::start();
    let when = rfc3339(at("06:30"));
    let out = rollplan(
        &[
            "gates",
            "plans/entity.roll",
            "--phase",
            "full_production",
            "--prometheus",
            &server.url,
            "--at",
            &when,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout).replace(&server.url, "URL");
    insta::assert_snapshot!("gates_human_breach", stdout);
}

#[test]
fn a_json_report_is_a_scenario_for_simulate() {
    let server = Server::start();
    let (_, doc) = gates_json(&server, "plans/entity.roll", "full_production", "06:30");
    // The verdict words of `gates` are scenario results: one attempt of the phase.
    let mut scenario = String::from("full_production:\n  - ");
    let attempt_of = |doc: &serde_json::Value| -> Vec<String> {
        doc["gates"]
            .as_array()
            .expect("gates")
            .iter()
            .filter_map(|g| {
                Some(format!(
                    "{}: {}",
                    g["gate"].as_str()?,
                    g["verdict"].as_str()?
                ))
            })
            .collect()
    };
    let attempt = attempt_of(&doc);
    scenario = scenario + "{" + &attempt.join(", ") + "}\n";
    assert_eq!(
        scenario,
        "full_production:\n  - {error_rate: fail, latency_delta: pass}\n"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("from-gates.yaml");
    std::fs::write(&file, &scenario).expect("write scenario");
    let out = rollplan(
        &[
            "simulate",
            "plans/entity.roll",
            "--scenario",
            file.to_str().expect("UTF-8"),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("\"extended\""),
        "the failed evaluation extends the phase: {}",
        text(&out.stdout)
    );
}

#[test]
fn a_stopped_server_gives_exit_2_and_a_clear_error_never_a_verdict() {
    let mut server = Server::start();
    let url = server.url.clone();
    let (code, _) = gates_json(&server, "plans/entity.roll", "full_production", "05:00");
    assert_eq!(code, 0);
    server.stop();
    let when = rfc3339(at("05:00"));
    for format in ["human", "json"] {
        let out = rollplan(
            &[
                "gates",
                "plans/entity.roll",
                "--phase",
                "full_production",
                "--prometheus",
                &url,
                "--at",
                &when,
                "--format",
                format,
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(2), "{format}");
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(all.contains("rollplan::prometheus_unreachable"), "{all}");
        assert!(all.contains("connection refused"), "{all}");
        assert!(!all.contains("\"verdict\""), "{all}");
    }
}

#[test]
fn a_server_that_dies_during_a_run_never_yields_a_pass() {
    // Run `gates` over and over while the server is stopped under it: every run either
    // finishes with the data's verdicts or fails with exit 2.
    let mut server = Server::start();
    let url = server.url.clone();
    let when = rfc3339(at("06:30"));
    let runner = std::thread::spawn(move || {
        let mut codes = Vec::new();
        for _ in 0..40 {
            let out = rollplan(
                &[
                    "gates",
                    "plans/entity.roll",
                    "--phase",
                    "full_production",
                    "--prometheus",
                    &url,
                    "--at",
                    &when,
                    "--format",
                    "json",
                ],
                None,
            );
            let code = out.status.code().expect("exit code");
            if code != 2 {
                let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
                assert_eq!(doc["verdict"], "fail", "{doc:#}");
            }
            codes.push(code);
            if code == 2 {
                break;
            }
        }
        codes
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    server.stop();
    let codes = runner.join().expect("runner");
    assert!(codes.iter().all(|&c| c == 1 || c == 2), "{codes:?}");
    assert_eq!(codes.last(), Some(&2), "{codes:?}");
}

/// A one-shot HTTP server that records the request and answers with `status` and `body`.
fn fake_server(status: &str, body: &'static str) -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let status = status.to_owned();
    let handle = std::thread::spawn(move || {
        let mut request = String::new();
        for stream in listener.incoming().take(1) {
            let mut stream = stream.expect("connection");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                request.push_str(&line);
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        request
    });
    (url, handle)
}

#[test]
fn the_token_is_sent_as_a_bearer_token_and_never_printed() {
    let token = "s3cret-token-value";
    let plan = Path::new(ROOT).join("plans/entity.roll");
    let when = rfc3339(at("05:00"));
    // A server that accepts it: the request carries it.
    let (url, request) = fake_server(
        "200 OK",
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1768194000,"0"]}]}}"#,
    );
    let out = rollplan(
        &[
            "gates",
            plan.to_str().expect("UTF-8"),
            "--phase",
            "development",
            "--prometheus",
            &url,
            "--at",
            &when,
            "--format",
            "json",
        ],
        Some(token),
    );
    let request = request.join().expect("server");
    assert!(
        request.contains(&format!("authorization: Bearer {token}"))
            || request.contains(&format!("Authorization: Bearer {token}")),
        "{request}"
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(!all.contains(token), "{all}");
    // A server that refuses it and echoes it back: the error is exit 2 and blanks it.
    let (url, request) = fake_server(
        "401 Unauthorized",
        r#"{"status":"error","error":"bad token s3cret-token-value"}"#,
    );
    let out = rollplan(
        &[
            "gates",
            plan.to_str().expect("UTF-8"),
            "--phase",
            "development",
            "--prometheus",
            &url,
            "--at",
            &when,
        ],
        Some(token),
    );
    let _ = request.join();
    assert_eq!(out.status.code(), Some(2));
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(all.contains("rollplan::prometheus_http_error"), "{all}");
    assert!(all.contains("HTTP 401"), "{all}");
    assert!(all.contains("bad token ***"), "{all}");
    assert!(!all.contains(token), "{all}");
    // And a real Prometheus, which ignores it: still never printed.
    let server = Server::start();
    let out = rollplan(
        &[
            "gates",
            plan.to_str().expect("UTF-8"),
            "--phase",
            "full_production",
            "--prometheus",
            &server.url,
            "--at",
            &rfc3339(at("06:30")),
        ],
        Some(token),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!(text(&out.stdout) + &text(&out.stderr)).contains(token));
}

/// `gates` of the `development` phase (one metric gate) against `url`: (exit code, all output).
fn gates_against(url: &str, extra: &[&str]) -> (Option<i32>, String) {
    let when = rfc3339(at("05:00"));
    let mut args = vec![
        "gates",
        "plans/entity.roll",
        "--phase",
        "development",
        "--prometheus",
        url,
        "--at",
        &when,
    ];
    args.extend(extra);
    let out = rollplan(&args, None);
    (out.status.code(), text(&out.stdout) + &text(&out.stderr))
}

#[test]
fn a_server_that_does_not_answer_in_time_is_exit_2() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        std::thread::sleep(std::time::Duration::from_secs(2));
        drop(stream);
    });
    let (code, all) = gates_against(&url, &["--timeout", "0.5"]);
    server.join().expect("server");
    assert_eq!(code, Some(2), "{all}");
    assert!(all.contains("rollplan::prometheus_timeout"), "{all}");
    assert!(all.contains("timed out"), "{all}");
    let (code, all) = gates_against(&url, &["--timeout", "0"]);
    assert_eq!(code, Some(2), "{all}");
    assert!(all.contains("rollplan::invalid_argument"), "{all}");
}

#[test]
fn an_answer_that_is_not_prometheus_json_is_exit_2() {
    for body in [
        "<html>not an API</html>",
        r#"{"status":"success","data":{"resultType":"string","result":[1,"x"]}}"#,
    ] {
        let (url, request) = fake_server("200 OK", body);
        let (code, all) = gates_against(&url, &[]);
        let _ = request.join();
        assert_eq!(code, Some(2), "{all}");
        assert!(all.contains("rollplan::prometheus_bad_answer"), "{all}");
        assert!(!all.contains("verdict"), "{all}");
    }
}

#[test]
fn a_query_prometheus_refuses_is_exit_2_with_its_message() {
    let server = Server::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("bad.roll");
    std::fs::write(
        &plan,
        r#"plan bad { title "Bad" }
flag f.on: bool = false
metric errors: count query "sum(rate(entity_requests_total[5m]"
phase one "One" {
  duration 1w
  set f.on = true
  gate errors == 0 "No errors"
}
"#,
    )
    .expect("write plan");
    let when = rfc3339(at("05:00"));
    let out = rollplan(
        &[
            "gates",
            plan.to_str().expect("UTF-8"),
            "--phase",
            "one",
            "--prometheus",
            &server.url,
            "--at",
            &when,
        ],
        None,
    );
    let all = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("rollplan::prometheus_http_error"), "{all}");
    assert!(all.contains("HTTP 400"), "{all}");
    assert!(all.contains("parse error"), "{all}");
}
