//! No log line carries an access token, refresh token or client secret, whatever a loopback
//! server sends back. A binary of its own: the subscriber is this thread's, and tracing caches
//! per callsite whether anyone listens, which tests running beside it on other threads would
//! settle first.

use serde_json::json;
use vmware_cpn_runtime::Auth;
use vmware_cpn_test_support::canned::{Canned, start};
use vmware_cpn_test_support::logs::Captured;
use vmware_cpn_test_support::paths::{NAVIGATOR_EXCHANGE, tenants};
use vmware_cpn_test_support::{ORG, assert_hidden};

#[tokio::test]
async fn no_log_line_carries_a_secret() {
    // Every log line, at every level and from every crate, on this thread.
    let lines = Captured::default();
    let subscriber = lines.subscriber(tracing::Level::TRACE).finish();
    // The current-thread test runtime runs the client and the server on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);

    let (base, server) = start().await;
    server.on(
        "POST",
        NAVIGATOR_EXCHANGE,
        [
            Canned::access_token("ACCESS-L1"),
            Canned::json(
                400,
                json!({"message": "REFRESH-L0 refused", "accessToken": "ACCESS-L2"}),
            ),
        ],
    );
    server.on(
        "GET",
        &tenants(),
        [
            Canned::new(503, "retry ACCESS-L1").header("retry-after", "0"),
            Canned::new(401, "token ACCESS-L1 expired"),
        ],
    );
    let quick = vmware_cpn_runtime::RetryPolicy::default()
        .initial_backoff(std::time::Duration::from_millis(1));
    let runtime = vmware_cpn_runtime::Runtime::builder()
        .auth(Auth::csp_refresh_token(&base, "REFRESH-L0"))
        .retry(quick)
        .build()
        .unwrap();
    let error = cphub_core::Client::with_runtime(&base, runtime)
        .list_tenants()
        .org_id(ORG)
        .send()
        .await
        .unwrap_err();
    tracing::error!(%error, ?error, "the call failed");

    let text = lines.text();
    assert!(text.contains("api_call"), "the span was logged: {text}");
    assert!(text.contains("retrying"), "{text}");
    assert_hidden(&text, &["ACCESS-L", "REFRESH-L0"]);
}
