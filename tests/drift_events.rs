//! A client tells, once per operation, place and kind, when an answer holds what its spec does
//! not declare: one warn event, target `vmware_cpn::drift`, naming the operation and the JSON
//! path, never the value; the data is kept all the same. A binary of its own: the subscriber is
//! this thread's, and tracing caches per callsite whether anyone listens.

use serde_json::json;
use vmware_cpn_runtime::{Auth, Runtime};
use vmware_cpn_test_support::ORG;
use vmware_cpn_test_support::canned::{Canned, start};
use vmware_cpn_test_support::logs::Captured;
use vmware_cpn_test_support::paths::tenants;

fn drifted_tenants() -> Canned {
    Canned::json(
        200,
        json!([
            {"id": "tenant-id-SECRETLY-1", "status": "HIBERNATING", "loyaltyTier": "GOLD-VALUE"},
            {"id": "tenant-id-SECRETLY-2", "status": "ACTIVE"},
        ]),
    )
}

async fn client(base: &str) -> cphub_core::Client {
    let runtime = Runtime::builder()
        .auth(Auth::csp_access_token("ACCESS-DRIFT-TOKEN"))
        .build()
        .unwrap();
    cphub_core::Client::with_runtime(base, runtime)
}

#[tokio::test]
async fn the_first_drift_of_each_place_is_one_warning_without_its_value() {
    let lines = Captured::default();
    let subscriber = lines.subscriber(tracing::Level::WARN).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (base, server) = start().await;
    server.on("GET", &tenants(), [drifted_tenants(), drifted_tenants()]);
    let client = client(&base).await;
    for _ in 0..2 {
        let tenants = client.list_tenants().org_id(ORG).send().await.unwrap();
        // Kept all the same: the new enum value and the new property.
        let first = &tenants[0];
        assert_eq!(
            serde_json::to_value(&first.status).unwrap(),
            json!("HIBERNATING")
        );
        assert_eq!(first.extra["loyaltyTier"], json!("GOLD-VALUE"));
    }

    let text = lines.text();
    let events: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("vmware_cpn::drift"))
        .collect();
    assert_eq!(
        events.len(),
        2,
        "one per place and kind, not per call:\n{text}"
    );
    assert!(
        events
            .iter()
            .all(|e| e.contains("WARN") && e.contains("list_tenants"))
    );
    assert!(
        events
            .iter()
            .any(|e| e.contains("path=\"/*/status\"") && e.contains("unknown-enum-value")),
        "{text}"
    );
    assert!(
        events
            .iter()
            .any(|e| e.contains("path=\"/*/loyaltyTier\"") && e.contains("undeclared-property")),
        "{text}"
    );
    for value in [
        "HIBERNATING",
        "GOLD-VALUE",
        "SECRETLY",
        "ACCESS-DRIFT-TOKEN",
    ] {
        assert!(!text.contains(value), "{value} logged:\n{text}");
    }
}

#[tokio::test]
async fn an_answer_the_spec_declares_is_silent() {
    let lines = Captured::default();
    let subscriber = lines.subscriber(tracing::Level::TRACE).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (base, server) = start().await;
    let clean = Canned::json(
        200,
        json!([{"id": "t-1", "status": "DISABLED", "metaData": {"k": "v"}}]),
    );
    server.on("GET", &tenants(), [clean]);
    client(&base)
        .await
        .list_tenants()
        .org_id(ORG)
        .send()
        .await
        .unwrap();
    assert!(
        !lines.text().contains("vmware_cpn::drift"),
        "{}",
        lines.text()
    );
}

#[tokio::test]
async fn the_drifting_mock_is_reported_by_the_client_that_keeps_its_data() {
    use vmware_cpn_mock::{FindingKind, MockServer};

    let lines = Captured::default();
    let subscriber = lines.subscriber(tracing::Level::WARN).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = MockServer::start().await.unwrap();
    mock.drift("list_org_services", FindingKind::UndeclaredProperty)
        .unwrap();
    let runtime = Runtime::builder()
        .auth(Auth::csp_refresh_token(
            mock.base_url(),
            mock.refresh_token(),
        ))
        .build()
        .unwrap();
    let client = cphub_core::Client::with_runtime(mock.base_url(), runtime);
    let services = client
        .list_org_services()
        .org_id(mock.provider_org())
        .send()
        .await
        .unwrap();
    assert!(
        serde_json::to_string(&*services)
            .unwrap()
            .contains("a value of the drifted property"),
        "the data is kept"
    );
    let text = lines.text();
    let events: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("vmware_cpn::drift"))
        .collect();
    assert_eq!(events.len(), 1, "{text}");
    assert!(
        events[0].contains("list_org_services")
            && events[0].contains("path=\"/*/driftedProperty\"")
            && events[0].contains("undeclared-property"),
        "{text}"
    );
    assert!(!text.contains("a value of the drifted property"), "{text}");
}

#[tokio::test]
async fn an_error_body_that_drifts_is_reported_too() {
    let lines = Captured::default();
    let subscriber = lines.subscriber(tracing::Level::WARN).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (base, server) = start().await;
    let error = json!({"message": "no such org", "statusCode": 404, "retryHint": "LATER-VALUE"});
    server.on("GET", &tenants(), [Canned::json(404, error)]);
    let failed = client(&base)
        .await
        .list_tenants()
        .org_id(ORG)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failed.status().map(|s| s.as_u16()), Some(404));
    let text = lines.text();
    assert!(
        text.lines().any(|l| l.contains("vmware_cpn::drift")
            && l.contains("path=\"/retryHint\"")
            && l.contains("list_tenants")),
        "{text}"
    );
    assert!(!text.contains("LATER-VALUE"), "{text}");
}
