//! The navigator-msp operations against a loopback server: the request is asserted (method,
//! path and query by the typed httpmock helpers of the crate's `mock` feature), the
//! reference's example comes back typed, and values and properties the server adds later are
//! kept.

use httpmock::MockServer;
use navigator_msp::Client;
use navigator_msp::mock::MockServerExt;
use navigator_msp::types::{
    BillingFrequency, DateChangeReasonCode, MspSubscriptionDetails, MspSubscriptionStatus,
    OfferChangeReasonCode, OfferStatus, OfferType, RenewalPreference, SortOperator,
    SubscriptionChangeReasonCode, SubscriptionHistoryPage, SubscriptionSearchRequest,
    SubscriptionSortKey,
};
use serde_json::json;
use vmware_cpn_test_support::{ORG, Spec, called, csp_json, csp_runtime, csp_token, typed};

const SUBSCRIPTION: &str = "33628-4637-267384";

/// A fresh server and a client of it that sends the CSP token.
async fn served() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    (server, client)
}

#[tokio::test]
async fn get_subscription_sends_consolidate_offers_and_types_the_details() {
    let ((server, client), spec) = (served().await, Spec::load("navigator-msp"));
    let mock = server.get_subscription(|when, then| {
        let when = when.org_id(ORG).subscription_id(SUBSCRIPTION);
        csp_token(when.consolidate_offers(true).into_inner());
        then.ok(&typed(spec.response_example("get_subscription", "200")));
    });

    let call = client.get_subscription().org_id(ORG);
    let call = call.subscription_id(SUBSCRIPTION).consolidate_offers(true);
    let details = called(&mock, call.send()).await.into_inner();

    assert_eq!(details.id.as_deref(), Some(SUBSCRIPTION));
    assert_eq!(details.status, Some(MspSubscriptionStatus::Active));
    assert_eq!(details.billing_frequency, Some(BillingFrequency::Monthly));
    assert_eq!(details.renewal_preference, Some(RenewalPreference::Manual));
    // Dates are kept exactly as sent.
    assert_eq!(
        details.end_date.as_deref(),
        Some("2019-03-02T00:05:01.194Z")
    );
    let offer = &details.offers[0];
    assert_eq!(offer.purchase_quantity, Some(100));
    assert_eq!(offer.total_list_price, Some(35532.2));
    // The guide's example sends `organizationRef`; its schema table says `orgRef`.
    let organization = details.organization_ref.as_ref().unwrap();
    assert_eq!(
        organization.org_id.as_deref(),
        Some("163739g-63hijgds-63840bn")
    );
    assert!(details.org_ref.is_none());
    assert_eq!(
        details.payment.unwrap().contract_id.as_deref(),
        Some("5463")
    );
}

#[tokio::test]
async fn forbidden_is_a_typed_error_with_its_status() {
    let (server, client) = served().await;
    server.get_subscription(|_, then| {
        then.forbidden(&typed(json!({
            "statusCode": 403,
            "message": "Forbidden",
            "cspErrorCode": "ACCESS_DENIED"
        })));
    });

    let error = client
        .get_subscription()
        .org_id(ORG)
        .subscription_id(SUBSCRIPTION)
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    match error {
        navigator_msp::Error::Api(error) => {
            let body = error.typed().unwrap();
            assert_eq!(body.csp_error_code.as_deref(), Some("ACCESS_DENIED"));
        }
        other => panic!("expected the typed error body, got {other:?}"),
    }
}

#[test]
fn either_organization_reference_and_new_values_survive_a_round_trip() {
    let body = serde_json::json!({
        "orgRef": {"orgId": "o-1", "name": "Acme"},
        "status": "MIGRATING",
        "billingFrequency": "QUARTERLY",
        "consolidatedOffers": [{"name": "Bundle", "bundleId": "b-7"}],
        "additionalDetails": {"region": "EMEA"},
        "partnerTier": "GOLD"
    });
    let details: MspSubscriptionDetails = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        details.org_ref.as_ref().unwrap().org_id.as_deref(),
        Some("o-1")
    );
    assert_eq!(
        details.status,
        Some(MspSubscriptionStatus::Unknown("MIGRATING".to_owned()))
    );
    assert!(details.billing_frequency.as_ref().unwrap().is_unknown());
    assert_eq!(details.consolidated_offers[0].extra["bundleId"], "b-7");
    assert_eq!(details.additional_details["region"], "EMEA");
    assert_eq!(serde_json::to_value(&details).unwrap(), body);
}

#[tokio::test]
async fn search_subscriptions_sends_the_documented_search_and_types_the_page() {
    let spec = Spec::load("navigator-msp");
    let request = spec.request_example("search_subscriptions");
    // The generated type leaves an empty `filters` map out; the rest is sent as documented.
    let mut sent = request.clone();
    sent.as_object_mut().unwrap().remove("filters");
    let (server, client) = served().await;
    let mock = server.search_subscriptions(|when, then| {
        csp_json(
            when.org_id(ORG).page_start(1).page_limit(10).into_inner(),
            &sent,
        );
        then.ok(&typed(spec.response_example("search_subscriptions", "200")));
    });

    let body: SubscriptionSearchRequest = serde_json::from_value(request).unwrap();
    let sorter = body.sorter.as_ref().unwrap();
    assert_eq!(
        sorter.key,
        Some(SubscriptionSortKey::BillingEngineSubscriptionId)
    );
    assert_eq!(sorter.operator, Some(SortOperator::Asc));
    let call = client.search_subscriptions().org_id(ORG).page_start(1);
    let page = called(&mock, call.page_limit(10).body(body).send()).await;

    assert_eq!(
        (page.current, page.next, page.total_results_count),
        (Some(1), Some(3), Some(100))
    );
    let summary = &page.results[0];
    assert_eq!(
        summary.id.as_deref(),
        Some("abdb210c-3459-4487-b0aa-dc64947b8a13")
    );
    assert_eq!(
        summary.billing_engine_subscription_id.as_deref(),
        Some("M13130022")
    );
    assert_eq!(summary.status, Some(MspSubscriptionStatus::Submitted));
    assert_eq!(summary.renewal_preference, Some(RenewalPreference::Auto));
    assert_eq!(
        summary.subscription_end_date.as_deref(),
        Some("2020-12-22T00:00:00Z")
    );
    // The summary's organization reference is {id, name, uuid}.
    let organization = summary.organization_ref.as_ref().unwrap();
    assert_eq!(
        organization.uuid.as_deref(),
        Some("1234568d-49c0-49eb-baf3-e5d16cf32d22")
    );
    assert_eq!(
        summary.service_ref.as_ref().unwrap().name.as_deref(),
        Some("Workspace ONE")
    );
}

#[tokio::test]
async fn get_subscription_history_sends_its_page_and_types_the_transactions() {
    let ((server, client), spec) = (served().await, Spec::load("navigator-msp"));
    let mock = server.get_subscription_history(|when, then| {
        let when = when.org_id(ORG).subscription_id(SUBSCRIPTION);
        // The spec publishes no property (nor example) of the history search.
        csp_json(when.page_start(1).page_limit(10).into_inner(), &json!({}));
        then.ok(&typed(
            spec.response_example("get_subscription_history", "200"),
        ));
    });

    let call = client.get_subscription_history().org_id(ORG);
    let call = call
        .subscription_id(SUBSCRIPTION)
        .page_start(1)
        .page_limit(10);
    let page = called(&mock, call.body(serde_json::Map::new()).send()).await;

    assert_eq!((page.current, page.next), (Some(1), Some(3)));
    let transaction = &page.results[0];
    let created = transaction.create_transaction.as_ref().unwrap();
    assert_eq!(created.total_list_price, Some(35532.2));
    let offer = &created.offers[0];
    assert_eq!(offer.name.as_deref(), Some("VMware Workspace ONE Standard"));
    assert_eq!(offer.offer_type, Some(OfferType::Commit));
    assert_eq!(offer.purchase_quantity, Some(100));
    let change = &transaction
        .offer_status_transaction
        .as_ref()
        .unwrap()
        .offers[0];
    assert_eq!(
        (change.from_status.clone(), change.to_status.clone()),
        (Some(OfferStatus::Active), Some(OfferStatus::Expired))
    );
    assert_eq!(
        change.change_reasons[0].code,
        Some(OfferChangeReasonCode::TermOver)
    );
    assert_eq!(
        transaction
            .renewal_preference_transaction
            .as_ref()
            .unwrap()
            .from_preference,
        Some(RenewalPreference::Auto)
    );
}

#[test]
fn both_history_item_shapes_decode_and_round_trip() {
    let spec = Spec::load("navigator-msp");
    for name in ["operationPage", "dataStructurePages"] {
        let body = spec.named_response_example("get_subscription_history", "200", name);
        let page: SubscriptionHistoryPage = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(serde_json::to_value(&page).unwrap(), body, "{name}");
        assert!(page.results.iter().all(|t| t.extra.is_empty()), "{name}");
    }

    // The data-structure pages' shape: every kind of transaction is typed.
    let body = spec.named_response_example("get_subscription_history", "200", "dataStructurePages");
    let page: SubscriptionHistoryPage = serde_json::from_value(body).unwrap();
    let (first, second) = (&page.results[0], &page.results[1]);
    assert_eq!(
        first.requestor.as_ref().unwrap().entity_type.as_deref(),
        Some("USER")
    );
    let created = first.subscription_create.as_ref().unwrap();
    let add_on = &created.offers[0].add_on_offers[0];
    assert_eq!(
        add_on.offer_cost.as_ref().unwrap().promotion_savings[0]
            .promotion_code
            .as_deref(),
        Some("string")
    );
    assert_eq!(
        first.offer_status_change.as_ref().unwrap().offers[0].change_reasons[0].code,
        Some(OfferChangeReasonCode::WaitingProvisioning)
    );
    assert_eq!(
        second
            .subscription_date_change
            .as_ref()
            .unwrap()
            .change_reasons[0]
            .code,
        Some(DateChangeReasonCode::InitialOrder)
    );
    assert_eq!(
        second
            .subscription_status_change
            .as_ref()
            .unwrap()
            .change_reasons[0]
            .code,
        Some(SubscriptionChangeReasonCode::CreationSuccess)
    );
    assert_eq!(
        second.subscription_offer_amend.as_ref().unwrap().changeset[0]
            .change_type
            .as_deref(),
        Some("CREDIT")
    );
}
