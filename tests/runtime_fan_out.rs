//! `vmware_cpn_runtime::fan_out` through a generated client against an axum server on 127.0.0.1:
//! every item comes back with its own result, failures included; no more calls than the
//! limit are in flight; and one `Retry-After` holds back every call of the runtime.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use vmware_cpn_runtime::{Auth, Runtime, fan_out};
use vmware_cpn_test_support::{quick_retries, serve};

const LIMIT: usize = 8;

#[derive(Default)]
struct Server {
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    /// Every request's tenant and arrival.
    arrivals: Mutex<Vec<(String, Instant)>>,
    /// When `slow-down` was answered 429.
    refused_at: Mutex<Option<Instant>>,
    /// The first `LIMIT` requests wait here for each other, so the limit is reached.
    start_together: Option<tokio::sync::Barrier>,
    started: AtomicUsize,
}

async fn get_organization(State(server): State<Arc<Server>>, Path(org): Path<String>) -> Response {
    let now = server.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    server.most_in_flight.fetch_max(now, Ordering::SeqCst);
    server
        .arrivals
        .lock()
        .unwrap()
        .push((org.clone(), Instant::now()));
    if let Some(barrier) = &server.start_together
        && server.started.fetch_add(1, Ordering::SeqCst) < LIMIT
    {
        barrier.wait().await;
    }
    let response = if org.starts_with("missing") {
        (StatusCode::NOT_FOUND, "{}").into_response()
    } else if org == "slow-down" && server.refused_at.lock().unwrap().is_none() {
        *server.refused_at.lock().unwrap() = Some(Instant::now());
        (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], "{}").into_response()
    } else {
        axum::Json(serde_json::json!({ "id": org })).into_response()
    };
    server.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

async fn start(server: Arc<Server>) -> cphub_core::Client {
    let app = axum::Router::new()
        .route(
            "/cphub/api/core/v1/mgmt/orgs/{org}",
            axum::routing::get(get_organization),
        )
        .with_state(server);
    let base = serve(app).await;
    let runtime = Runtime::builder()
        .auth(Auth::csp_access_token("access-1"))
        .retry(quick_retries())
        .build()
        .unwrap();
    cphub_core::Client::with_runtime(&base, runtime)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_item_comes_back_with_its_result_failures_included_within_the_limit() {
    let server = Arc::new(Server {
        start_together: Some(tokio::sync::Barrier::new(LIMIT)),
        ..Server::default()
    });
    let client = start(server.clone()).await;
    let tenants: Vec<String> = (0..60)
        .map(|i| match i % 10 {
            3 => format!("missing-{i}"),
            _ => format!("tenant-{i}"),
        })
        .collect();

    let results: Vec<_> = tokio::time::timeout(
        Duration::from_secs(30),
        fan_out(tenants.clone(), LIMIT, |tenant| {
            client.get_organization().org_id(tenant).send()
        })
        .collect(),
    )
    .await
    .expect("the first calls wait for each other: fewer than the limit ran at once");

    assert_eq!(results.len(), tenants.len());
    for (tenant, result) in &results {
        if tenant.starts_with("missing") {
            assert_eq!(
                result.as_ref().unwrap_err().status().map(|s| s.as_u16()),
                Some(404)
            );
        } else {
            assert_eq!(
                result.as_ref().unwrap().id.as_deref(),
                Some(tenant.as_str())
            );
        }
    }
    let mut seen: Vec<_> = results.into_iter().map(|(tenant, _)| tenant).collect();
    seen.sort();
    let mut expected = tenants;
    expected.sort();
    assert_eq!(seen, expected);
    assert_eq!(server.most_in_flight.load(Ordering::SeqCst), LIMIT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_retry_after_holds_back_every_call_of_the_runtime() {
    let server = Arc::new(Server::default());
    let client = start(server.clone()).await;
    let tenants: Vec<String> = std::iter::once("slow-down".to_owned())
        .chain((0..400).map(|i| format!("tenant-{i}")))
        .collect();

    let results: Vec<_> = fan_out(tenants, LIMIT, |tenant| {
        client.get_organization().org_id(tenant).send()
    })
    .collect()
    .await;

    assert!(results.iter().all(|(_, result)| result.is_ok()));
    let refused_at = server.refused_at.lock().unwrap().unwrap();
    let arrivals = server.arrivals.lock().unwrap();
    // Only calls already sent when the 429 came may arrive during the wait; without the
    // shared back-off, the other lanes go on and hundreds arrive.
    let during_the_wait = arrivals
        .iter()
        .filter(|(_, at)| *at > refused_at && *at < refused_at + Duration::from_millis(900))
        .count();
    assert!(
        during_the_wait < 2 * LIMIT,
        "{during_the_wait} calls during the wait"
    );
    let retried = arrivals.iter().filter(|(t, _)| t == "slow-down").count();
    assert_eq!(retried, 2);
}
