//! Every generated vcpp operation, called once against a loopback server under the API root:
//! the request the client sends (method, path, query, bearer token) is asserted, and the
//! guide's example answer comes back typed.

use httpmock::prelude::*;
use vcpp::Client;
use vcpp::types::CommitContractList;
use vmware_cpn_test_support::{Spec, TOKEN, bearer_runtime};

const ROOT: &str = "/v1/m3/api/vcpp";
const CONTRACT: &str = "12611521";

/// Answers `GET {ROOT}{path}` (with `query`) with the spec's example for `operation_id`, and
/// checks the bearer token.
async fn serve_example<'a>(
    server: &'a MockServer,
    spec: &Spec,
    operation_id: &str,
    path: &str,
    query: Option<(&str, &str)>,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            let when = when
                .method(GET)
                .path(format!("{ROOT}{path}"))
                .header("authorization", format!("bearer {TOKEN}"))
                .header("accept", "application/json");
            if let Some((name, value)) = query {
                when.query_param(name, value);
            }
            then.status(200)
                .json_body(spec.response_example(operation_id, "200"));
        })
        .await
}

fn client(server: &MockServer) -> Client {
    Client::with_runtime(&server.url(ROOT), bearer_runtime())
}

#[tokio::test]
async fn list_commit_contracts_keeps_numbers_as_strings() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let mock = serve_example(
        &server,
        &spec,
        "list_commit_contracts",
        "/commit-contracts",
        None,
    )
    .await;

    let contracts = client(&server)
        .list_commit_contracts()
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let contract = &contracts.contract_list[0];
    assert_eq!(contract.contract_number.as_deref(), Some(CONTRACT));
    assert_eq!(contract.contract_balance.as_deref(), Some("500000.0"));
    assert_eq!(contract.sp_prmid.as_deref(), Some("1349347"));
}

#[tokio::test]
async fn get_commit_contract_puts_the_number_in_the_path() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let path = format!("/commit-contracts/{CONTRACT}");
    let mock = serve_example(&server, &spec, "get_commit_contract", &path, None).await;

    let contracts: CommitContractList = client(&server)
        .get_commit_contract()
        .contract_number(CONTRACT)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(
        contracts.contract_list[0].commit_sku.as_deref(),
        Some("VCAN-AIR-LV5-C")
    );
}

#[tokio::test]
async fn list_contract_users_types_the_users() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let path = format!("/commit-contracts/{CONTRACT}/users");
    let mock = serve_example(&server, &spec, "list_contract_users", &path, None).await;

    let users = client(&server)
        .list_contract_users()
        .contract_number(CONTRACT)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let user = &users.user_list.as_ref().unwrap().user_list[0];
    assert_eq!(user.is_admin, Some(true));
    assert_eq!(user.customer_number.as_deref(), Some("9125255974"));
}

#[tokio::test]
async fn list_core_coreless_products_types_the_variations() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let path = format!("/commit-contracts/{CONTRACT}/subscription-products/core-coreless");
    let mock = serve_example(&server, &spec, "list_core_coreless_products", &path, None).await;

    let products = client(&server)
        .list_core_coreless_products()
        .contract_number(CONTRACT)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let product = &products.core_product[0];
    assert_eq!(product.base_sku.as_deref(), Some("ADD-AACLS-C"));
    let variation = &product.core_variations.as_ref().unwrap().core_variation[0];
    assert_eq!(
        variation.cross_ref_sku.as_deref(),
        Some("ADD-AACLS-12AT0-C1S")
    );
    assert_eq!(variation.price.as_deref(), Some("500"));
}

#[tokio::test]
async fn list_contract_service_instances_types_the_instances() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let path = format!("/commit-contracts/{CONTRACT}/service-instances");
    let mock = serve_example(
        &server,
        &spec,
        "list_contract_service_instances",
        &path,
        None,
    )
    .await;

    let instances = client(&server)
        .list_contract_service_instances()
        .contract_number(CONTRACT)
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let instance = &instances
        .service_list
        .as_ref()
        .unwrap()
        .commit_services_vo_list[0];
    assert_eq!(instance.service_instance_id.as_deref(), Some("M495240519"));
    assert_eq!(instance.end_user_name, None);
}

#[tokio::test]
async fn get_service_instance_types_header_components_and_commit() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let mock = serve_example(
        &server,
        &spec,
        "get_service_instance",
        "/service-instances/M495240519",
        None,
    )
    .await;

    let details = client(&server)
        .get_service_instance()
        .service_instance_id("M495240519")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let header = details.header_details_vo.as_ref().unwrap();
    assert_eq!(header.anniversary_billing_date, Some(1514102400000));
    assert_eq!(header.commit_id.as_deref(), Some("1131023"));
    assert_eq!(header.remaining_term.as_deref(), Some("-353"));
    let component = &details.component_list.as_ref().unwrap().component_list[0];
    assert_eq!(component.quantity.as_deref(), Some("82"));
    let commit = details.commit_details_vo.as_ref().unwrap();
    assert_eq!(commit.contract_name.as_deref(), Some("AIR_12611521"));
}

#[tokio::test]
async fn list_addon_products_sends_the_required_service_instance() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let mock = serve_example(
        &server,
        &spec,
        "list_addon_products",
        "/subscription-products/addon",
        Some(("serviceInstanceId", "M495240519")),
    )
    .await;

    let products = client(&server)
        .list_addon_products()
        .service_instance_id("M495240519")
        .send()
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    let variation = &products.add_on_product[0]
        .add_on_product_variations
        .as_ref()
        .unwrap()
        .add_on_product_variation[0];
    // Beyond 2^53: kept exactly because it stays a string.
    assert_eq!(variation.to_unit.as_deref(), Some("999999999999999"));
    assert_eq!(variation.sku_type.as_deref(), Some("ONETIME"));
}

#[tokio::test]
async fn list_addon_products_without_its_required_parameter_is_a_request_error() {
    let server = MockServer::start_async().await;
    let error = client(&server)
        .list_addon_products()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, vcpp::Error::InvalidRequest(_)), "{error:?}");
}

#[test]
fn a_po_type_and_properties_added_later_survive_even_in_inline_objects() {
    let body = serde_json::json!({
        "OrderRequest": {
            "source": "VSPP-EXT-API",
            "orders": {"order": {
                "originalOrderNumber": "12611521",
                "resellerInfo": {"ID": "1349347"},
                "poType": "TRANSFER_REQUEST",
                "orderContactList": {
                    "orderContact": {"emailAddress": "jdoe@vmware.com"},
                    "billingContact": {"emailAddress": "ap@example.com"}
                },
                "orderLineList": {"orderLineItem": [
                    {"partNumber": "X", "quantity": "1", "discountCode": "D1"}
                ]}
            }}
        }
    });
    let order: vcpp::types::OrderRequestEnvelope = serde_json::from_value(body.clone()).unwrap();
    assert!(order.order_request.orders.order.po_type.is_unknown());
    assert_eq!(serde_json::to_value(&order).unwrap(), body);
}
