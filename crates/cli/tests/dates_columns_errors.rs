//! Issue 27: dates in every form, sent in each operation's unit; short default tables with
//! `--wide` and `--columns`, times shown as UTC dates; API errors on one actionable line.

mod common;

use common::Env;

fn journaled() -> Env {
    Env::start_with(vmware_cpn_mock::Config::default().record_journal(true))
}

/// The query of the last call `env`'s mock received for `operation`.
fn last_uri(env: &Env, operation: &str) -> String {
    env.mock
        .journal()
        .into_iter()
        .rev()
        .find(|e| e.operation_id == operation)
        .map(|e| e.uri)
        .unwrap_or_else(|| panic!("no {operation} call"))
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// 2026-03-01T00:00:00Z in epoch seconds.
const MARCH_2026: &str = "1772323200";

#[test]
fn every_date_form_is_sent_in_seconds_to_the_json_usage_report() {
    let env = journaled();
    for given in [
        "2026-03",
        "2026-03-01",
        "2026-03-01T00:00:00Z",
        "2026-03-01T01:00:00+01:00",
        "1772323200",
        "1772323200000",
    ] {
        env.ok(&["billing", "get-usage-report", "--start-time", given]);
        let uri = last_uri(&env, "get_usage_report");
        assert!(
            uri.contains(&format!("startTime={MARCH_2026}&"))
                || uri.ends_with(&format!("startTime={MARCH_2026}")),
            "{given}: {uri}"
        );
    }
}

#[test]
fn the_csv_usage_report_gets_milliseconds() {
    let env = journaled();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("usage.csv");
    env.ok(&[
        "billing",
        "download-usage-report",
        "--start-time",
        "2026-03",
        "--end-time",
        "2026-04-01",
        "--output-file",
        file.to_str().unwrap(),
    ]);
    let uri = last_uri(&env, "download_usage_report");
    assert!(uri.contains(&format!("startTime={MARCH_2026}000")), "{uri}");
    assert!(uri.contains("endTime=1775001600000"), "{uri}");
}

#[test]
fn the_order_feed_gets_an_http_date() {
    let env = journaled();
    let _ = env
        .cpn()
        .args([
            "vcpp",
            "get-order-feed",
            "--if-modified-since",
            "2016-11-11T20:34:35Z",
        ])
        .output()
        .unwrap();
    let uri = last_uri(&env, "get_order_feed");
    assert!(
        uri.contains("if-Modified-Since=Fri%2C+11+Nov+2016+20%3A34%3A35+GMT")
            || uri.contains("if-Modified-Since=Fri,%2011%20Nov%202016%2020:34:35%20GMT"),
        "{uri}"
    );
}

#[test]
fn a_bad_date_is_a_usage_error_naming_the_forms() {
    let env = Env::start();
    let out = env
        .cpn()
        .args([
            "billing",
            "get-usage-report",
            "--start-time",
            "last tuesday",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("YYYY-MM-DD"), "{}", stderr(&out));
}

fn header(table: &str) -> Vec<String> {
    table
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_list_table_shows_the_default_columns_and_times_as_dates() {
    let env = Env::start();
    let out = env.ok(&["tenants", "list", "-o", "table"]);
    let table = stdout(&out);
    let columns = header(&table);
    assert!(columns.len() <= 8, "{table}");
    assert_eq!(columns.first().map(String::as_str), Some("id"), "{table}");
    assert!(columns.iter().any(|c| c == "displayName"), "{table}");
    assert!(!columns.iter().any(|c| c == "companyName"), "{table}");
    assert!(columns.iter().any(|c| c == "createTimestamp"), "{table}");
    let row = table.lines().nth(1).unwrap_or_default();
    let has_time = row
        .split_whitespace()
        .any(|cell| cell.len() == 9 && cell.ends_with('Z') && cell.as_bytes()[2] == b':');
    assert!(has_time, "no UTC time in {row}");
    // JSON keeps the raw values.
    let json = env.json(&["tenants", "list"]);
    let first = &common_items(&json)[0];
    assert!(first["createTimestamp"].is_number(), "{first}");
}

fn common_items(value: &serde_json::Value) -> Vec<serde_json::Value> {
    match value {
        serde_json::Value::Array(items) => items.clone(),
        serde_json::Value::Object(map) => map
            .values()
            .find_map(|v| v.as_array().cloned())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[test]
fn wide_shows_every_column_and_columns_picks() {
    let env = Env::start();
    let wide = header(&stdout(
        &env.ok(&["tenants", "list", "-o", "table", "--wide"]),
    ));
    assert!(wide.len() > 8, "{wide:?}");
    assert!(wide.iter().any(|c| c == "companyName"), "{wide:?}");
    let picked = stdout(&env.ok(&[
        "tenants",
        "list",
        "-o",
        "table",
        "--columns",
        "displayName,id",
    ]));
    assert_eq!(header(&picked), ["displayName", "id"], "{picked}");
}

#[test]
fn csv_has_every_column_unless_asked() {
    let env = Env::start();
    let csv = stdout(&env.ok(&["tenants", "list", "-o", "csv"]));
    let head = csv.lines().next().unwrap_or_default();
    assert!(head.split(',').count() > 8, "{head}");
    assert!(head.contains("companyName"), "{head}");
    let picked = stdout(&env.ok(&[
        "tenants",
        "list",
        "-o",
        "csv",
        "--columns",
        "id,displayName",
    ]));
    assert_eq!(picked.lines().next(), Some("id,displayName"), "{picked}");
}

#[test]
fn an_api_error_is_one_line_with_status_message_and_request_id() {
    let env = Env::start();
    let out = env
        .cpn()
        .args(["tickets", "get", "--support-request-id", "no-such-ticket"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let text = stderr(&out);
    let line = text.trim_end();
    assert_eq!(line.lines().count(), 1, "{text}");
    assert!(
        line.starts_with("cpn: get_support_request: HTTP 404: "),
        "{text}"
    );
    assert!(
        !line.contains('{'),
        "the message, not the JSON body: {text}"
    );
    assert!(line.contains("(request id "), "{text}");

    let out = env
        .cpn()
        .args([
            "tickets",
            "get",
            "--support-request-id",
            "no-such-ticket",
            "--verbose",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let text = stderr(&out);
    assert!(text.lines().count() >= 2, "{text}");
    assert!(text.contains('{') && text.contains("message"), "{text}");
}

#[test]
fn a_server_error_names_the_operation() {
    let env = Env::start();
    env.mock
        .inject("list_tenants", vmware_cpn_mock::Fault::status(500), 10);
    let out = env.cpn().args(["tenants", "list"]).output().unwrap();
    let text = stderr(&out);
    assert!(text.contains("cpn: list_tenants: HTTP 500"), "{text}");
}
