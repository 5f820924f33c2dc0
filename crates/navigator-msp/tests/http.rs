//! The navigator-msp operation against a loopback server: the request is asserted, the guide's
//! example comes back typed, and values and properties the server adds later are kept.

use httpmock::prelude::*;
use navigator_msp::Client;
use navigator_msp::types::{
    BillingFrequency, MspSubscriptionDetails, MspSubscriptionStatus, RenewalPreference,
};
use test_support::{ORG, Spec, TOKEN, csp_runtime};

const SUBSCRIPTION: &str = "33628-4637-267384";

#[tokio::test]
async fn get_subscription_sends_consolidate_offers_and_types_the_details() {
    let spec = Spec::load("navigator-msp");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!(
                    "/cphub/api/msp/v1/orgs/{ORG}/subscriptions/{SUBSCRIPTION}"
                ))
                .header("csp-auth-token", TOKEN)
                .query_param("consolidate_offers", "true");
            then.status(200)
                .json_body(spec.response_example("get_subscription", "200"));
        })
        .await;

    let details = Client::with_runtime(&server.base_url(), csp_runtime())
        .get_subscription()
        .org_id(ORG)
        .subscription_id(SUBSCRIPTION)
        .consolidate_offers(true)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
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
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path_includes("/subscriptions/");
            then.status(403).json_body(serde_json::json!({
                "statusCode": 403,
                "message": "Forbidden",
                "cspErrorCode": "ACCESS_DENIED"
            }));
        })
        .await;

    let error = Client::with_runtime(&server.base_url(), csp_runtime())
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
