//! The hand-written token exchange and order placement, against a loopback server; and the
//! XML order form against the guide's Appendix B.

use httpmock::prelude::*;
use quick_xml::Reader;
use quick_xml::events::Event;
use vcpp::types::{OrderRequestEnvelope, PoType};
use vcpp::{Client, order_to_xml, token_url};
use vmware_cpn_test_support::paths::{VCPP_ROOT, VCPP_TOKEN};
use vmware_cpn_test_support::{Spec, TOKEN, anonymous_runtime, bearer_runtime};

fn example_order(name: &str) -> OrderRequestEnvelope {
    let json = Spec::load("vcpp").named_request_example("place_order", name);
    serde_json::from_value(json).unwrap()
}

#[test]
fn the_token_endpoint_sits_beside_the_api_root() {
    assert_eq!(
        token_url(vcpp::PRODUCTION).as_deref(),
        Some("https://vconnect.vmware.com/v1/m0/api/token/oauth")
    );
    assert_eq!(
        token_url(vcpp::DEVELOPMENT).as_deref(),
        Some("https://apigw-test.vmware.com/cd/v1/m0/api/token/oauth")
    );
    assert_eq!(token_url("https://example.test/elsewhere"), None);
}

#[tokio::test]
async fn get_token_sends_http_basic_to_the_m0_root() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(VCPP_TOKEN)
                // base64("client-id:client-secret")
                .header("authorization", "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=");
            then.status(200)
                .json_body(spec.response_example("get_token", "200"));
        })
        .await;

    let token = Client::with_runtime(&server.url(VCPP_ROOT), anonymous_runtime())
        .get_token("client-id", "client-secret")
        .await
        .unwrap()
        .into_inner();

    mock.assert_async().await;
    assert_eq!(token.expires_in, Some(1200));
    assert_eq!(token.token_type.as_deref(), Some("bearer"));
    assert!(token.access_token.expose().starts_with("eyJ"));
    assert!(!format!("{token:?}").contains("eyJ"));
}

#[tokio::test]
async fn rejected_credentials_are_a_typed_error_with_their_status() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(VCPP_TOKEN);
            then.status(401)
                .json_body(serde_json::json!({"status": "FAILURE", "message": "invalid client"}));
        })
        .await;

    let error = Client::with_runtime(&server.url(VCPP_ROOT), anonymous_runtime())
        .get_token("client-id", "wrong")
        .await
        .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let text = format!("{error} {error:?}");
    assert!(!text.contains("wrong"), "the secret leaked: {text}");
}

#[tokio::test]
async fn a_base_url_without_the_api_root_cannot_guess_the_token_endpoint() {
    let error = Client::with_runtime("http://127.0.0.1:9/somewhere", anonymous_runtime())
        .get_token("id", "secret")
        .await
        .unwrap_err();
    match error {
        vcpp::Error::InvalidRequest(message) => assert!(message.contains("get_token_at")),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn place_order_sends_the_json_order_once() {
    let spec = Spec::load("vcpp");
    let server = MockServer::start_async().await;
    let order_json = spec.named_request_example("place_order", "core_add_on");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{VCPP_ROOT}/order"))
                .header("authorization", format!("bearer {TOKEN}"))
                .header("content-type", "application/json")
                .json_body(order_json.clone());
            then.status(200).json_body(serde_json::json!({
                "status": "SUCCESS", "requestId": "29015", "error": null
            }));
        })
        .await;

    let order: OrderRequestEnvelope = serde_json::from_value(order_json).unwrap();
    assert_eq!(
        order.order_request.orders.order.po_type,
        PoType::AddonRequest
    );
    let answer = Client::with_runtime(&server.url(VCPP_ROOT), bearer_runtime())
        .place_order(&order)
        .await
        .unwrap()
        .into_inner();

    mock.assert_calls_async(1).await;
    assert_eq!(answer.status.as_deref(), Some("SUCCESS"));
    assert_eq!(answer.request_id.as_deref(), Some("29015"));
    assert_eq!(answer.error, None);
}

#[tokio::test]
async fn place_order_xml_sends_the_appendix_form() {
    let server = MockServer::start_async().await;
    let order = example_order("core_new_service");
    let xml = order_to_xml(&order).unwrap();
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{VCPP_ROOT}/order"))
                .header("content-type", "application/xml")
                .header("accept", "application/json")
                .body(xml.clone());
            then.status(200).json_body(serde_json::json!({
                "status": "SUCCESS", "requestId": "29013", "error": null
            }));
        })
        .await;

    let answer = Client::with_runtime(&server.url(VCPP_ROOT), bearer_runtime())
        .place_order_xml(&order)
        .await
        .unwrap()
        .into_inner();

    mock.assert_calls_async(1).await;
    assert_eq!(answer.request_id.as_deref(), Some("29013"));
}

#[tokio::test]
async fn a_failed_order_keeps_the_status_and_the_gateway_error() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(format!("{VCPP_ROOT}/order"));
            then.status(503)
                .json_body(serde_json::json!({"status": "FAILURE", "error": "maintenance"}));
        })
        .await;

    let error = Client::with_runtime(&server.url(VCPP_ROOT), anonymous_runtime())
        .place_order(&example_order("core_new_service"))
        .await
        .unwrap_err();

    // Sent once, not retried: an order must not be placed twice.
    mock.assert_calls_async(1).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    match error {
        vcpp::Error::Api(error) => {
            assert_eq!(error.typed().unwrap().error.as_deref(), Some("maintenance"));
        }
        other => panic!("expected the typed gateway error, got {other:?}"),
    }
}

/// The structure of an XML document: element names with their prefixes, attributes (the
/// namespace declarations among them) and non-blank text, in order. Indentation is ignored.
fn structure(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let mut attributes: Vec<String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        format!(
                            "{}={}",
                            String::from_utf8_lossy(a.key.as_ref()),
                            a.unescape_value().unwrap()
                        )
                    })
                    .collect();
                attributes.sort();
                out.push(format!(
                    "<{} {}>",
                    String::from_utf8_lossy(e.name().as_ref()),
                    attributes.join(" ")
                ));
            }
            Event::End(e) => out.push(format!("</{}>", String::from_utf8_lossy(e.name().as_ref()))),
            Event::Text(t) => {
                let text = t.decode().unwrap();
                if !text.trim().is_empty() {
                    out.push(text.trim().to_owned());
                }
            }
            Event::Decl(d) => out.push(format!(
                "<?xml {} {:?}?>",
                String::from_utf8_lossy(&d.version().unwrap()),
                d.encoding()
                    .map(|e| String::from_utf8_lossy(&e.unwrap()).into_owned())
            )),
            Event::Eof => break,
            _ => {}
        }
    }
    // An empty element and an element with no content are the same structure.
    let mut merged: Vec<String> = Vec::new();
    for item in out {
        if item.starts_with("</")
            && merged
                .last()
                .is_some_and(|open| open.starts_with(&format!("<{} ", &item[2..item.len() - 1])))
        {
            continue;
        }
        merged.push(item);
    }
    merged
}

#[test]
fn the_xml_order_matches_appendix_b_element_for_element() {
    let appendix = Spec::load("vcpp").request_media_example("place_order", "application/xml");
    let xml = order_to_xml(&example_order("core_new_service")).unwrap();
    assert_eq!(structure(&xml), structure(appendix.as_str().unwrap()));
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(xml.contains("<ns0:systemType/>") || xml.contains("<ns0:systemType />"));
}

#[test]
fn service_instances_and_escaping_reach_the_xml() {
    let mut order = example_order("coreless_upgrade");
    order
        .order_request
        .orders
        .order
        .order_contact_list
        .order_contact
        .email_address = Some("a&b<c>@example.com".to_owned());
    let xml = order_to_xml(&order).unwrap();
    assert!(xml.contains("<ns1:SID>M761739363</ns1:SID>"), "{xml}");
    assert!(xml.contains(
        "<ns1:poType xmlns:ns1=\"http://www.vmware.com/order\">UPGRADE_REQUEST</ns1:poType>"
    ));
    assert!(xml.contains("a&amp;b&lt;c&gt;@example.com"), "{xml}");
}

#[test]
fn a_property_the_xml_form_cannot_carry_is_an_error_not_a_silent_loss() {
    let mut order = example_order("core_new_service");
    order
        .order_request
        .orders
        .order
        .order_line_list
        .order_line_item[0]
        .extra
        .insert("discountCode".into(), "D1".into());
    let error = order_to_xml(&order).unwrap_err();
    assert!(error.message.contains("discountCode"), "{error}");
}
