//! Every generated vcpp operation against a loopback server. One table-driven check sends
//! each under the API root and asserts the request (method, path, query, bearer token,
//! `accept`); the other tests answer the guide's example through the typed httpmock helpers
//! of the crate's `mock` feature (which match the spec's paths, so the client's root is the
//! server's) and check what comes back typed.

use std::future::Future;
use std::pin::Pin;

use httpmock::MockServer;
use httpmock::prelude::GET;
use vcpp::Client;
use vcpp::mock::MockServerExt;
use vcpp::types::CommitContractList;
use vmware_cpn_test_support::paths::VCPP_ROOT;
use vmware_cpn_test_support::{Spec, TOKEN, bearer_runtime, called, typed};

const CONTRACT: &str = "12611521";
const INSTANCE: &str = "M495240519";

/// The error of every generated operation.
type Error = vcpp::Error<vcpp::types::ErrorResponse>;
/// One call of an operation, its answer dropped.
type Call = for<'a> fn(&'a Client) -> Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;

/// An operation, the path under the API root and the query it sends, and its call.
struct Row(
    &'static str,
    String,
    Option<(&'static str, &'static str)>,
    Call,
);

/// `call`, its answer dropped.
fn sent<'a, T: 'a>(
    call: impl Future<Output = Result<vcpp::ResponseValue<T>, Error>> + 'a,
) -> Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>> {
    Box::pin(async { call.await.map(drop) })
}

#[tokio::test]
async fn every_operation_sends_its_path_under_the_api_root_with_the_bearer_token() {
    let spec = Spec::load("vcpp");
    let contract = |tail: &str| format!("/commit-contracts/{CONTRACT}{tail}");
    let instance = Some(("serviceInstanceId", INSTANCE));
    let rows = [
        Row(
            "list_commit_contracts",
            "/commit-contracts".to_owned(),
            None,
            |c| sent(c.list_commit_contracts().send()),
        ),
        Row("get_commit_contract", contract(""), None, |c| {
            sent(c.get_commit_contract().contract_number(CONTRACT).send())
        }),
        Row("list_contract_users", contract("/users"), None, |c| {
            sent(c.list_contract_users().contract_number(CONTRACT).send())
        }),
        Row(
            "list_core_coreless_products",
            contract("/subscription-products/core-coreless"),
            None,
            |c| {
                sent(
                    c.list_core_coreless_products()
                        .contract_number(CONTRACT)
                        .send(),
                )
            },
        ),
        Row(
            "list_contract_service_instances",
            contract("/service-instances"),
            None,
            |c| {
                sent(
                    c.list_contract_service_instances()
                        .contract_number(CONTRACT)
                        .send(),
                )
            },
        ),
        Row(
            "get_service_instance",
            format!("/service-instances/{INSTANCE}"),
            None,
            |c| {
                sent(
                    c.get_service_instance()
                        .service_instance_id(INSTANCE)
                        .send(),
                )
            },
        ),
        Row(
            "list_addon_products",
            "/subscription-products/addon".to_owned(),
            instance,
            |c| sent(c.list_addon_products().service_instance_id(INSTANCE).send()),
        ),
    ];
    for Row(operation, path, query, call) in rows {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                let when = when
                    .method(GET)
                    .path(format!("{VCPP_ROOT}{path}"))
                    .header("authorization", format!("bearer {TOKEN}"))
                    .header("accept", "application/json");
                if let Some((name, value)) = query {
                    when.query_param(name, value);
                }
                then.status(200)
                    .json_body(spec.response_example(operation, "200"));
            })
            .await;

        let client = Client::with_runtime(&server.url(VCPP_ROOT), bearer_runtime());
        call(&client)
            .await
            .unwrap_or_else(|error| panic!("{operation}: {error:?}"));

        mock.assert_async().await;
    }
}

/// A fresh server and a client whose API root is the server's, as the typed helpers expect.
async fn served() -> (MockServer, Client) {
    let server = MockServer::start_async().await;
    let client = Client::with_runtime(&server.base_url(), bearer_runtime());
    (server, client)
}

/// The guide's example answer of `operation`, typed.
fn example<T: serde::de::DeserializeOwned>(operation: &str) -> T {
    typed(Spec::load("vcpp").response_example(operation, "200"))
}

#[tokio::test]
async fn list_commit_contracts_keeps_numbers_as_strings() {
    let (server, client) = served().await;
    let mock = server.list_commit_contracts(|_, then| {
        then.ok(&example("list_commit_contracts"));
    });

    let contracts = called(&mock, client.list_commit_contracts().send()).await;

    let contract = &contracts.contract_list[0];
    assert_eq!(contract.contract_number.as_deref(), Some(CONTRACT));
    assert_eq!(contract.contract_balance.as_deref(), Some("500000.0"));
    assert_eq!(contract.sp_prmid.as_deref(), Some("1349347"));
}

#[tokio::test]
async fn get_commit_contract_puts_the_number_in_the_path() {
    let (server, client) = served().await;
    let mock = server.get_commit_contract(|when, then| {
        when.contract_number(CONTRACT);
        then.ok(&example("get_commit_contract"));
    });

    let call = client.get_commit_contract().contract_number(CONTRACT);
    let contracts: CommitContractList = called(&mock, call.send()).await.into_inner();

    assert_eq!(
        contracts.contract_list[0].commit_sku.as_deref(),
        Some("VCAN-AIR-LV5-C")
    );
}

#[tokio::test]
async fn list_contract_users_types_the_users() {
    let (server, client) = served().await;
    let mock = server.list_contract_users(|when, then| {
        when.contract_number(CONTRACT);
        then.ok(&example("list_contract_users"));
    });

    let call = client.list_contract_users().contract_number(CONTRACT);
    let users = called(&mock, call.send()).await;

    let user = &users.user_list.as_ref().unwrap().user_list[0];
    assert_eq!(user.is_admin, Some(true));
    assert_eq!(user.customer_number.as_deref(), Some("9125255974"));
}

#[tokio::test]
async fn list_core_coreless_products_types_the_variations() {
    let (server, client) = served().await;
    let mock = server.list_core_coreless_products(|when, then| {
        when.contract_number(CONTRACT);
        then.ok(&example("list_core_coreless_products"));
    });

    let call = client
        .list_core_coreless_products()
        .contract_number(CONTRACT);
    let products = called(&mock, call.send()).await;

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
    let (server, client) = served().await;
    let mock = server.list_contract_service_instances(|when, then| {
        when.contract_number(CONTRACT);
        then.ok(&example("list_contract_service_instances"));
    });

    let call = client.list_contract_service_instances();
    let instances = called(&mock, call.contract_number(CONTRACT).send()).await;

    let instance = &instances
        .service_list
        .as_ref()
        .unwrap()
        .commit_services_vo_list[0];
    assert_eq!(instance.service_instance_id.as_deref(), Some(INSTANCE));
    assert_eq!(instance.end_user_name, None);
}

#[tokio::test]
async fn get_service_instance_types_header_components_and_commit() {
    let (server, client) = served().await;
    let mock = server.get_service_instance(|when, then| {
        when.service_instance_id(INSTANCE);
        then.ok(&example("get_service_instance"));
    });

    let call = client.get_service_instance().service_instance_id(INSTANCE);
    let details = called(&mock, call.send()).await;

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
    let (server, client) = served().await;
    let mock = server.list_addon_products(|when, then| {
        when.service_instance_id(INSTANCE);
        then.ok(&example("list_addon_products"));
    });

    let call = client.list_addon_products().service_instance_id(INSTANCE);
    let products = called(&mock, call.send()).await;

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
    let (_server, client) = served().await;
    let error = client.list_addon_products().send().await.unwrap_err();
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
