//! The paging streams of the subscription search and of a subscription's history, against a
//! loopback server that pages: `page_start` is the 1-based index of a page's first record.

use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use navigator_msp::Client;
use serde_json::{Value, json};
use vmware_cpn_test_support::{ORG, TOKEN, csp_runtime};

const SUBSCRIPTION: &str = "33628-4637-267384";

fn search_path() -> String {
    format!("/cphub/api/msp/v1/orgs/{ORG}/subscriptions/search")
}

fn history_path() -> String {
    format!("/cphub/api/msp/v1/orgs/{ORG}/subscriptions/{SUBSCRIPTION}/history")
}

/// A page of `count` records numbered from `first`, as `record(n)` shapes each.
fn page(first: usize, count: usize, record: fn(usize) -> Value) -> Value {
    json!({
        "current": first,
        "results": (first..first + count).map(record).collect::<Vec<_>>(),
        "totalResultsCount": 5,
    })
}

fn summary(n: usize) -> Value {
    json!({"id": format!("s-{n}"), "status": "ACTIVE"})
}

fn transaction(n: usize) -> Value {
    json!({"date": format!("2024-01-0{n}"), "type": "OFFER_STATUS"})
}

/// Mocks one page answer at `path` for `page_start` = `start`, `page_limit` = `limit`.
async fn serve<'a>(
    server: &'a MockServer,
    path: &str,
    start: usize,
    limit: &str,
    answer: Value,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(path)
                .header("csp-auth-token", TOKEN)
                .query_param("page_start", start.to_string())
                .query_param("page_limit", limit);
            then.status(200).json_body(answer);
        })
        .await
}

#[tokio::test]
async fn search_reads_every_page_once_and_stops_after_a_short_one() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (start, count) in [(1, 2), (3, 2), (5, 1)] {
        let answer = page(start, count, summary);
        pages.push(serve(&server, &search_path(), start, "2", answer).await);
    }

    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    let all: Vec<_> = client
        .search_subscriptions()
        .org_id(ORG)
        .stream_in_pages_of(2)
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<_> = all.iter().map(|s| s.id.clone().unwrap()).collect();
    assert_eq!(ids, ["s-1", "s-2", "s-3", "s-4", "s-5"]);
    for page in pages {
        page.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn history_reads_every_page_once_and_stops_after_a_short_one() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (start, count) in [(1, 2), (3, 2), (5, 1)] {
        let answer = page(start, count, transaction);
        pages.push(serve(&server, &history_path(), start, "2", answer).await);
    }

    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    let all: Vec<_> = client
        .get_subscription_history()
        .org_id(ORG)
        .subscription_id(SUBSCRIPTION)
        .body(serde_json::Map::new())
        .stream_in_pages_of(2)
        .try_collect()
        .await
        .unwrap();

    let dates: Vec<_> = all.iter().map(|t| t.date.clone().unwrap()).collect();
    assert_eq!(dates.len(), 5);
    assert_eq!(dates[4], "2024-01-05");
    for page in pages {
        page.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn an_empty_page_ends_either_stream() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for path in [search_path(), history_path()] {
        let full = page(
            1,
            100,
            if path == search_path() {
                summary
            } else {
                transaction
            },
        );
        pages.push(serve(&server, &path, 1, "100", full).await);
        let empty = json!({"current": 101, "results": [], "totalResultsCount": 100});
        pages.push(serve(&server, &path, 101, "100", empty).await);
    }

    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    let summaries = client
        .search_subscriptions()
        .org_id(ORG)
        .stream()
        .try_fold(0, |count, _| async move { Ok(count + 1) })
        .await
        .unwrap();
    let transactions = client
        .get_subscription_history()
        .org_id(ORG)
        .subscription_id(SUBSCRIPTION)
        .body(serde_json::Map::new())
        .stream()
        .try_fold(0, |count, _| async move { Ok(count + 1) })
        .await
        .unwrap();

    assert_eq!((summaries, transactions), (100, 100));
    for page in pages {
        page.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn a_failing_page_is_an_error_item_and_the_end_of_either_stream() {
    let server = MockServer::start_async().await;
    let mut failing = Vec::new();
    for path in [search_path(), history_path()] {
        let first = page(
            1,
            2,
            if path == search_path() {
                summary
            } else {
                transaction
            },
        );
        serve(&server, &path, 1, "2", first).await;
        failing.push(
            server
                .mock_async(|when, then| {
                    when.method(POST).path(&path).query_param("page_start", "3");
                    then.status(503)
                        .json_body(json!({"statusCode": 503, "message": "try later"}));
                })
                .await,
        );
    }

    let client = Client::with_runtime(&server.base_url(), csp_runtime());
    let summaries: Vec<_> = client
        .search_subscriptions()
        .org_id(ORG)
        .stream_in_pages_of(2)
        .collect()
        .await;
    let transactions: Vec<_> = client
        .get_subscription_history()
        .org_id(ORG)
        .subscription_id(SUBSCRIPTION)
        .body(serde_json::Map::new())
        .stream_in_pages_of(2)
        .collect()
        .await;

    assert_eq!(
        summaries.len(),
        3,
        "two summaries, then the error, then nothing"
    );
    assert!(summaries[0].is_ok() && summaries[1].is_ok());
    let error = summaries[2].as_ref().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(transactions.len(), 3, "two transactions, then the error");
    assert!(transactions[2].is_err());
    for page in failing {
        page.assert_calls_async(1).await;
    }
}
