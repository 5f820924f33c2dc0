//! `cpn conformance` against the mock: the clean mock gives a clean report for all six
//! surfaces, and each kind of drift the mock makes on an operation `cpn conformance` calls is
//! found, by operation and path, in Markdown and JSON, with nothing else. No value of an answer
//! and no secret is in a report, and nothing that writes is called.

mod common;

use std::collections::BTreeSet;

use common::Env;
use serde_json::Value;
use vmware_cpn_mock::{Config, FindingKind};

/// A run of `cpn conformance args…`: its exit code and stdout, with no secret in its output.
fn conformance(env: &Env, args: &[&str]) -> (i32, String) {
    let out = env.cpn().arg("conformance").args(args).output().unwrap();
    env.assert_no_secret(&out);
    let code = out.status.code().expect("an exit code");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(code == 0 || code == 6, "exit {code}: {stderr}");
    (code, String::from_utf8(out.stdout).unwrap())
}

fn recording() -> Env {
    Env::start_with(Config::default().record_journal(true))
}

/// Every string of the mock's answers and requests that could be data: ids, names, emails,
/// URLs, dates. Enum-like words (`ACTIVE`, `DEFAULT`) are left out: they are shapes, which a
/// report may name; so are words as short as the report's own (`string`, a spec example's
/// value, is also the report's `a string`).
fn data_values(env: &Env) -> BTreeSet<String> {
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::String(text) => {
                let enum_like = text
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if text.len() >= 7 && !enum_like {
                    out.insert(text.clone());
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            Value::Object(map) => map.values().for_each(|item| walk(item, out)),
            _ => {}
        }
    }
    let mut values = BTreeSet::new();
    for entry in env.mock.journal() {
        for body in [&entry.body, &entry.request_body] {
            if let Ok(json) = serde_json::from_slice::<Value>(body) {
                walk(&json, &mut values);
            }
        }
    }
    values.insert(env.mock.provider_org().to_owned());
    values
}

fn assert_no_data(env: &Env, report: &str) {
    let values = data_values(env);
    assert!(
        values.len() > 50,
        "the journal holds the answers: {values:?}"
    );
    for value in values {
        assert!(
            !report.contains(&value),
            "{value:?} is in the report:\n{report}"
        );
    }
}

fn json(report: &str) -> Value {
    serde_json::from_str(report).unwrap_or_else(|e| panic!("not JSON ({e}):\n{report}"))
}

#[test]
fn the_clean_mock_gives_a_clean_report_for_all_six_surfaces() {
    let env = recording();
    let (code, markdown) = conformance(&env, &[]);
    assert_eq!(code, 0, "{markdown}");
    assert!(markdown.contains("- Findings: 0"), "{markdown}");
    assert!(markdown.contains("None: every answer matches its spec."));
    assert_no_data(&env, &markdown);

    let (code, report) = conformance(&env, &["--format", "json"]);
    assert_eq!(code, 0);
    let report = json(&report);
    assert_eq!(report["findings"], Value::Array(vec![]));
    let called: BTreeSet<&str> = report["called"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["spec"].as_str().unwrap())
        .collect();
    let specs = [
        "cphub-auth",
        "cphub-billing",
        "cphub-core",
        "cphub-support",
        "navigator-msp",
        "vcpp",
    ];
    assert_eq!(called, BTreeSet::from(specs));
    // Ids followed from lists: a ticket, a subscription, a contract, a service instance.
    for operation in [
        "get_support_request",
        "get_subscription",
        "get_commit_contract",
        "get_service_instance",
        "list_addon_products",
        "get_org_bindings_for_role",
    ] {
        assert!(
            report["called"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["operation"] == operation && c["status"] == 200),
            "{operation} not called: {report}"
        );
    }
    assert_no_data(&env, &report.to_string());
}

#[test]
fn nothing_that_writes_is_called() {
    let env = recording();
    conformance(&env, &[]);
    let exchanges = ["get_access_token", "get_token"];
    let read_only_posts = ["search_subscriptions", "get_subscription_history"];
    for entry in env.mock.journal() {
        let reads = entry.method == "GET"
            || read_only_posts.contains(&entry.operation_id.as_str())
            || exchanges.contains(&entry.operation_id.as_str());
        assert!(reads, "{} {} was called", entry.method, entry.operation_id);
    }
}

/// Each kind of drift on an operation `cpn conformance` calls, and where it shows.
const DRIFTS: &[(&str, FindingKind, &str)] = &[
    (
        "list_tenants",
        FindingKind::UndeclaredProperty,
        "/*/driftedProperty",
    ),
    (
        "search_subscriptions",
        FindingKind::UnknownEnumValue,
        "/results/*/renewalPreference",
    ),
    ("get_organization", FindingKind::WrongType, "/companyName"),
    (
        "list_support_requests",
        FindingKind::WrongType,
        "/supportTickets/*/caseId",
    ),
    (
        "get_organization",
        FindingKind::UndeclaredStatus,
        "(the answer)",
    ),
    (
        "list_commit_contracts",
        FindingKind::UndeclaredContentType,
        "(the answer)",
    ),
];

#[test]
fn each_drift_is_found_by_operation_and_path_and_nothing_else() {
    let env = recording();
    for (operation, kind, path) in DRIFTS {
        env.mock.clear_drift();
        env.mock.drift(operation, *kind).unwrap();

        let (code, report) = conformance(&env, &["--format", "json"]);
        assert_eq!(code, 6, "drift is exit code 6: {report}");
        let report = json(&report);
        let findings = report["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{operation} {kind}: {report}");
        let finding = &findings[0];
        assert_eq!(finding["operation"], *operation);
        assert_eq!(finding["kind"], kind.as_str());
        assert_eq!(finding["path"], *path);
        assert!(finding["expected"].is_string() && finding["seen"].is_string());

        let (code, markdown) = conformance(&env, &[]);
        assert_eq!(code, 6);
        let rows: Vec<&str> = markdown
            .lines()
            .skip_while(|line| !line.starts_with("## Findings"))
            .take_while(|line| !line.starts_with("## Called"))
            .filter(|line| line.starts_with("| ") && !line.starts_with("| spec"))
            .collect();
        assert_eq!(rows.len(), 1, "{markdown}");
        let row = rows[0];
        assert!(
            row.contains(&format!("| {operation} |"))
                && row.contains(&format!("`{path}`"))
                && row.contains(kind.as_str()),
            "{row}"
        );
        assert_no_data(&env, &markdown);
    }
}

#[test]
fn the_surface_flag_narrows_and_max_calls_bounds() {
    let env = recording();
    env.mock
        .drift("list_tenants", FindingKind::UndeclaredProperty)
        .unwrap();
    let (code, report) = conformance(&env, &["--surface", "vcpp", "--format", "json"]);
    assert_eq!(code, 0, "the drift is in another surface: {report}");
    let report = json(&report);
    let specs: BTreeSet<&str> = report["called"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["spec"].as_str().unwrap())
        .collect();
    assert_eq!(specs, BTreeSet::from(["vcpp"]));

    let before = env.mock.journal().len();
    let (_, report) = conformance(&env, &["--max-calls", "3", "--format", "json"]);
    let report = json(&report);
    assert_eq!(report["calls"], 3);
    assert_eq!(report["called"].as_array().unwrap().len(), 3);
    let bounded = report["notCalled"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["why"].as_str().unwrap().contains("--max-calls"))
        .count();
    assert!(bounded > 20, "{report}");
    let api_calls = env.mock.journal()[before..]
        .iter()
        .filter(|e| e.operation_id != "get_access_token" && e.operation_id != "get_token")
        .count();
    assert_eq!(api_calls, 3);
}

#[test]
fn a_given_parameter_is_called_and_never_printed() {
    let env = recording();
    let app = "conformance-app-4711";
    let body = env.dir.path().join("app.json");
    std::fs::write(
        &body,
        format!(r#"{{"id": "{app}", "secret": "Conf-App-S3cret!", "displayName": "conformance"}}"#),
    )
    .unwrap();
    env.json(&["auth", "create-oauth-app", "--body", body.to_str().unwrap()]);

    let (code, report) = conformance(
        &env,
        &[
            "--surface",
            "auth",
            "--param",
            &format!("oauthAppId={app}"),
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{report}");
    assert!(!report.contains(app), "{report}");
    assert!(!report.contains("Conf-App-S3cret!"));
    let report = json(&report);
    assert!(
        report["called"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["operation"] == "get_oauth_app" && c["status"] == 200),
        "{report}"
    );

    let out = env
        .cpn()
        .args(["conformance", "--param", "novalue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_global_output_flag_asks_for_json_unless_format_says_otherwise() {
    let env = Env::start();
    let (_, report) = conformance(&env, &["--surface", "core", "-o", "json"]);
    assert_eq!(json(&report)["findings"], Value::Array(vec![]));
    let (_, report) = conformance(
        &env,
        &["--surface", "core", "-o", "json", "--format", "markdown"],
    );
    assert!(report.starts_with("# cpn conformance report"), "{report}");
}

#[test]
fn the_report_goes_to_a_file() {
    let env = Env::start();
    let file = env.dir.path().join("conformance.md");
    let (code, stdout) = conformance(
        &env,
        &["--surface", "core", "--report", file.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    assert!(stdout.is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("# cpn conformance report"), "{written}");
}

#[test]
fn a_service_without_credentials_is_left_out_and_none_at_all_is_an_error() {
    let env = Env::start();
    let out = env
        .bare()
        .env("CPN_BASE_URL", env.mock.base_url())
        .env("CPN_REFRESH_TOKEN", env.mock.refresh_token())
        .env("CPN_ORG_ID", env.mock.provider_org())
        .env("VCPP_BASE_URL", env.mock.vcpp_base_url())
        .args(["conformance", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&String::from_utf8(out.stdout).unwrap());
    let vcpp: Vec<&Value> = report["notCalled"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["spec"] == "vcpp")
        .collect();
    assert!(!vcpp.is_empty() && vcpp.iter().all(|n| n["why"] == "no VCPP credentials"));

    let out = env
        .bare()
        .env("VCPP_BASE_URL", env.mock.vcpp_base_url())
        .args(["conformance", "--surface", "vcpp"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
