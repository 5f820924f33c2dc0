//! Exit codes on the error paths, credentials from profiles, and the command tree itself.

mod common;

use common::Env;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

#[test]
fn bad_credentials_exit_with_the_auth_code_and_never_print_the_token() {
    let env = Env::start();
    let out = env
        .cpn()
        .env("CPN_REFRESH_TOKEN", "not-the-token-s3cr3t")
        .args(["tenants", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("refused") && !text.contains("s3cr3t"),
        "{text}"
    );
    env.cpn()
        .env("VCPP_CLIENT_SECRET", "wrong-s3cr3t")
        .args(["vcpp", "list-commit-contracts"])
        .assert()
        .code(3)
        .stderr(contains("s3cr3t").not());
    env.bare()
        .args(["tenants", "list", "--org-id", "x"])
        .assert()
        .code(3)
        .stderr(contains("cpn auth login"));
}

#[test]
fn an_expired_session_is_renewed_not_an_error() {
    let env = Env::start();
    env.mock.expire_tokens();
    env.cpn().args(["tenants", "list"]).assert().success();
}

#[test]
fn not_found_exits_with_the_http_code() {
    let env = Env::start();
    env.cpn()
        .args(["tickets", "get", "--support-request-id", "no-such-ticket"])
        .assert()
        .code(4)
        .stderr(contains("HTTP 404"));
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::start();
    env.cpn().args(["tenants", "frobnicate"]).assert().code(2);
    env.cpn()
        .args(["vcpp", "get-service-instance"])
        .assert()
        .code(2)
        .stderr(contains("--service-instance-id"));
    env.cpn()
        .args(["tenants", "create", "--tenant-type", "NOT-A-TYPE"])
        .assert()
        .code(2);
    env.bare()
        .env("CPN_BASE_URL", env.mock.base_url())
        .env("CPN_REFRESH_TOKEN", env.mock.refresh_token())
        .args(["tenants", "list"])
        .assert()
        .code(2)
        .stderr(contains("--org-id"));
}

#[test]
fn a_dropped_connection_on_a_get_is_retried_by_the_runtime() {
    let env = Env::start();
    env.mock
        .inject("list_tenants", vmware_cpn_mock::Fault::DropConnection, 1);
    env.cpn().args(["tenants", "list"]).assert().success();
    assert_eq!(env.mock.calls("list_tenants"), 2);
}

#[test]
fn a_ticket_is_never_opened_twice() {
    let env = Env::start();
    env.mock.inject(
        "create_support_request",
        vmware_cpn_mock::Fault::status(503),
        1,
    );
    env.cpn()
        .args([
            "tickets",
            "create",
            "--severity",
            "3 - Medium",
            "--category",
            "Billing",
            "--title",
            "t",
            "--description",
            "d",
        ])
        .assert()
        .code(4);
    assert_eq!(env.mock.calls("create_support_request"), 1);
}

#[test]
fn login_stores_an_owner_only_profile_read_from_stdin_and_status_checks_it() {
    let env = Env::start();
    env.bare()
        .args(["--base-url", env.mock.base_url(), "auth", "login"])
        .args(["--profile", "acme", "--org-id", env.mock.provider_org()])
        .write_stdin(format!("{}\n", env.mock.refresh_token()))
        .assert()
        .success();
    let config = std::fs::read_to_string(env.config()).unwrap();
    assert!(config.contains("acme"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.config())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = env
        .bare()
        .env("CPN_PROFILE", "acme")
        .args(["auth", "status"])
        .output()
        .unwrap();
    // No VCPP credentials in this profile: Navigator is valid, the status succeeds.
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    env.assert_no_secret(&out);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["navigator"]["token"], "valid");
    assert_eq!(status["navigator"]["organization"], "Mock Cloud Provider");
    env.bare()
        .args(["--profile", "acme", "tenants", "list"])
        .assert()
        .success();
    env.bare()
        .args([
            "--vcpp-base-url",
            &env.mock.vcpp_base_url(),
            "--profile",
            "acme",
        ])
        .args([
            "auth",
            "login",
            "--vcpp",
            "--vcpp-client-id",
            env.mock.vcpp_client_id(),
        ])
        .write_stdin(format!("{}\n", env.mock.vcpp_client_secret()))
        .assert()
        .success();
    env.bare()
        .args(["--profile", "acme", "vcpp", "list-commit-contracts"])
        .assert()
        .success();
}

#[test]
fn login_with_a_refused_token_stores_nothing() {
    let env = Env::start();
    env.bare()
        .args(["--base-url", env.mock.base_url(), "auth", "login"])
        .write_stdin("wrong-token\n")
        .assert()
        .code(3);
    assert!(!env.config().exists());
    env.bare().args(["auth", "status"]).assert().code(3);
}

#[test]
fn every_operation_of_the_six_specs_is_a_command() {
    let mut root = cpn::command();
    root.build();
    for surface in cpn::model::SURFACES {
        let group = root
            .find_subcommand(surface.command)
            .unwrap_or_else(|| panic!("no `cpn {}`", surface.command));
        for op in surface.operations {
            let cmd = group
                .find_subcommand(op.command())
                .unwrap_or_else(|| panic!("no `cpn {} {}`", surface.command, op.command()));
            assert_eq!(
                cmd.get_about().map(|a| a.to_string()).as_deref(),
                Some(op.summary)
            );
        }
    }
}

#[test]
fn completions_are_printed_for_bash() {
    let env = Env::start();
    env.bare()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(contains("list-tenants"));
}
