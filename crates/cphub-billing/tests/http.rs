//! Every cphub-billing operation, called once against a loopback server: the request the client
//! sends (method, path, query, headers) is asserted, and the spec's example answer comes back
//! typed.

use cphub_billing::Client;
use cphub_billing::types::{SubscriptionStatus, SubscriptionType};
use futures::TryStreamExt;
use httpmock::prelude::*;
use vmware_cpn_test_support::{ORG, Spec, TOKEN, csp_runtime};

const TENANT: &str = "73338bcc-17e0-4480-9d25-f654532a1ee0";

fn client(server: &MockServer) -> Client {
    Client::with_runtime(&server.base_url(), csp_runtime())
}

#[tokio::test]
async fn get_usage_report_sends_every_filter_as_a_query_parameter() {
    let spec = Spec::load("cphub-billing");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/billing/v1/orgs/{ORG}/usage-report"))
                .header("csp-auth-token", TOKEN)
                .query_param("tenantId", TENANT)
                .query_param("startTime", "1561939200000")
                .query_param("endTime", "1569801600000")
                .query_param("serviceIds", "a,b")
                .query_param("detailView", "true")
                .query_param("providerReport", "false");
            then.status(200)
                .json_body(spec.response_example("get_usage_report", "200"));
        })
        .await;

    let report = client(&server)
        .get_usage_report()
        .org_id(ORG)
        .tenant_id(TENANT)
        .start_time(1561939200000_i64)
        .end_time(1569801600000_i64)
        .service_ids("a,b")
        .detail_view(true)
        .provider_report(false)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(report[0].org_id.as_deref(), Some(TENANT));
    let subscription = &report[0].services[0].subscriptions[0];
    assert_eq!(subscription.sid.as_deref(), Some("4711"));
    assert_eq!(
        subscription.subscription_type,
        Some(SubscriptionType::OnDemand)
    );
    assert_eq!(subscription.subscription_start_time, Some(1528386976000));
}

#[tokio::test]
async fn get_usage_report_leaves_out_unset_filters() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/billing/v1/orgs/{ORG}/usage-report"))
                .query_param_missing("tenantId")
                .query_param_missing("startTime")
                .query_param_missing("detailView");
            then.status(200).json_body(serde_json::json!([]));
        })
        .await;

    let report = client(&server)
        .get_usage_report()
        .org_id(ORG)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert!(report.is_empty());
}

#[tokio::test]
async fn download_usage_report_streams_the_csv_and_keeps_its_file_name() {
    let csv = "\"Org Id\",\"Org Name\"\n\"73338bcc\",\"Coke\"\n";
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/cphub/api/billing/v1/orgs/{ORG}/usage-report/file"
                ))
                .header("csp-auth-token", TOKEN)
                .query_param("tenantId", TENANT);
            then.status(200)
                .header("content-type", "text/csv")
                .header(
                    "content-disposition",
                    "attachment; filename=\"usage-report.csv\"",
                )
                .body(csv);
        })
        .await;

    let response = client(&server)
        .download_usage_report()
        .org_id(ORG)
        .tenant_id(TENANT)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"usage-report.csv\""
    );
    let chunks: Vec<_> = response
        .into_inner()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chunks.concat(), csv.as_bytes());
}

#[tokio::test]
async fn list_subscriptions_types_skus_offers_and_string_prices() {
    let spec = Spec::load("cphub-billing");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/cphub/api/billing/v1/orgs/{ORG}/subscriptions"))
                .header("csp-auth-token", TOKEN)
                .query_param("allTenants", "true")
                .query_param("providerReport", "true");
            then.status(200)
                .json_body(spec.response_example("list_subscriptions", "200"));
        })
        .await;

    let organizations = client(&server)
        .list_subscriptions()
        .org_id(ORG)
        .all_tenants(true)
        .provider_report(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let services = &organizations[0].services;
    assert_eq!(services.len(), 3);
    let subscription = &services[0].subscriptions[0];
    assert_eq!(subscription.status, Some(SubscriptionStatus::Active));
    let sku = &subscription.sku_data.as_ref().unwrap().skus[0];
    // Prices are strings on the wire and stay strings: no float rounding.
    assert_eq!(sku.unit_price.as_deref(), Some("51987.0"));
    let offer = sku.offer_info.as_ref().unwrap();
    assert_eq!(offer.commitment_term.as_deref(), Some("12"));
    assert_eq!(offer.quantity, Some(1));
}

#[test]
fn a_subscription_state_and_property_added_later_survive() {
    let body = serde_json::json!({
        "sid": "4713",
        "status": "SUSPENDED",
        "subscriptionType": "PAYG",
        "billingAccount": {"id": "ba-1"}
    });
    let subscription: cphub_billing::types::Subscription =
        serde_json::from_value(body.clone()).unwrap();
    assert!(subscription.status.as_ref().unwrap().is_unknown());
    assert!(
        subscription
            .subscription_type
            .as_ref()
            .unwrap()
            .is_unknown()
    );
    assert_eq!(serde_json::to_value(&subscription).unwrap(), body);
}
