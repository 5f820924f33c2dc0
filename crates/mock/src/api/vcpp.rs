//! vcpp: the client-credentials token, contracts and products, orders and the order feed.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::orders::{order_from_json, order_from_xml};
use crate::App;
use crate::api::handlers::vcpp::*;
use crate::call::{Call, Reply, ok};
use crate::store::FeedEntry;
use crate::tokens::Kind;

/// The contract `number` (the call's `contract_number`) names, or `404`.
fn contract(app: &App, call: &Call, number: &str) -> Result<(String, Value), Response> {
    app.store()
        .vcpp
        .contracts
        .iter()
        .find(|c| c["contractNumber"] == number)
        .map(|c| (number.to_owned(), c.clone()))
        .ok_or_else(|| call.not_found(format_args!("commit contract {number}")))
}

/// A per-contract list of the seed, under the contract asked for.
fn of_contract(
    app: &App,
    call: &Call,
    number: &str,
    pick: fn(&crate::store::VcppRecords) -> &Value,
) -> Reply {
    let (number, _) = contract(app, call, number)?;
    let mut answer = pick(&app.store().vcpp).clone();
    if answer.get("contractNumber").is_some() {
        answer["contractNumber"] = json!(number);
    }
    ok(answer)
}

fn instance(app: &App, call: &Call, id: &str) -> Result<Value, Response> {
    app.store()
        .vcpp
        .instance_details
        .iter()
        .find(|d| d["headerDetailsVO"]["serviceInstanceID"] == id)
        .cloned()
        .ok_or_else(|| call.not_found(format_args!("service instance {id}")))
}

fn feed_json(entries: &[&FeedEntry], updated: DateTime<Utc>) -> Value {
    let entries: Vec<Value> = entries
        .iter()
        .map(|e| {
            let content: serde_json::Map<String, Value> = e
                .content
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            json!({
                "id": e.id,
                "title": e.title,
                "updated": e.updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "status": e.status,
                "content": content,
            })
        })
        .collect();
    json!({
        "title": "Order Feed",
        "id": "mock-order-feed",
        "updated": updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "entries": entries,
    })
}

/// The feed in the guide's Atom form, `order:` prefix included.
fn feed_atom(entries: &[&FeedEntry], updated: DateTime<Utc>) -> Result<String, std::io::Error> {
    use quick_xml::Writer;
    use quick_xml::events::{BytesDecl, BytesText, Event};
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let text = |w: &mut Writer<Vec<u8>>, name: &str, value: &str| -> Result<(), std::io::Error> {
        w.create_element(name)
            .write_text_content(BytesText::new(value))
            .map(|_| ())
    };
    writer
        .create_element("feed")
        .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
        .with_attribute(("xmlns:order", "http://www.vmware.com/orderfeed"))
        .write_inner_content(|w| {
            text(w, "title", "Order Feed")?;
            w.create_element("link")
                .with_attributes([("rel", "Self"), ("href", "")])
                .write_empty()?;
            text(w, "id", "mock-order-feed")?;
            text(
                w,
                "updated",
                &updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            )?;
            for entry in entries {
                w.create_element("entry").write_inner_content(|w| {
                    text(w, "title", &entry.title)?;
                    w.create_element("link")
                        .with_attribute(("href", ""))
                        .write_empty()?;
                    text(w, "id", &entry.id)?;
                    text(
                        w,
                        "updated",
                        &entry
                            .updated
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    )?;
                    text(w, "order:status", &entry.status)?;
                    w.create_element("order:content").write_inner_content(|w| {
                        for (key, value) in &entry.content {
                            w.create_element("order:entry").write_inner_content(|w| {
                                text(w, "order:key", key)?;
                                text(w, "order:value", value)
                            })?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(String::from_utf8_lossy(&writer.into_inner()).into_owned())
}

impl Handlers for App {
    async fn get_token(&self, call: &Call, _params: GetTokenParams) -> Reply {
        let app = self;
        let expected = (
            app.config.vcpp_client_id.clone(),
            app.config.vcpp_client_secret.clone(),
        );
        if call.basic_credentials() != Some(expected) {
            return Err(call.error(StatusCode::UNAUTHORIZED, "invalid client credentials"));
        }
        let (token, lifetime) = app.tokens().issue(Kind::Vcpp);
        ok(json!({ "access_token": token, "token_type": "bearer", "expires_in": lifetime }))
    }

    async fn list_commit_contracts(
        &self,
        _call: &Call,
        _params: ListCommitContractsParams,
    ) -> Reply {
        let app = self;
        ok(json!({ "contractList": app.store().vcpp.contracts }))
    }

    async fn get_commit_contract(&self, call: &Call, params: GetCommitContractParams) -> Reply {
        let app = self;
        let (_, found) = contract(app, call, &params.contract_number)?;
        ok(json!({ "contractList": [found] }))
    }

    async fn list_contract_users(&self, call: &Call, params: ListContractUsersParams) -> Reply {
        let app = self;
        of_contract(app, call, &params.contract_number, |v| &v.users)
    }

    async fn list_core_coreless_products(
        &self,
        call: &Call,
        params: ListCoreCorelessProductsParams,
    ) -> Reply {
        let app = self;
        of_contract(app, call, &params.contract_number, |v| &v.core_products)
    }

    async fn list_contract_service_instances(
        &self,
        call: &Call,
        params: ListContractServiceInstancesParams,
    ) -> Reply {
        let app = self;
        of_contract(app, call, &params.contract_number, |v| &v.service_instances)
    }

    async fn get_service_instance(&self, call: &Call, params: GetServiceInstanceParams) -> Reply {
        let app = self;
        ok(instance(app, call, params.service_instance_id.as_str())?)
    }

    async fn list_addon_products(&self, call: &Call, params: ListAddonProductsParams) -> Reply {
        let app = self;
        let id = params.service_instance_id.as_str();
        instance(app, call, id)?;
        ok(&app.store().vcpp.addons)
    }

    async fn place_order(&self, call: &Call, _params: PlaceOrderParams) -> Reply {
        let app = self;
        let order = if call.content_type().starts_with("application/xml") {
            order_from_xml(&call.body)
                .map_err(|e| call.bad_request(format!("the order XML is not valid: {e}")))?
        } else {
            order_from_json(call.json()?)
        };
        let po_types = app.specs.enum_values("vcpp", "PoType");
        if !po_types.contains(&order.po_type) {
            return Err(call.bad_request(format!(
                "poType {} is not one of {po_types:?}",
                order.po_type
            )));
        }
        if order.lines.is_empty() {
            return Err(call.bad_request("the order has no order line"));
        }
        let mut store = app.store();
        let request_id = store.next_request_id.to_string();
        store.next_request_id += 1;
        let order_number = store.next_order_number.to_string();
        store.next_order_number += 1;
        // The real service processes an order in 2 to 48 hours; the mock as configured.
        let processed = chrono::Duration::from_std(app.config.order_processing)
            .ok()
            .and_then(|delay| Utc::now().checked_add_signed(delay))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let year_later = processed
            .checked_add_signed(chrono::Duration::days(365))
            .unwrap_or(processed);
        for (line, (part, quantity, sid)) in order.lines.iter().enumerate() {
            let mut content = vec![
                ("OrderNumber", order_number.clone()),
                ("TokenNumber", format!("MOCK{request_id}")),
                (
                    "ExternalLineTransactionReference",
                    format!("{request_id}-{}", line + 1),
                ),
                ("LineID", format!("{order_number}{:02}", line + 1)),
                ("ExternalContractID", order.original_order_number.clone()),
                ("PartID", part.clone()),
                ("Quantity", quantity.clone()),
                (
                    "CommitStartDate",
                    processed.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
                ),
                (
                    "CommitEndDate",
                    year_later.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
                ),
            ];
            if let Some(sid) = sid {
                content.push(("SID", sid.clone()));
            }
            store.feed.push(FeedEntry {
                id: uuid::Uuid::new_v4().to_string(),
                title: format!("Order ID:{order_number}"),
                updated: processed,
                status: "success".to_owned(),
                content: content
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
                request_id: Some(request_id.clone()),
            });
        }
        ok(json!({ "status": "SUCCESS", "requestId": request_id, "error": null }))
    }

    async fn get_order_feed(&self, call: &Call, params: GetOrderFeedParams) -> Reply {
        let app = self;
        // The guide's query parameter, else the HTTP header.
        let since = call
            .query("if-Modified-Since")
            .or_else(|| call.header(header::IF_MODIFIED_SINCE.as_str()))
            // An unreadable date is ignored, as HTTP says.
            .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
            .map(|d| d.with_timezone(&Utc));
        let request_id = params.request_id.as_deref();
        let now = Utc::now();
        let store = app.store();
        let entries: Vec<&FeedEntry> = store
            .feed
            .iter()
            // An entry appears once its order is processed.
            .filter(|e| e.updated <= now)
            .filter(|e| request_id.is_none_or(|r| e.request_id.as_deref() == Some(r)))
            .filter(|e| since.is_none_or(|s| e.updated.timestamp() > s.timestamp()))
            .collect();
        if since.is_some() && entries.is_empty() {
            return Ok(StatusCode::NOT_MODIFIED.into_response());
        }
        let updated = entries
            .iter()
            .map(|e| e.updated)
            .max()
            .unwrap_or_else(Utc::now);
        let wants_json = call
            .header(header::ACCEPT.as_str())
            .is_some_and(|a| a.contains("application/json") && !a.contains("atom"));
        if wants_json {
            return ok(feed_json(&entries, updated));
        }
        let atom = feed_atom(&entries, updated)
            .map_err(|e| call.error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let mut response = atom.into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml"),
        );
        Ok(response)
    }
}
