//! Every cphub-billing operation, called once against a loopback server: the request the client
//! sends (method, path and query by the typed httpmock helpers of the crate's `mock` feature,
//! headers) is asserted, and the spec's example answer comes back typed.

use cphub_billing::Client;
use cphub_billing::mock::MockServerExt;
use cphub_billing::types::{SubscriptionStatus, SubscriptionType};
use futures::TryStreamExt;
use httpmock::MockServer;
use vmware_cpn_test_support::{ORG, Spec, called, csp_runtime, csp_token, typed};

const TENANT: &str = "73338bcc-17e0-4480-9d25-f654532a1ee0";

/// A fresh server and a client of it that sends the CSP token.
async fn served() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    (server, client)
}

#[tokio::test]
async fn get_usage_report_sends_every_filter_as_a_query_parameter() {
    let ((server, client), spec) = (served().await, Spec::load("cphub-billing"));
    let mock = server.get_usage_report(|when, then| {
        let when = when.org_id(ORG).tenant_id(TENANT);
        let when = when.start_time(1561939200000).end_time(1569801600000);
        let when = when.service_ids("a,b").detail_view(true);
        csp_token(when.provider_report(false).into_inner());
        then.ok(&typed(spec.response_example("get_usage_report", "200")));
    });

    let call = client.get_usage_report().org_id(ORG).tenant_id(TENANT);
    let call = call
        .start_time(1561939200000_i64)
        .end_time(1569801600000_i64);
    let call = call
        .service_ids("a,b")
        .detail_view(true)
        .provider_report(false);
    let report = called(&mock, call.send()).await.into_inner();

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
    let (server, client) = served().await;
    let mock = server.get_usage_report(|when, then| {
        let when = when.org_id(ORG).tenant_id(None).start_time(None);
        when.detail_view(None);
        then.ok(&Vec::new());
    });

    let report = called(&mock, client.get_usage_report().org_id(ORG).send()).await;

    assert!(report.is_empty());
}

#[tokio::test]
async fn download_usage_report_streams_the_csv_and_keeps_its_file_name() {
    let csv = "\"Org Id\",\"Org Name\"\n\"73338bcc\",\"Coke\"\n";
    let (server, client) = served().await;
    let mock = server.download_usage_report(|when, then| {
        csp_token(when.org_id(ORG).tenant_id(TENANT).into_inner());
        then.into_inner()
            .status(200)
            .header("content-type", "text/csv")
            .header(
                "content-disposition",
                "attachment; filename=\"usage-report.csv\"",
            )
            .body(csv);
    });

    let call = client.download_usage_report().org_id(ORG).tenant_id(TENANT);
    let response = called(&mock, call.send()).await;

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
    let ((server, client), spec) = (served().await, Spec::load("cphub-billing"));
    let mock = server.list_subscriptions(|when, then| {
        let when = when.org_id(ORG).all_tenants(true).provider_report(true);
        csp_token(when.into_inner());
        then.ok(&typed(spec.response_example("list_subscriptions", "200")));
    });

    let call = client.list_subscriptions().org_id(ORG).all_tenants(true);
    let organizations = called(&mock, call.provider_report(true).send()).await;

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
