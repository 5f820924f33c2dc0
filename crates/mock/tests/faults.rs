//! The runtime's retry and refresh rules, proven end to end through the mock's faults.

mod common;

use std::time::{Duration, Instant};

use common::Sdk;
use serde_json::json;
use vmware_cpn_mock::{Config, Fault, MockServer};
use vmware_cpn_runtime::{RetryPolicy, Runtime};
use vmware_cpn_test_support::typed;

fn retrying() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(20))
}

#[tokio::test]
async fn a_get_answered_503_with_retry_after_is_retried_after_the_wait() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::with_retry(&mock, retrying());
    mock.inject("list_tenants", Fault::status_retry_after(503, 1), 1);

    let started = Instant::now();
    let tenants = sdk.list_tenants().await.unwrap();

    assert!(!tenants.is_empty());
    assert_eq!(mock.calls("list_tenants"), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
}

#[tokio::test]
async fn a_vcpp_get_answered_429_then_502_is_retried_until_it_succeeds() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::with_retry(&mock, retrying());
    mock.inject("list_commit_contracts", Fault::status(429), 1);
    mock.inject("list_commit_contracts", Fault::status(502), 1);

    let contracts = sdk.vcpp.list_commit_contracts().send().await.unwrap();

    assert!(!contracts.contract_list.is_empty());
    assert_eq!(mock.calls("list_commit_contracts"), 3);
}

#[tokio::test]
async fn retries_stop_at_the_attempt_bound_with_the_last_typed_error() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::with_retry(&mock, retrying());
    mock.inject("get_organization", Fault::status(503), 10);

    let error = sdk
        .core
        .get_organization()
        .org_id(mock.provider_org())
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let Some(answer) = error.typed() else {
        panic!("expected the typed error body, got {error:?}");
    };
    assert_eq!(answer.status_code, Some(503));
    assert_eq!(mock.calls("get_organization"), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_a_get() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::with_retry(&mock, retrying());
    mock.inject("list_close_reasons", Fault::DropConnection, 1);

    let reasons = sdk
        .support
        .list_close_reasons()
        .org_id(mock.provider_org())
        .send()
        .await
        .unwrap();

    assert!(!reasons.close_sr_reasons.is_empty());
    assert_eq!(mock.calls("list_close_reasons"), 2);
}

#[tokio::test]
async fn an_order_is_never_retried_not_on_503_nor_on_a_dropped_connection() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::with_retry(&mock, retrying());
    let order: vcpp::types::OrderRequestEnvelope =
        typed(vmware_cpn_test_support::Spec::load("vcpp").request_example("place_order"));
    let part = order
        .order_request
        .orders
        .order
        .order_line_list
        .order_line_item[0]
        .part_number
        .clone();

    mock.inject("place_order", Fault::status_retry_after(503, 0), 1);
    let refused = sdk.vcpp.place_order(&order).await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.calls("place_order"), 1);

    mock.inject("place_order", Fault::DropConnection, 1);
    sdk.vcpp.place_order(&order).await.unwrap_err();
    assert_eq!(
        mock.calls("place_order"),
        2,
        "a dropped order was sent again"
    );

    let feed = sdk.vcpp.get_order_feed(&Default::default()).await.unwrap();
    let placed = feed
        .into_inner()
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.part_id.as_deref() == Some(part.as_str()))
        .count();
    assert_eq!(placed, 0, "no order reached the service");
}

#[tokio::test]
async fn a_tenant_creation_answered_503_is_not_retried() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::with_retry(&mock, retrying());
    let org = mock.provider_org();
    let before = sdk.list_tenants().await.unwrap().len();
    mock.inject("create_tenant", Fault::status(503), 1);

    let body = typed::<cphub_core::types::TenantCreate>(json!({
        "tenantType": "DEFAULT", "country": "US", "displayName": "Once", "companyName": "Once",
        "city": "Atlanta", "state": "GA", "zip": "30313", "domain": "once.example",
        "addressLine1": "1 Peachtree St",
    }));
    sdk.core
        .create_tenant()
        .org_id(org)
        .body(body)
        .send()
        .await
        .unwrap_err();

    assert_eq!(mock.calls("create_tenant"), 1);
    assert_eq!(sdk.list_tenants().await.unwrap().len(), before);
}

#[tokio::test]
async fn expired_tokens_get_a_401_then_one_refresh_and_one_retry() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);
    let org = mock.provider_org();
    sdk.auth.list_users().org_id(org).send().await.unwrap();
    sdk.vcpp.list_commit_contracts().send().await.unwrap();
    assert_eq!(mock.token_exchanges(), 2, "one CSP and one VCPP exchange");

    mock.expire_tokens();
    sdk.auth.list_users().org_id(org).send().await.unwrap();
    sdk.vcpp.list_commit_contracts().send().await.unwrap();

    assert_eq!(
        mock.token_exchanges(),
        4,
        "each expired token was replaced once"
    );
    assert_eq!(mock.calls("list_users"), 3, "the 401 was retried once");
    assert_eq!(mock.calls("list_commit_contracts"), 3);
}

#[tokio::test]
async fn a_short_token_lifetime_is_refreshed_ahead_of_expiry_without_a_401() {
    let config = Config::default()
        .token_lifetime(Duration::from_secs(2))
        .record_journal(true);
    let mock = MockServer::start_with(config).await.unwrap();
    let sdk = Sdk::new(&mock);

    sdk.list_tenants().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    sdk.list_tenants().await.unwrap();

    assert_eq!(mock.token_exchanges(), 2);
    assert!(
        mock.journal().iter().all(|e| e.status != 401),
        "the token was replaced before the service refused it"
    );
}

#[tokio::test]
async fn a_malformed_body_is_a_typed_error_that_keeps_the_bytes() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);
    mock.inject("get_subscription", Fault::MalformedBody, 1);

    let error = sdk
        .msp
        .get_subscription()
        .org_id(mock.provider_org())
        .subscription_id("33628-4637-267384")
        .send()
        .await
        .unwrap_err();

    let navigator_msp::Error::InvalidAnswer(answer) = error else {
        panic!("expected InvalidAnswer, got {error:?}");
    };
    assert_eq!(answer.status(), 200);
    assert!(answer.body().starts_with(b"{\"truncated\""));
}

#[tokio::test]
async fn latency_beyond_the_timeout_fails_a_get_after_its_attempts() {
    let mock = MockServer::start().await.unwrap();
    let runtime = Runtime::builder()
        .auth(vmware_cpn_runtime::Auth::csp_access_token(
            mock.issue_access_token(),
        ))
        .retry(retrying())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let core = cphub_core::Client::with_runtime(mock.base_url(), runtime);
    // A timed-out GET is retried (the failure classifier: timeouts are transient), so every
    // attempt is slow.
    mock.inject("list_tenants", Fault::Latency(Duration::from_secs(2)), 3);

    let error = core
        .list_tenants()
        .org_id(mock.provider_org())
        .send()
        .await
        .unwrap_err();

    assert!(
        matches!(&error, cphub_core::Error::Transport(e) if e.is_timeout()),
        "{error:?}"
    );
    assert_eq!(mock.calls("list_tenants"), 3);
    // Latency that fits the timeout only delays the answer.
    mock.inject("list_tenants", Fault::Latency(Duration::from_millis(50)), 1);
    core.list_tenants()
        .org_id(mock.provider_org())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn many_concurrent_first_calls_share_one_token_exchange() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);
    // The exchange is slow, so every call arrives while it is under way.
    mock.inject(
        "get_access_token",
        Fault::Latency(Duration::from_millis(200)),
        1,
    );

    let calls = (0..40).map(|_| sdk.list_tenants());
    let answers = futures_util::future::join_all(calls).await;

    assert!(answers.iter().all(Result::is_ok));
    assert_eq!(mock.token_exchanges(), 1);
    assert_eq!(mock.calls("list_tenants"), 40);
}

#[tokio::test]
async fn a_token_lifetime_beyond_the_clock_is_no_panic_in_the_client() {
    // The mock announces `expiresIn: 18446744073709551615`, as a broken server might.
    let mock = MockServer::start_with(Config::default().token_lifetime(Duration::MAX))
        .await
        .unwrap();
    let sdk = Sdk::new(&mock);

    sdk.list_tenants().await.unwrap();
    sdk.list_tenants().await.unwrap();

    assert_eq!(mock.token_exchanges(), 1, "the token is kept");
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_is_the_answer_not_a_wait() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::with_retry(&mock, retrying());
    // A second spent on the first attempt, then a wait of u64::MAX seconds asked for: the
    // two added overflow, which must end the call, not the program.
    mock.inject("list_tenants", Fault::status_retry_after(503, 1), 1);
    mock.inject("list_tenants", Fault::status_retry_after(503, u64::MAX), 1);

    let started = Instant::now();
    let error = sdk.list_tenants().await.unwrap_err();

    assert_eq!(
        error.status(),
        Some(reqwest::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(
        mock.calls("list_tenants"),
        2,
        "the second answer was not retried"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}
