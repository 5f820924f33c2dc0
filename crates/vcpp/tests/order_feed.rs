//! The Atom order feed: the guide's sample parses into typed entries, malformed bodies are
//! typed errors, and the hand-written call sends the documented request.

use chrono::DateTime;
use httpmock::prelude::*;
use vcpp::{Client, OrderFeed, OrderFeedQuery, OrderFeedStatus};
use vmware_cpn_test_support::paths::VCPP_ROOT;
use vmware_cpn_test_support::{Spec, TOKEN, anonymous_runtime, bearer_runtime};

fn guide_sample() -> String {
    Spec::load("vcpp")
        .response_media_example("get_order_feed", "200", "application/atom+xml")
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_guides_sample_parses_into_typed_entries() {
    let feed = OrderFeed::from_atom(guide_sample().as_bytes()).unwrap();

    assert_eq!(feed.title.as_deref(), Some("Order Feed"));
    assert_eq!(
        feed.id.as_deref(),
        Some("e4540029-3927-4cc4-aad1-36310e080bcd")
    );
    assert_eq!(
        feed.updated,
        Some(DateTime::parse_from_rfc3339("2014-12-18T07:09:07Z").unwrap())
    );
    assert_eq!(feed.links.len(), 1);
    assert_eq!(feed.links[0].rel.as_deref(), Some("Self"));
    assert_eq!(feed.links[0].href, "");
    assert_eq!(feed.entries.len(), 1);
    let entry = &feed.entries[0];
    assert_eq!(entry.title.as_deref(), Some("Order ID:11990536"));
    assert_eq!(
        entry.id.as_deref(),
        Some("a217037b-74e4-4ff3-9813-e08df958ea00")
    );
    assert_eq!(entry.status, Some(OrderFeedStatus::Success));
    assert_eq!(entry.order_number.as_deref(), Some("11990536"));
    assert_eq!(entry.token_number.as_deref(), Some("08DEC201411"));
    assert_eq!(
        entry.external_line_transaction_reference.as_deref(),
        Some("967476878")
    );
    assert_eq!(entry.line_id.as_deref(), Some("34056823"));
    assert_eq!(entry.external_contract_id.as_deref(), Some("789059"));
    assert_eq!(entry.part_id.as_deref(), Some("VSPP3-AIR-MBO-10000-C"));
    assert_eq!(
        entry.commit_start_date,
        Some(DateTime::parse_from_rfc3339("2014-12-17T00:00:00.000-08:00").unwrap())
    );
    assert_eq!(
        entry.commit_end_date,
        Some(DateTime::parse_from_rfc3339("2015-12-16T00:00:00.000-08:00").unwrap())
    );
    assert!(entry.other.is_empty());
}

#[test]
fn other_prefixes_new_keys_and_new_statuses_are_understood() {
    let feed = br#"<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:o="http://www.vmware.com/orderfeed">
        <a:entry>
          <a:title>Order &amp; more</a:title>
          <o:status>pending_review</o:status>
          <o:content>
            <o:entry><o:key>OrderNumber</o:key><o:value>1</o:value></o:entry>
            <o:entry><o:key>Region</o:key><o:value><![CDATA[EMEA <north>]]></o:value></o:entry>
          </o:content>
          <x:extension xmlns:x="urn:other"><x:key>ignored</x:key></x:extension>
        </a:entry>
      </a:feed>"#;
    let feed = OrderFeed::from_atom(feed).unwrap();
    let entry = &feed.entries[0];
    assert_eq!(entry.title.as_deref(), Some("Order & more"));
    assert_eq!(
        entry.status,
        Some(OrderFeedStatus::Unknown("pending_review".into()))
    );
    assert_eq!(entry.order_number.as_deref(), Some("1"));
    assert_eq!(entry.other["Region"], "EMEA <north>");
}

#[test]
fn malformed_feeds_are_typed_errors_not_panics() {
    let cases: &[(&str, &str)] = &[
        ("", "no feed element"),
        ("<html><body>gateway</body></html>", "not an Atom feed"),
        (
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>"#,
            "ends before",
        ),
        (
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry></feed>"#,
            "entry",
        ),
        (
            r#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:o="http://www.vmware.com/orderfeed"><entry><o:content><o:entry><o:key>CommitStartDate</o:key><o:value>next week</o:value></o:entry></o:content></entry></feed>"#,
            "CommitStartDate is not an RFC 3339 date",
        ),
        (
            r#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:o="http://www.vmware.com/orderfeed"><entry><o:content><o:entry><o:value>1</o:value></o:entry></o:content></entry></feed>"#,
            "without an order:key",
        ),
        (
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>&bogus;</title></feed>"#,
            "bogus",
        ),
    ];
    for (body, expected) in cases {
        let error =
            OrderFeed::from_atom(body.as_bytes()).expect_err(&format!("{body:?} should not parse"));
        assert!(
            error.to_string().contains(expected),
            "{body:?}: {error} does not say {expected:?}"
        );
    }
}

#[tokio::test]
async fn get_order_feed_sends_if_modified_since_and_request_id() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{VCPP_ROOT}/orderfeed"))
                .header("authorization", format!("bearer {TOKEN}"))
                .header("accept", "application/atom+xml")
                .header("if-modified-since", "Fri, 11 Nov 2016 20:34:35 GMT")
                .query_param("if-Modified-Since", "Fri, 11 Nov 2016 20:34:35 GMT")
                .query_param("requestId", "29013");
            then.status(200)
                .header("content-type", "application/atom+xml")
                .body(guide_sample());
        })
        .await;

    let query = OrderFeedQuery::default()
        .if_modified_since("2016-11-11T20:34:35Z".parse().unwrap())
        .request_id("29013");
    let feed = Client::with_runtime(&server.url(VCPP_ROOT), bearer_runtime())
        .get_order_feed(&query)
        .await
        .unwrap()
        .into_inner()
        .expect("a feed, not 304");

    mock.assert_async().await;
    assert_eq!(feed.entries[0].order_number.as_deref(), Some("11990536"));
}

#[tokio::test]
async fn not_modified_is_none_and_a_malformed_feed_keeps_status_and_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{VCPP_ROOT}/orderfeed"))
                .header_exists("if-modified-since");
            then.status(304);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{VCPP_ROOT}/orderfeed"))
                .header_missing("if-modified-since");
            then.status(200).body("<feed>truncated");
        })
        .await;
    let client = Client::with_runtime(&server.url(VCPP_ROOT), anonymous_runtime());

    let since = OrderFeedQuery::default().if_modified_since(chrono::Utc::now());
    let unchanged = client.get_order_feed(&since).await.unwrap();
    assert_eq!(unchanged.status(), 304);
    assert!(unchanged.into_inner().is_none());

    match client.get_order_feed(&OrderFeedQuery::default()).await {
        Err(vcpp::Error::InvalidAnswer(invalid)) => {
            assert_eq!(invalid.status(), 200);
            assert_eq!(&invalid.body()[..], b"<feed>truncated");
            let atom = std::error::Error::source(invalid.error())
                .and_then(|source| source.downcast_ref::<vcpp::AtomError>())
                .expect("the Atom parser's error is the source");
            assert!(atom.to_string().contains("malformed order feed"), "{atom}");
        }
        other => panic!("expected a malformed-feed error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_answer_is_the_typed_gateway_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("{VCPP_ROOT}/orderfeed"));
            then.status(401)
                .json_body(serde_json::json!({"status": "FAILURE", "message": "expired"}));
        })
        .await;

    let error = Client::with_runtime(&server.url(VCPP_ROOT), anonymous_runtime())
        .get_order_feed(&OrderFeedQuery::default())
        .await
        .unwrap_err();
    match error {
        vcpp::Error::Api(error) => {
            assert_eq!(error.status(), 401);
            assert_eq!(error.typed().unwrap().message.as_deref(), Some("expired"));
        }
        other => panic!("expected the typed gateway error, got {other:?}"),
    }
}

#[tokio::test]
async fn get_order_feed_json_asks_for_json_and_keeps_it() {
    let server = MockServer::start_async().await;
    let answer = serde_json::json!({"entries": [{"orderNumber": "11990536", "status": "success"}]});
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{VCPP_ROOT}/orderfeed"))
                .header("accept", "application/json");
            then.status(200).json_body(answer.clone());
        })
        .await;

    let feed = Client::with_runtime(&server.url(VCPP_ROOT), anonymous_runtime())
        .get_order_feed_json(&OrderFeedQuery::default())
        .await
        .unwrap()
        .into_inner()
        .unwrap();

    mock.assert_async().await;
    assert_eq!(serde_json::to_value(&feed).unwrap(), answer);
}

#[tokio::test]
async fn a_self_closed_empty_feed_from_the_service_is_an_empty_feed() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("{VCPP_ROOT}/orderfeed"));
            then.status(200)
                .header("content-type", "application/atom+xml")
                .body(r#"<feed xmlns="http://www.w3.org/2005/Atom"/>"#);
        })
        .await;

    let feed = Client::with_runtime(&server.url(VCPP_ROOT), anonymous_runtime())
        .get_order_feed(&OrderFeedQuery::default())
        .await
        .unwrap()
        .into_inner();

    assert_eq!(feed, Some(OrderFeed::default()));
}
