//! Each kind of credential through `cpn` against the mock: `cpn auth login --kind …` stores
//! it (the secret from stdin, the profile owner-only), a later command calls with it, and
//! `cpn auth status` names the kind. No secret given ever shows in an output or an error, and
//! a flag that would carry one is refused.

mod common;

use common::Env;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::Value;

/// The OAuth app the tests create through `cpn`, and its secret.
const APP: &str = "cpn-credentials-app";
const APP_SECRET: &str = "Cred-App-S3cret!";

/// Creates the OAuth app [`APP`] in the provider organization, through `cpn`.
fn create_app(env: &Env) {
    let body = env.dir.path().join("app.json");
    std::fs::write(
        &body,
        format!(r#"{{"id": "{APP}", "secret": "{APP_SECRET}", "displayName": "cpn tests"}}"#),
    )
    .unwrap();
    env.json(&["auth", "create-oauth-app", "--body", body.to_str().unwrap()]);
}

/// A file holding an access token the mock issued, and the command that prints it.
fn token_command(env: &Env) -> String {
    let file = env.dir.path().join("navigator-token");
    std::fs::write(&file, format!("{}\n", env.mock.issue_access_token())).unwrap();
    format!("cat '{}'", file.display())
}

/// The output of a command, which must not show `secrets` (nor the mock's, nor a JWT).
fn clean(env: &Env, out: &std::process::Output, secrets: &[&str]) -> String {
    env.assert_no_secret(out);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for secret in secrets {
        assert!(!text.contains(secret), "a secret was printed: {text}");
    }
    text
}

/// `cpn auth status` of `profile`, which must succeed, as JSON.
fn status(env: &Env, profile: &str, secrets: &[&str]) -> Value {
    let out = env
        .bare()
        .args(["--profile", profile, "auth", "status"])
        .output()
        .unwrap();
    let text = clean(env, &out, secrets);
    assert!(out.status.success(), "{text}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_owner_only(env: &Env) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.config())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    #[cfg(not(unix))]
    let _ = env;
}

#[test]
fn each_kind_logs_in_calls_and_is_named_by_status() {
    let env = Env::start();
    create_app(&env);
    let base = env.mock.base_url().to_owned();
    let vcpp_base = env.mock.vcpp_base_url();
    let org = env.mock.provider_org().to_owned();
    let command = token_command(&env);
    let refresh = env.mock.refresh_token().to_owned();
    let vcpp_secret = env.mock.vcpp_client_secret().to_owned();
    let vcpp_id = env.mock.vcpp_client_id().to_owned();
    struct Case<'a> {
        kind: &'a str,
        login: Vec<&'a str>,
        secret: Option<&'a str>,
        call: &'a [&'a str],
        credential: &'a str,
        exchange: &'a str,
    }
    let cases = [
        Case {
            kind: "navigator-token",
            login: vec!["--base-url", &base, "auth", "login", "--org-id", &org],
            secret: Some(&refresh),
            call: &["tenants", "list"],
            credential: "CSP refresh token",
            exchange: "get_access_token",
        },
        Case {
            kind: "csp-api-token",
            login: vec![
                "--base-url",
                &base,
                "auth",
                "login",
                "--kind",
                "csp-api-token",
                "--csp-base-url",
                &base,
                "--org-id",
                &org,
            ],
            secret: Some(&refresh),
            call: &["tenants", "list"],
            credential: "CSP API token",
            exchange: "exchange_csp_api_token",
        },
        Case {
            kind: "oauth-app",
            login: vec![
                "--base-url",
                &base,
                "auth",
                "login",
                "--kind",
                "oauth-app",
                "--client-id",
                APP,
                "--org-id",
                &org,
            ],
            secret: Some(APP_SECRET),
            call: &["tenants", "list"],
            credential: "Navigator OAuth app",
            exchange: "authorize_oauth_app",
        },
        Case {
            kind: "token-command",
            login: vec![
                "--base-url",
                &base,
                "auth",
                "login",
                "--token-command",
                &command,
                "--org-id",
                &org,
            ],
            secret: None,
            call: &["tenants", "list"],
            credential: "token command",
            exchange: "list_tenants",
        },
        Case {
            kind: "vcpp",
            login: vec![
                "--vcpp-base-url",
                &vcpp_base,
                "auth",
                "login",
                "--kind",
                "vcpp",
                "--client-id",
                &vcpp_id,
            ],
            secret: Some(&vcpp_secret),
            call: &["vcpp", "list-commit-contracts"],
            credential: "VCPP client credentials",
            exchange: "get_token",
        },
    ];
    for case in cases {
        let secrets: Vec<&str> = case.secret.into_iter().collect();
        let profile = format!("with-{}", case.kind);
        let before = env.mock.calls(case.exchange);
        let mut login = env.bare();
        login.args(["--profile", &profile]).args(&case.login);
        if let Some(secret) = case.secret {
            login.write_stdin(format!("{secret}\n"));
        }
        let out = login.output().unwrap();
        let text = clean(&env, &out, &secrets);
        assert!(out.status.success(), "{}: {text}", case.kind);
        assert!(text.contains(case.kind), "{}: {text}", case.kind);
        assert_owner_only(&env);
        let stored: Value =
            serde_json::from_str(&std::fs::read_to_string(env.config()).unwrap()).unwrap();
        if case.kind != "vcpp" {
            assert_eq!(stored["profiles"][&profile]["kind"], case.kind);
        }

        let out = env
            .bare()
            .args(["--profile", &profile])
            .args(case.call)
            .output()
            .unwrap();
        let text = clean(&env, &out, &secrets);
        assert!(out.status.success(), "{}: {text}", case.kind);
        assert!(
            env.mock.calls(case.exchange) > before,
            "{}: no {} call",
            case.kind,
            case.exchange
        );

        let status = status(&env, &profile, &secrets);
        let side = if case.kind == "vcpp" {
            &status["vcpp"]
        } else {
            &status["navigator"]
        };
        assert_eq!(side["kind"], case.kind, "{status}");
        assert_eq!(side["credential"], case.credential, "{status}");
        if case.kind == "vcpp" {
            assert_eq!(side["credentials"], "valid", "{status}");
        } else {
            assert_eq!(side["token"], "valid", "{status}");
            assert_eq!(side["organization"], "Mock Cloud Provider", "{status}");
        }
    }
    let app = status(&env, "with-oauth-app", &[APP_SECRET]);
    assert_eq!(app["navigator"]["clientId"], APP);
    let csp = status(&env, "with-csp-api-token", &[]);
    assert_eq!(
        csp["navigator"]["cspExchangeUrl"],
        env.mock.csp_api_token_url()
    );
}

#[test]
fn a_navigator_login_replaces_the_profiles_credential_and_keeps_vcpps() {
    let env = Env::start();
    create_app(&env);
    let base = env.mock.base_url();
    let org = env.mock.provider_org();
    env.bare()
        .args(["--base-url", base, "auth", "login", "--org-id", org])
        .write_stdin(format!("{}\n", env.mock.refresh_token()))
        .assert()
        .success();
    env.bare()
        .args([
            "--vcpp-base-url",
            &env.mock.vcpp_base_url(),
            "auth",
            "login",
        ])
        .args(["--vcpp", "--vcpp-client-id", env.mock.vcpp_client_id()])
        .write_stdin(format!("{}\n", env.mock.vcpp_client_secret()))
        .assert()
        .success();
    env.bare()
        .args(["auth", "login", "--kind", "oauth-app", "--client-id", APP])
        .write_stdin(format!("{APP_SECRET}\n"))
        .assert()
        .success();
    let stored = std::fs::read_to_string(env.config()).unwrap();
    assert!(!stored.contains(env.mock.refresh_token()), "{stored}");
    assert!(stored.contains(env.mock.vcpp_client_secret()), "{stored}");
    let status = status(&env, "default", &[APP_SECRET]);
    assert_eq!(status["navigator"]["kind"], "oauth-app");
    assert_eq!(status["vcpp"]["credentials"], "valid");
}

#[test]
fn the_environment_names_the_kind_and_wins_over_the_profile() {
    let env = Env::start();
    create_app(&env);
    let base = env.mock.base_url();
    let org = env.mock.provider_org();
    // A profile with an API token, then an OAuth app from the environment.
    env.bare()
        .args(["--base-url", base, "auth", "login", "--org-id", org])
        .write_stdin(format!("{}\n", env.mock.refresh_token()))
        .assert()
        .success();
    let before = env.mock.calls("authorize_oauth_app");
    let out = env
        .bare()
        .env("CPN_CLIENT_ID", APP)
        .env("CPN_CLIENT_SECRET", APP_SECRET)
        .args(["auth", "status"])
        .output()
        .unwrap();
    clean(&env, &out, &[APP_SECRET]);
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["navigator"]["kind"], "oauth-app", "{status}");
    assert_eq!(status["navigator"]["token"], "valid", "{status}");
    assert!(env.mock.calls("authorize_oauth_app") > before);
    // Beside an API token in the environment too, a configured OAuth app wins (as in the tour).
    let out = env
        .cpn()
        .env("CPN_CLIENT_ID", APP)
        .env("CPN_CLIENT_SECRET", APP_SECRET)
        .args(["auth", "status", "--field", "navigator.kind"])
        .output()
        .unwrap();
    clean(&env, &out, &[APP_SECRET]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "oauth-app\n");

    // A CSP API token from the environment alone.
    let out = env
        .bare()
        .env("CPN_CONFIG", env.dir.path().join("none.json"))
        .env("CPN_BASE_URL", base)
        .env("CPN_ORG_ID", org)
        .env("CSP_BASE_URL", base)
        .env("CSP_API_TOKEN", env.mock.refresh_token())
        .args(["auth", "status"])
        .output()
        .unwrap();
    clean(&env, &out, &[]);
    assert!(out.status.success());
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["navigator"]["kind"], "csp-api-token", "{status}");
    assert_eq!(
        status["navigator"]["credential"], "CSP API token",
        "{status}"
    );

    // The environment's CSP gateway may be given as the exchange's full URL, as the preset is.
    env.bare()
        .env("CPN_BASE_URL", base)
        .env("CPN_ORG_ID", org)
        .env(
            "CSP_BASE_URL",
            format!("{base}/csp/gateway/am/api/auth/api-tokens/authorize"),
        )
        .env("CSP_API_TOKEN", env.mock.refresh_token())
        .args(["tenants", "list"])
        .assert()
        .success();
}

#[test]
fn a_refused_secret_of_any_kind_is_never_shown_and_nothing_is_stored() {
    let env = Env::start();
    create_app(&env);
    let base = env.mock.base_url();
    let vcpp_base = env.mock.vcpp_base_url();
    let org = env.mock.provider_org();
    let wrong = "Wr0ng-S3cret-Given!";
    let logins: [Vec<&str>; 4] = [
        vec!["--base-url", base, "auth", "login"],
        vec![
            "auth",
            "login",
            "--kind",
            "csp-api-token",
            "--csp-base-url",
            base,
        ],
        vec![
            "--base-url",
            base,
            "auth",
            "login",
            "--kind",
            "oauth-app",
            "--client-id",
            APP,
            "--org-id",
            org,
        ],
        vec![
            "--vcpp-base-url",
            &vcpp_base,
            "auth",
            "login",
            "--vcpp",
            "--client-id",
            env.mock.vcpp_client_id(),
        ],
    ];
    for login in logins {
        let out = env
            .bare()
            .args(&login)
            .write_stdin(format!("{wrong}\n"))
            .output()
            .unwrap();
        let text = clean(&env, &out, &[wrong]);
        assert_eq!(out.status.code(), Some(3), "{login:?}: {text}");
        assert!(!env.config().exists(), "{login:?}: stored");
    }
    // A token command that fails.
    let out = env
        .bare()
        .args(["--base-url", base, "auth", "login", "--token-command"])
        .arg("exit 7")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("token command"),
        "{out:?}"
    );
    assert!(!env.config().exists());

    // Wrong secrets in the environment, for a call and for the status.
    for (name, value) in [
        ("CSP_API_TOKEN", wrong),
        ("CPN_CLIENT_SECRET", wrong),
        ("CPN_REFRESH_TOKEN", wrong),
    ] {
        for args in [&["tenants", "list"][..], &["auth", "status"]] {
            let out = env
                .bare()
                .env("CPN_BASE_URL", base)
                .env("CSP_BASE_URL", base)
                .env("CPN_ORG_ID", org)
                .env("CPN_CLIENT_ID", APP)
                .env(name, value)
                .args(args)
                .output()
                .unwrap();
            let text = clean(&env, &out, &[wrong]);
            assert_eq!(out.status.code(), Some(3), "{name} {args:?}: {text}");
        }
    }
}

#[test]
fn a_secret_given_as_a_flag_is_refused_unseen() {
    let env = Env::start();
    let secret = "Fl4g-S3cret-Value";
    for flag in [
        vec!["--client-secret", secret],
        vec!["--token", secret],
        vec!["--api-token", "-Fl4g-S3cret-Value"],
        vec!["--vcpp-client-secret", secret],
        vec!["--refresh-token=Fl4g-S3cret-Value"],
        vec!["--csp-api-token", secret],
    ] {
        let out = env
            .bare()
            .args(["--base-url", env.mock.base_url(), "auth", "login"])
            .args(&flag)
            .write_stdin(format!("{}\n", env.mock.refresh_token()))
            .output()
            .unwrap();
        let text = clean(&env, &out, &[secret]);
        assert_eq!(out.status.code(), Some(2), "{flag:?}: {text}");
        assert!(text.contains("never taken on the command line"), "{text}");
        assert!(!env.config().exists());
    }
}

#[test]
fn login_flags_of_another_kind_are_usage_errors() {
    let env = Env::start();
    for args in [
        &["auth", "login", "--kind", "oauth-app", "--org-id", "o"][..],
        &["auth", "login", "--kind", "oauth-app", "--client-id", "app"],
        &["auth", "login", "--client-id", "app"],
        &[
            "auth",
            "login",
            "--kind",
            "vcpp",
            "--csp-base-url",
            "http://x",
        ],
        &[
            "auth",
            "login",
            "--kind",
            "oauth-app",
            "--token-command",
            "true",
        ],
        &["auth", "login", "--kind", "token-command"],
        &["auth", "login", "--vcpp", "--kind", "vcpp"],
        &["auth", "login", "--kind", "password"],
    ] {
        env.bare()
            .args(args)
            .write_stdin("s3cret\n")
            .assert()
            .code(2)
            .stderr(contains("s3cret").not());
    }
    assert!(!env.config().exists());
}

#[test]
fn exchange_csp_api_token_prints_the_lifetime_and_the_token_only_when_asked() {
    let env = Env::start();
    let exchange = |extra: &[&str], stdin: &str| {
        env.bare()
            .args(["auth", "exchange-csp-api-token", "--csp-base-url"])
            .arg(env.mock.base_url())
            .args(extra)
            .write_stdin(format!("{stdin}\n"))
            .output()
            .unwrap()
    };
    let out = exchange(&[], env.mock.refresh_token());
    let text = clean(&env, &out, &[]);
    assert!(out.status.success(), "{text}");
    let lifetime: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(lifetime["credential"], "CSP API token");
    assert!(lifetime["expiresIn"].as_u64().unwrap() > 0, "{lifetime}");
    assert!(lifetime["expiresAt"].is_string(), "{lifetime}");

    let out = exchange(&["--print-token"], env.mock.refresh_token());
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    let token = printed.trim_end_matches('\n');
    assert!(
        !token.contains('\n') && token.starts_with("eyJ"),
        "{printed}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("valid for"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(env.mock.refresh_token()));
    // The token printed is one the services take: a token command can hand it on.
    let file = env.dir.path().join("printed-token");
    std::fs::write(&file, token).unwrap();
    env.bare()
        .env("CPN_BASE_URL", env.mock.base_url())
        .env("CPN_ORG_ID", env.mock.provider_org())
        .env("CPN_TOKEN_COMMAND", format!("cat '{}'", file.display()))
        .args(["tenants", "list"])
        .assert()
        .success();

    let wrong = "N0t-An-Api-Token";
    let out = exchange(&[], wrong);
    let text = clean(&env, &out, &[wrong]);
    assert_eq!(out.status.code(), Some(3), "{text}");
    // No token from stdin is a usage error; never a flag.
    env.bare()
        .args(["auth", "exchange-csp-api-token"])
        .write_stdin("")
        .assert()
        .code(2);
}

#[test]
fn authorize_oauth_app_sends_the_profiles_app() {
    let env = Env::start();
    create_app(&env);
    // No app configured: named, with how to configure one.
    env.bare()
        .env("CPN_BASE_URL", env.mock.base_url())
        .args([
            "auth",
            "authorize-oauth-app",
            "--org-id",
            env.mock.provider_org(),
        ])
        .assert()
        .code(3)
        .stderr(contains("cpn auth login --kind oauth-app"));
    env.bare()
        .args(["--base-url", env.mock.base_url(), "auth", "login"])
        .args(["--kind", "oauth-app", "--client-id", APP])
        .args(["--org-id", env.mock.provider_org()])
        .write_stdin(format!("{APP_SECRET}\n"))
        .assert()
        .success();
    let before = env.mock.calls("authorize_oauth_app");
    let out = env
        .bare()
        .args(["auth", "authorize-oauth-app"])
        .output()
        .unwrap();
    let text = clean(&env, &out, &[APP_SECRET]);
    assert!(out.status.success(), "{text}");
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["accessToken"], "[REDACTED]", "{answer}");
    assert_eq!(env.mock.calls("authorize_oauth_app"), before + 1);
    // A wrong secret from the environment is refused, unseen.
    let wrong = "Wr0ng-App-S3cret";
    let out = env
        .bare()
        .env("CPN_CLIENT_SECRET", wrong)
        .args(["auth", "authorize-oauth-app"])
        .output()
        .unwrap();
    let text = clean(&env, &out, &[wrong, APP_SECRET]);
    assert_eq!(out.status.code(), Some(3), "{text}");
}
