//! No log line carries an access token, refresh token or client secret, whatever a loopback
//! server sends back. A binary of its own: the subscriber is this thread's, and tracing caches
//! per callsite whether anyone listens, which tests running beside it on other threads would
//! settle first.

#[path = "canned_server.rs"]
mod canned_server;

use std::io::Write;
use std::sync::{Arc, Mutex};

use canned_server::{CSP_EXCHANGE, Canned, ORG, start, tenants};
use serde_json::json;
use vmware_cpn_runtime::Auth;

fn assert_hidden(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} printed in: {text}");
    }
}

/// Collects every log line, at every level and from every crate, on this thread.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_log_line_carries_a_secret() {
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The current-thread test runtime runs the client and the server on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);

    let (base, server) = start().await;
    server.on(
        "POST",
        CSP_EXCHANGE,
        [
            Canned::json(200, json!({"accessToken": "ACCESS-L1", "expiresIn": 1800})),
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

    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("api_call"), "the span was logged: {text}");
    assert!(text.contains("retrying"), "{text}");
    assert_hidden(&text, &["ACCESS-L", "REFRESH-L0"]);
}
