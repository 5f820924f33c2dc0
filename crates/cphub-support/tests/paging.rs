//! The paging stream over the support-request list, against a loopback server that pages.

use cphub_support::Client;
use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use serde_json::{Value, json};
use vmware_cpn_test_support::{ORG, TOKEN, csp_runtime};

fn tickets(first: usize, count: usize) -> Value {
    Value::Array(
        (first..first + count)
            .map(|n| json!({"id": n.to_string(), "status": "Open"}))
            .collect(),
    )
}

fn list_path() -> String {
    format!("/cphub/api/support/v1/orgs/{ORG}/support-requests")
}

#[tokio::test]
async fn reads_every_page_and_stops_after_a_short_one() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (start, count) in [(1, 2), (3, 2), (5, 1)] {
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(list_path())
                        .header("csp-auth-token", TOKEN)
                        .query_param("status", "Open")
                        .query_param("pageStart", start.to_string())
                        .query_param("pageLimit", "2");
                    then.status(200).json_body(tickets(start, count));
                })
                .await,
        );
    }

    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    let all: Vec<_> = client
        .list_support_requests()
        .org_id(ORG)
        .status("Open")
        .stream_in_pages_of(2)
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<_> = all.iter().map(|t| t.id.clone().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    for page in pages {
        page.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn pages_in_the_wrapped_live_form_stream_too() {
    let server = MockServer::start_async().await;
    for (start, count) in [(1, 2), (3, 0)] {
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(list_path())
                    .query_param("pageStart", start.to_string());
                then.status(200)
                    .json_body(json!({ "supportTickets": tickets(start, count) }));
            })
            .await;
    }

    let all: Vec<_> = Client::with_runtime(&server.base_url(), csp_runtime())
        .list_support_requests()
        .org_id(ORG)
        .stream_in_pages_of(2)
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<_> = all.iter().map(|t| t.id.clone().unwrap()).collect();
    assert_eq!(ids, ["1", "2"]);
}

#[tokio::test]
async fn an_empty_page_ends_the_stream() {
    let server = MockServer::start_async().await;
    let full = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(list_path())
                .query_param("pageStart", "1")
                .query_param("pageLimit", "100");
            then.status(200).json_body(tickets(1, 100));
        })
        .await;
    let empty = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(list_path())
                .query_param("pageStart", "101");
            then.status(200).json_body(json!([]));
        })
        .await;

    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    let count = client
        .list_support_requests()
        .org_id(ORG)
        .stream()
        .try_fold(0, |count, _| async move { Ok(count + 1) })
        .await
        .unwrap();

    assert_eq!(count, 100);
    full.assert_calls_async(1).await;
    empty.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_failing_page_is_an_error_item_and_the_end() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(list_path())
                .query_param("pageStart", "1");
            then.status(200).json_body(tickets(1, 2));
        })
        .await;
    let failing = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(list_path())
                .query_param("pageStart", "3");
            then.status(503)
                .json_body(json!({"statusCode": 503, "message": "try later"}));
        })
        .await;

    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    let items: Vec<_> = client
        .list_support_requests()
        .org_id(ORG)
        .stream_in_pages_of(2)
        .collect()
        .await;

    assert_eq!(items.len(), 3, "two tickets, then the error, then nothing");
    assert!(items[0].is_ok() && items[1].is_ok());
    let error = items[2].as_ref().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    failing.assert_calls_async(1).await;
}
