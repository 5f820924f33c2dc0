//! One error type for every operation, generated and hand-written, proven against a loopback
//! server that misbehaves: every failure that came from an answer keeps its status, headers,
//! body, typed error body and request id; a failed token exchange is a typed `Auth` error;
//! `status()`, `is_retryable()` and the source chain say what happened.

use std::error::Error as _;

use cphub_core::types::ErrorResponse;
use serde_json::json;
use vmware_cpn_runtime::{Auth, Credential, Error, RetryPolicy, Runtime};
use vmware_cpn_test_support::canned::{Canned, start};
use vmware_cpn_test_support::paths::{NAVIGATOR_EXCHANGE, VCPP_ROOT, VCPP_TOKEN, tenants};
use vmware_cpn_test_support::{ORG, anonymous_runtime, csp_runtime, runtime};

const HTML_503: &str = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>";

fn core(base: &str, runtime: Runtime) -> cphub_core::Client {
    cphub_core::Client::with_runtime(base, runtime)
}

/// How `list_tenants` of [`ORG`] at `base`, through `runtime`, fails.
async fn tenants_error(base: &str, runtime: Runtime) -> cphub_core::Error<ErrorResponse> {
    let client = core(base, runtime);
    client.list_tenants().org_id(ORG).send().await.unwrap_err()
}

#[tokio::test]
async fn a_proxy_html_503_keeps_its_status_headers_body_and_request_id() {
    let (base, server) = start().await;
    server.on(
        "GET",
        &tenants(),
        [Canned::new(503, HTML_503)
            .header("content-type", "text/html")
            .header("x-request-id", "req-503")],
    );

    let error = tenants_error(&base, csp_runtime()).await;

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(error.request_id(), Some("req-503"));
    let cphub_core::Error::Api(api) = &error else {
        panic!("expected an Api error, got {error:?}");
    };
    assert_eq!(api.operation(), "list_tenants");
    assert_eq!(api.headers()["content-type"], "text/html");
    assert_eq!(api.body_text(), HTML_503);
    assert!(api.typed().is_none(), "HTML is no ErrorResponse");
    assert!(
        error.source().is_some(),
        "why the body is not the typed error"
    );
    let text = error.to_string();
    assert!(text.contains("503") && text.contains("req-503"), "{text}");
}

#[tokio::test]
async fn a_typed_error_body_is_kept_beside_the_raw_answer() {
    let (base, server) = start().await;
    let body = json!({"statusCode": 404, "message": "Organization not found", "requestId": "r-1"});
    server.on("GET", &tenants(), [Canned::json(404, body.clone())]);

    let error = tenants_error(&base, csp_runtime()).await;

    assert!(!error.is_retryable());
    assert_eq!(error.request_id(), Some("r-1"), "read from the body");
    let typed = error.typed().expect("the typed ErrorResponse");
    assert_eq!(typed.message.as_deref(), Some("Organization not found"));
    let answer = error.answer().unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(answer.body()).unwrap(),
        body
    );
    assert!(error.source().is_none(), "the body decoded");
}

#[tokio::test]
async fn an_empty_401_after_the_one_refresh_keeps_its_status() {
    let (base, server) = start().await;
    server.on("POST", NAVIGATOR_EXCHANGE, [Canned::access_token("a")]);
    server.on("GET", &tenants(), [Canned::new(401, "")]);

    let error = tenants_error(&base, runtime(Auth::csp_refresh_token(&base, "refresh"))).await;

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let cphub_core::Error::Api(api) = &error else {
        panic!("expected an Api error, got {error:?}");
    };
    assert!(api.body().is_empty());
    assert_eq!(api.body_error().unwrap().to_string(), "the body is empty");
    assert_eq!(
        server.hits("GET", &tenants()),
        2,
        "one retry after one refresh"
    );
    assert_eq!(server.hits("POST", NAVIGATOR_EXCHANGE), 2);
}

#[tokio::test]
async fn a_refused_exchange_is_a_typed_auth_error_with_its_status_and_body() {
    let (base, server) = start().await;
    server.on(
        "POST",
        NAVIGATOR_EXCHANGE,
        [Canned::json(400, json!({"message": "invalid_grant"})).header("x-request-id", "ex-1")],
    );

    let error = tenants_error(&base, runtime(Auth::csp_refresh_token(&base, "refresh"))).await;

    let cphub_core::Error::Auth(auth) = &error else {
        panic!("expected an Auth error, got {error:?}");
    };
    assert_eq!(auth.credential(), Credential::CspRefreshToken);
    assert_eq!(auth.status().map(|s| s.as_u16()), Some(400));
    assert!(String::from_utf8_lossy(auth.body()).contains("invalid_grant"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.request_id(), Some("ex-1"));
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("CSP refresh token"), "{error}");
    assert_eq!(
        server.hits("GET", &tenants()),
        0,
        "nothing sent without a token"
    );
}

#[tokio::test]
async fn an_exchange_answering_503_is_retryable() {
    let (base, server) = start().await;
    server.on("POST", VCPP_TOKEN, [Canned::new(503, HTML_503)]);
    let auth = Auth::vcpp_client_credentials(&format!("{base}{VCPP_TOKEN}"), "id", "secret");
    let client = vcpp::Client::with_runtime(&format!("{base}{VCPP_ROOT}"), runtime(auth));

    let error = client.list_commit_contracts().send().await.unwrap_err();

    let vcpp::Error::Auth(auth) = &error else {
        panic!("expected an Auth error, got {error:?}");
    };
    assert_eq!(auth.credential(), Credential::VcppClientCredentials);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_exchange_without_an_answer_keeps_the_transport_error_as_its_source() {
    // A port nothing listens on: bind one, then free it.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let (base, _server) = start().await;

    let error = tenants_error(&base, runtime(Auth::csp_refresh_token(&closed, "refresh"))).await;

    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.is_retryable(), "no answer may be transient");
    let auth = error.source().expect("the AuthError");
    let transport = auth.source().expect("the transport error");
    assert!(transport.is::<reqwest::Error>(), "{transport:?}");
}

#[tokio::test]
async fn a_refresh_that_fails_after_a_401_is_the_error_not_the_401() {
    let (base, server) = start().await;
    server.on(
        "POST",
        NAVIGATOR_EXCHANGE,
        [
            Canned::access_token("a"),
            Canned::json(503, json!({"message": "exchange down"})),
        ],
    );
    server.on("GET", &tenants(), [Canned::new(401, "")]);

    let error = tenants_error(&base, runtime(Auth::csp_refresh_token(&base, "refresh"))).await;

    let cphub_core::Error::Auth(auth) = &error else {
        panic!("expected the failed refresh, got {error:?}");
    };
    assert_eq!(auth.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(server.hits("GET", &tenants()), 1);
}

#[tokio::test]
async fn a_success_whose_body_does_not_decode_is_an_invalid_answer_with_its_status() {
    let (base, server) = start().await;
    server.on(
        "GET",
        &tenants(),
        [Canned::new(200, "<html>login page</html>").header("x-request-id", "ok-1")],
    );

    let error = tenants_error(&base, csp_runtime()).await;

    let cphub_core::Error::InvalidAnswer(invalid) = &error else {
        panic!("expected InvalidAnswer, got {error:?}");
    };
    assert_eq!(invalid.status(), 200);
    assert_eq!(invalid.request_id(), Some("ok-1"));
    assert_eq!(invalid.body_text(), "<html>login page</html>");
    assert!(!error.is_retryable());
    assert!(error.source().unwrap().to_string().contains("expected"));
}

#[tokio::test]
async fn a_timeout_is_a_retryable_transport_error() {
    // A listener that never accepts: the kernel takes the connection, nobody ever answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", silent.local_addr().unwrap());
    let runtime = Runtime::builder()
        .auth(Auth::csp_access_token("a-token"))
        .retry(RetryPolicy::none())
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();

    let error = tenants_error(&base, runtime).await;

    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.status().is_none());
    assert!(error.source().unwrap().is::<reqwest::Error>());
}

#[tokio::test]
async fn a_missing_parameter_is_an_invalid_request_and_nothing_is_sent() {
    let (base, server) = start().await;
    let error = core(&base, csp_runtime())
        .list_tenants()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(server.hits("GET", &tenants()), 0);
}

#[tokio::test]
async fn hand_written_operations_fail_with_the_same_type() {
    let (base, server) = start().await;
    let vcpp = vcpp::Client::with_runtime(&format!("{base}{VCPP_ROOT}"), anonymous_runtime());
    let order_path = format!("{VCPP_ROOT}/order");
    let feed_path = format!("{VCPP_ROOT}/orderfeed");
    server.on("POST", &order_path, [Canned::new(502, HTML_503)]);
    server.on(
        "GET",
        &feed_path,
        [Canned::new(503, HTML_503).header("x-request-id", "feed-1")],
    );
    server.on(
        "POST",
        "/cphub/api/support/v1/orgs/o/support-requests/1/upload",
        [Canned::new(500, "oops")],
    );

    let order = vmware_cpn_test_support::Spec::load("vcpp")
        .named_request_example("place_order", "core_new_service");
    let order: vcpp::types::OrderRequestEnvelope = vmware_cpn_test_support::typed(order);
    let error = vcpp.place_order(&order).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.answer().unwrap().operation(), "place_order");
    assert_eq!(
        server.hits("POST", &order_path),
        1,
        "an order is never retried"
    );

    let error = vcpp
        .get_order_feed(&vcpp::OrderFeedQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.request_id(), Some("feed-1"));

    let support = cphub_support::Client::with_runtime(&base, anonymous_runtime());
    let attachment = cphub_support::Attachment::from_bytes("a.txt", "hello");
    let error = support
        .upload_attachment("o", "1", attachment)
        .await
        .unwrap_err();
    let cphub_support::Error::Api(api) = &error else {
        panic!("expected an Api error, got {error:?}");
    };
    assert_eq!(api.status(), 500);
    assert_eq!(api.body_text(), "oops");
}

#[tokio::test]
async fn one_function_handles_the_errors_of_every_crate() {
    fn summary<E>(error: &Error<E>) -> (Option<u16>, bool, bool) {
        (
            error.status().map(|s| s.as_u16()),
            matches!(error, Error::Auth(_)),
            error.is_retryable(),
        )
    }
    let (base, server) = start().await;
    server.on("GET", &tenants(), [Canned::new(429, "slow down")]);
    server.on(
        "GET",
        &format!("{VCPP_ROOT}/commit-contracts"),
        [Canned::new(429, "slow down")],
    );
    let core_error = tenants_error(&base, csp_runtime()).await;
    let vcpp_error = vcpp::Client::with_runtime(&format!("{base}{VCPP_ROOT}"), csp_runtime())
        .list_commit_contracts()
        .send()
        .await
        .unwrap_err();
    assert_eq!(summary(&core_error), (Some(429), false, true));
    assert_eq!(summary(&vcpp_error), (Some(429), false, true));
}
