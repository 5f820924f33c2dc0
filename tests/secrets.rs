//! No access token, refresh token or client secret reaches an error's `Display`, `Debug`,
//! source chain or any log line, whatever a loopback server sends back: token answers that do
//! not decode, exchanges that echo the credential, services that echo the token they got,
//! and credential-bearing headers.

use cphub_auth::types::AccessTokenRequest;
use serde_json::json;
use vmware_cpn_runtime::Auth;
use vmware_cpn_test_support::canned::{Canned, start};
use vmware_cpn_test_support::paths::{NAVIGATOR_EXCHANGE, VCPP_ROOT, VCPP_TOKEN, tenants};
use vmware_cpn_test_support::{ORG, anonymous_runtime, assert_hidden, everything_printed, runtime};

#[tokio::test]
async fn a_csp_token_answer_that_does_not_decode_never_prints_the_token() {
    let (base, server) = start().await;
    let client = cphub_auth::Client::with_runtime(&base, anonymous_runtime());
    let answers = [
        // The snake_case form the runtime's own exchange accepts, but the spec does not.
        Canned::json(
            200,
            json!({"access_token": "SECRET-A1", "expires_in": 1800}),
        ),
        // A field of the wrong type beside the token.
        Canned::json(200, json!({"accessToken": "SECRET-A2", "returnUrl": 1800})),
        // The token itself of the wrong type.
        Canned::json(200, json!({"accessToken": 918273645})),
        // Not JSON at all.
        Canned::new(200, "accessToken=SECRET-A4&expiresIn=1800"),
        // An error answer that quotes a token.
        Canned::new(502, "upstream said accessToken=SECRET-A5"),
    ];
    for answer in answers {
        server.on("POST", NAVIGATOR_EXCHANGE, [answer.clone()]);
        let error = client
            .get_access_token()
            .body(AccessTokenRequest::builder().refresh_token("REFRESH-A0"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.answer().unwrap().operation(), "get_access_token");
        assert_hidden(
            &everything_printed(&error),
            &["SECRET-A", "918273645", "REFRESH-A0"],
        );
    }
}

#[tokio::test]
async fn a_vcpp_token_answer_that_does_not_decode_never_prints_the_token_or_secret() {
    let (base, server) = start().await;
    let client = vcpp::Client::with_runtime(&format!("{base}{VCPP_ROOT}"), anonymous_runtime());
    let answers = [
        Canned::json(200, json!({"accessToken": "SECRET-V1", "expiresIn": 1200})),
        Canned::json(
            200,
            json!({"access_token": "SECRET-V2", "expires_in": "1200"}),
        ),
        Canned::new(200, "access_token=SECRET-V4&token_type=bearer"),
        Canned::json(
            401,
            json!({"message": "client secret CLIENT-SECRET-V0 is wrong"}),
        ),
        Canned::new(400, "bad client secret CLIENT-SECRET-V0"),
    ];
    for answer in answers {
        server.on("POST", VCPP_TOKEN, [answer.clone()]);
        let error = client
            .get_token("client-id", "CLIENT-SECRET-V0")
            .await
            .unwrap_err();
        assert!(error.status().is_some(), "{error:?}");
        assert_hidden(
            &everything_printed(&error),
            &["SECRET-V", "CLIENT-SECRET-V0"],
        );
    }
}

#[tokio::test]
async fn the_runtime_exchange_never_prints_what_it_was_given_or_sent() {
    let (base, server) = start().await;
    let answers = [
        Canned::json(200, json!({"access_token": 55443322})),
        Canned::json(
            200,
            json!({"accessToken": "SECRET-R1", "expiresIn": "SECRET-R1"}),
        ),
        Canned::new(200, "SECRET-R2"),
        Canned::json(
            400,
            json!({"message": "refresh token REFRESH-R0 unknown", "refresh_token": "REFRESH-R0",
                   "accessToken": "SECRET-R3"}),
        ),
    ];
    for answer in answers {
        server.on("POST", NAVIGATOR_EXCHANGE, [answer.clone()]);
        let client = cphub_core::Client::with_runtime(
            &base,
            runtime(Auth::csp_refresh_token(&base, "REFRESH-R0")),
        );
        let error = client.list_tenants().org_id(ORG).send().await.unwrap_err();
        assert!(
            matches!(error, vmware_cpn_runtime::Error::Auth(_)),
            "{error:?}"
        );
        assert_hidden(
            &everything_printed(&error),
            &["SECRET-R", "REFRESH-R0", "55443322"],
        );
    }
}

#[tokio::test]
async fn a_service_echoing_the_token_it_got_or_setting_cookies_never_shows_them() {
    let (base, server) = start().await;
    server.on(
        "POST",
        NAVIGATOR_EXCHANGE,
        [Canned::access_token("ACCESS-S1")],
    );
    let client = cphub_core::Client::with_runtime(
        &base,
        runtime(Auth::csp_refresh_token(&base, "REFRESH-S0")),
    );
    let answers = [
        Canned::json(403, json!({"message": "token ACCESS-S1 lacks a role"})),
        Canned::new(500, "bad token ACCESS-S1")
            .header("set-cookie", "session=COOKIE-S2")
            .header("x-auth-token", "HEADER-S3")
            .header("authorization", "bearer HEADER-S4"),
    ];
    for answer in answers {
        server.on("GET", &tenants(), [answer]);
        let error = client.list_tenants().org_id(ORG).send().await.unwrap_err();
        assert!(error.status().is_some(), "{error:?}");
        let text = everything_printed(&error);
        assert_hidden(&text, &["ACCESS-S1", "COOKIE-S2", "HEADER-S3", "HEADER-S4"]);
        if let Some(cookie) = error.answer().unwrap().headers().get("set-cookie") {
            // Redacted when printed, but kept for the caller who asks.
            assert_eq!(cookie, "session=COOKIE-S2");
            assert!(text.contains("[REDACTED]"), "{text}");
        }
    }
}
