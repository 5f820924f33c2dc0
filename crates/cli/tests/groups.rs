//! Every command group of `cpn` against the mock: generated commands, aliases, paging,
//! fan-out, downloads and the hand-written commands.

mod common;

use common::Env;
use serde_json::Value;

#[test]
fn core_tenants_are_created_listed_and_picked_by_field() {
    let env = Env::start();
    let created = env.json(&[&["tenants", "create"][..], common::TENANT].concat());
    let id = created["id"]
        .as_str()
        .expect("the tenant has an id")
        .to_owned();
    let out = env
        .cpn()
        .args(["core", "list-tenants", "--field", "id"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l == id)
    );
    let tenant = env.json(&["core", "get-organization", "--org-id", &id]);
    assert_eq!(tenant["displayName"], "Acme");
}

#[test]
fn a_missing_required_body_field_is_a_usage_error() {
    let env = Env::start();
    env.cpn()
        .args(["tenants", "create", "--display-name", "Acme"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--country"));
}

#[test]
fn auth_users_invitations_and_a_redacted_token() {
    let env = Env::start();
    env.json(&[
        "users",
        "invite",
        "--users",
        r#"[{"username":"jane@acme.example"}]"#,
        "--org-roles-to-add",
        "msp:provider_support_user",
    ]);
    let invitations = env.json(&["auth", "list-invitations"]);
    assert!(
        invitations.to_string().contains("jane@acme.example"),
        "{invitations}"
    );
    let token = env.json(&["auth", "get-access-token"]);
    assert_eq!(token["accessToken"], "[REDACTED]", "{token}");
    env.json(&["auth", "list-users"]);
}

#[test]
fn billing_usage_as_json_csv_file_and_per_tenant() {
    let env = Env::start();
    let report = env.json(&["usage", "get"]);
    assert!(report.is_array(), "{report}");
    let file = env.dir.path().join("usage.csv");
    env.cpn()
        .args(["usage", "download", "--output-file", file.to_str().unwrap()])
        .assert()
        .success();
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.lines().count() > 1, "{csv}");
    let per_tenant = env.json(&[
        "support",
        "get-support-metadata",
        "--all-tenants",
        "--concurrency",
        "2",
    ]);
    let tenants = env.json(&["tenants", "list"]);
    assert_eq!(
        per_tenant.as_array().unwrap().len(),
        tenants.as_array().unwrap().len(),
        "{per_tenant}"
    );
    let dir = env.dir.path().join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    env.cpn()
        .args([
            "usage",
            "download",
            "--all-tenants",
            "--output-dir",
            dir.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        tenants.as_array().unwrap().len()
    );
}

#[test]
fn the_apis_own_all_tenants_flag_is_sent_not_fanned_out() {
    let env = Env::start();
    let all = env.json(&["subscriptions", "list", "--all-tenants", "true"]);
    assert!(all.is_array(), "{all}");
    assert_eq!(env.mock.calls("list_tenants"), 0);
    assert_eq!(env.mock.calls("list_subscriptions"), 1);
}

#[test]
fn all_tenants_reports_each_failure_and_exits_with_its_code() {
    let env = Env::start();
    env.mock
        .inject("get_usage_report", vmware_cpn_mock::Fault::status(500), 1);
    let out = env
        .cpn()
        .args([
            "billing",
            "get-usage-report",
            "--all-tenants",
            "--concurrency",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tenant ") && stderr.contains("HTTP 500"),
        "{stderr}"
    );
    assert!(stderr.contains("1 of "), "{stderr}");
}

#[test]
fn support_ticket_opened_found_attached_updated_and_paged() {
    let env = Env::start();
    env.cpn()
        .args([
            "tickets",
            "create",
            "--severity",
            "3 - Medium",
            "--category",
            "Billing",
            "--title",
            "Usage question",
            "--description",
            "A SKU twice",
            "--internal-ticket-id",
            "CLI-1",
        ])
        .assert()
        .success();
    let out = env
        .cpn()
        .args([
            "tickets",
            "list",
            "--internal-ticket-id",
            "CLI-1",
            "--field",
            "id",
        ])
        .output()
        .unwrap();
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(!id.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = env.dir.path().join("notes.txt");
    std::fs::write(&file, "SKU listed twice\n").unwrap();
    env.cpn()
        .args([
            "tickets",
            "attach",
            "--support-request-id",
            &id,
            "--file",
            file.to_str().unwrap(),
        ])
        .assert()
        .success();
    let updated = env.json(&[
        "support",
        "update-support-request",
        "--support-request-id",
        &id,
        "--additional-details",
        "Attached",
        "--support-ticket-action",
        "UPDATE",
    ]);
    assert!(updated.to_string().contains("notes.txt"), "{updated}");
    let all = env.json(&["tickets", "list", "--all", "--page-limit", "1"]);
    let paged = env.mock.calls("list_support_requests");
    assert!(all.as_array().unwrap().len() >= 2 || paged >= 2, "{all}");
}

#[test]
fn msp_search_pages_and_get() {
    let env = Env::start();
    let all = env.json(&["subscriptions", "search", "--all", "--page-limit", "1"]);
    let items = all.as_array().expect("one list");
    assert!(!items.is_empty());
    assert!(env.mock.calls("search_subscriptions") > items.len().min(1));
    let id = items[0]["id"].as_str().unwrap();
    let one = env.json(&["msp", "get-subscription", "--subscription-id", id]);
    assert!(one.is_object());
    env.json(&["subscriptions", "history", "--subscription-id", id, "--all"]);
}

#[test]
fn vcpp_token_contracts_order_and_feed() {
    let env = Env::start();
    let token = env.json(&["vcpp", "get-token"]);
    assert_eq!(token["access_token"], "[REDACTED]");
    let contracts = env.json(&["vcpp", "list-commit-contracts"]);
    assert!(contracts["contractList"].is_array());
    let order = env.dir.path().join("order.json");
    std::fs::write(&order, common::ORDER).unwrap();
    for xml in [false, true] {
        let mut args = vec!["orders", "place", "--body", order.to_str().unwrap()];
        if xml {
            args.push("--xml");
        }
        let placed = env.json(&args);
        let request_id = placed
            .pointer("/OrderResponse/requestId")
            .or_else(|| placed.get("requestId"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no requestId: {placed}"))
            .to_owned();
        let feed = env.json(&["orders", "feed", "--request-id", &request_id]);
        assert!(!feed.as_array().unwrap().is_empty(), "{feed}");
    }
    env.json(&["vcpp", "get-order-feed", "--json"]);
}
