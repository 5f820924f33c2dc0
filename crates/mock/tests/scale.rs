//! A provider at scale: thousands of seeded tenants, and a usage report of any length,
//! streamed and read back as typed rows.

mod common;

use common::Sdk;
use futures_util::TryStreamExt;
use vmware_cpn_mock::{Config, MockServer};

#[tokio::test]
async fn thousands_of_seeded_tenants_are_listed_and_fetched() {
    let mock = MockServer::start_with(Config::default().tenants(3_000))
        .await
        .unwrap();
    let sdk = Sdk::new(&mock);

    let tenants = sdk.list_tenants().await.unwrap();
    assert!(tenants.len() >= 3_000, "{} tenants", tenants.len());
    let last = sdk
        .core
        .get_organization()
        .org_id(vmware_cpn_mock::tenant_id(2_999))
        .send()
        .await
        .unwrap();
    assert_eq!(
        last.id.as_deref(),
        Some(vmware_cpn_mock::tenant_id(2_999).as_str())
    );
    assert_eq!(last.display_name.as_deref(), Some("Tenant 2999"));
}

#[tokio::test]
async fn the_usage_report_has_the_rows_asked_for_streamed_from_the_seeded_records() {
    let mock = MockServer::start_with(Config::default().usage_report_rows(25_000))
        .await
        .unwrap();
    let sdk = Sdk::new(&mock);
    let seeded = sdk
        .billing
        .get_usage_report()
        .org_id(mock.provider_org())
        .send()
        .await
        .unwrap()
        .into_inner();
    let seeded_orgs: Vec<_> = seeded.iter().filter_map(|r| r.org_id.clone()).collect();

    let response = sdk
        .billing
        .download_usage_report()
        .org_id(mock.provider_org())
        .send()
        .await
        .unwrap();
    // Streamed: chunked, with no length known up front.
    assert!(response.headers().get("content-length").is_none());
    drop(response);

    let report = sdk
        .billing
        .download_usage_report()
        .org_id(mock.provider_org())
        .rows()
        .await
        .unwrap();
    let expected_name = format!("usage-report-{}.csv", mock.provider_org());
    assert_eq!(report.file_name(), Some(expected_name.as_str()));
    let rows: Vec<_> = report.try_collect().await.unwrap();
    assert_eq!(rows.len(), 25_000);
    assert!(rows.iter().all(|row| {
        row.org_id
            .as_ref()
            .is_some_and(|org| seeded_orgs.contains(org))
            && row.extra.is_empty()
    }));
}

#[tokio::test]
async fn without_the_knob_the_report_has_the_records_rows() {
    let mock = MockServer::start().await.unwrap();
    let sdk = Sdk::new(&mock);
    let rows: Vec<_> = sdk
        .billing
        .download_usage_report()
        .org_id(mock.provider_org())
        .rows()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(!rows.is_empty());
    assert!(rows.len() < 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fanning_out_over_every_tenant_takes_one_token_exchange() {
    use futures_util::StreamExt;
    let mock = MockServer::start_with(Config::default().tenants(2_000))
        .await
        .unwrap();
    let sdk = Sdk::new(&mock);
    let tenants: Vec<String> = (0..2_000)
        .map(vmware_cpn_mock::tenant_id)
        .chain(["no-such-tenant".to_owned()])
        .collect();

    let results: Vec<_> = vmware_cpn_runtime::fan_out(tenants, 64, |tenant| {
        sdk.core.get_organization().org_id(tenant).send()
    })
    .collect()
    .await;

    assert_eq!(results.len(), 2_001);
    for (tenant, result) in &results {
        match result {
            Ok(org) => assert_eq!(org.id.as_deref(), Some(tenant.as_str())),
            Err(error) => {
                assert_eq!(tenant, "no-such-tenant");
                assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
            }
        }
    }
    assert_eq!(mock.token_exchanges(), 1);
}
