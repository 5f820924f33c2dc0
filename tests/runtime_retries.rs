//! The runtime's retries, timeouts and tracing, proven through generated clients against
//! servers on 127.0.0.1: idempotent calls retried within bounds and honouring `Retry-After`,
//! POST never retried, dropped connections, timeouts, and a span with no secret.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use cphub_core::types::{ErrorResponse, Organization};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vmware_cpn_runtime::{Auth, RetryPolicy, Runtime};
use vmware_cpn_test_support::fake_service::{self, Scripted};
use vmware_cpn_test_support::logs::Captured;
use vmware_cpn_test_support::{ORG, quick_retries};

/// A tenant to create: the guide's example.
fn tenant() -> cphub_core::types::builder::TenantCreate {
    cphub_core::types::TenantCreate::builder()
        .tenant_type(cphub_core::types::TenantType::Default)
        .country("US")
        .display_name("Lorem")
        .company_name("Lorem Ipsum")
        .city("Atlanta")
        .state("GA")
        .zip("30313")
        .domain("lorem.com")
        .address_line1("13 Rosebery Avenue")
}

fn client(base: &str, retry: RetryPolicy) -> cphub_core::Client {
    let runtime = Runtime::builder()
        .auth(Auth::csp_access_token("access-1"))
        .retry(retry)
        .build()
        .unwrap();
    cphub_core::Client::with_runtime(base, runtime)
}

/// `list_tenants` of [`ORG`] at `base`, with [`quick_retries`].
async fn list_tenants(
    base: &str,
) -> Result<cphub_core::ResponseValue<Vec<Organization>>, cphub_core::Error<ErrorResponse>> {
    client(base, quick_retries())
        .list_tenants()
        .org_id(ORG)
        .send()
        .await
}

#[tokio::test]
async fn a_get_is_retried_after_503_honouring_retry_after() {
    let (base, fake) = fake_service::start().await;
    fake.script([Scripted::Status(503, Some("1"))]);

    let started = Instant::now();
    list_tenants(&base).await.unwrap();

    assert_eq!(fake.hits.load(Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}, less than Retry-After",
        started.elapsed()
    );
}

#[tokio::test]
async fn every_retryable_status_is_retried_for_a_get() {
    for status in [429, 502, 503, 504] {
        let (base, fake) = fake_service::start().await;
        fake.script([Scripted::Status(status, None)]);
        list_tenants(&base).await.unwrap();
        assert_eq!(fake.hits.load(Ordering::SeqCst), 2, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_post_is_never_retried() {
    let (base, fake) = fake_service::start().await;
    fake.script([
        Scripted::Status(503, Some("0")),
        Scripted::Status(503, None),
    ]);

    let error = client(&base, quick_retries())
        .create_tenant()
        .org_id(ORG)
        .body(tenant())
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        fake.hits.load(Ordering::SeqCst),
        1,
        "a tenant must not be created twice"
    );
}

#[tokio::test]
async fn attempts_are_bounded() {
    let (base, fake) = fake_service::start().await;
    fake.script(std::iter::repeat_n(Scripted::Status(503, None), 10));

    let error = list_tenants(&base).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(fake.hits.load(Ordering::SeqCst), 3);
    match error {
        cphub_core::Error::Api(error) => {
            assert_eq!(error.typed().unwrap().message.as_deref(), Some("scripted"));
        }
        other => panic!("the last answer's typed body is kept, got {other:?}"),
    }
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_is_not_waited_for() {
    let (base, fake) = fake_service::start().await;
    fake.script([Scripted::Status(429, Some("3600"))]);

    let started = Instant::now();
    let error = list_tenants(&base).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(fake.hits.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_slow_answer_times_out_and_a_get_is_retried_within_its_attempts() {
    let (base, fake) = fake_service::start().await;
    fake.resource_delay_ms.store(2_000, Ordering::SeqCst);
    let runtime = Runtime::builder()
        .auth(Auth::csp_access_token("access-1"))
        .retry(quick_retries())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let error = cphub_core::Client::with_runtime(&base, runtime)
        .list_tenants()
        .org_id(ORG)
        .send()
        .await
        .unwrap_err();

    match error {
        cphub_core::Error::Transport(e) => assert!(e.is_timeout(), "{e}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    // A timeout is transient (`Failure::is_transient`), and a GET is safe to send again.
    assert_eq!(fake.hits.load(Ordering::SeqCst), 3);
}

/// A server that drops the first `drops` connections without answering, then answers `[]`.
async fn dropping_server(drops: u32) -> (String, Arc<AtomicU32>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicU32::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let seen = counter.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut buffer).await;
                if seen > drops {
                    let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                  content-length: 2\r\nconnection: close\r\n\r\n[]";
                    let _ = socket.write_all(answer.as_bytes()).await;
                }
                // Dropping the socket closes the connection, answered or not.
            });
        }
    });
    (format!("http://{address}"), connections)
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_a_get() {
    let (base, connections) = dropping_server(1).await;

    let tenants = list_tenants(&base).await.unwrap();

    assert!(tenants.is_empty());
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_dropped_connection_is_not_retried_for_a_post() {
    let (base, connections) = dropping_server(1).await;

    let error = client(&base, quick_retries())
        .create_tenant()
        .org_id(ORG)
        .body(tenant())
        .send()
        .await
        .unwrap_err();

    assert!(
        matches!(error, cphub_core::Error::Transport(_)),
        "{error:?}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn each_call_has_a_span_with_operation_status_attempt_and_latency_and_no_token() {
    let (base, fake) = fake_service::start().await;
    fake.script([Scripted::Status(502, None)]);
    let captured = Captured::default();
    let subscriber = captured
        .subscriber(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    list_tenants(&base).await.unwrap();

    let log = captured.text();
    for expected in [
        "api_call",
        "operation=\"list_tenants\"",
        "method=GET",
        "path=\"/cphub/api/core/v1/mgmt/orgs/{orgId}/tenants\"",
        "status=200",
        "attempt=2",
        "latency_ms=",
        "retrying",
    ] {
        assert!(log.contains(expected), "no {expected} in:\n{log}");
    }
    assert!(!log.contains("access-1"), "the token leaked:\n{log}");
}
