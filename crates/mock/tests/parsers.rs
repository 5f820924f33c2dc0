//! The mock's hand-written readers, driven over loopback HTTP with generated bodies: every
//! valid XML order (any prefixes, escapes, CDATA, comments) is taken and lands in the order
//! feed as sent, every valid multipart upload is stored under its name, and no damaged body
//! of either kind gets anything but a 4XX (a panic would drop the connection or be a 500);
//! either body sent in chunks, split at generated points or one byte at a time, is taken
//! exactly as the same body sent whole.

use std::sync::LazyLock;

use proptest::prelude::*;
use quick_xml::escape::escape;
use vmware_cpn_mock::MockServer;
use vmware_cpn_runtime::{Auth, RetryPolicy, Runtime};

const FULFILLMENT: &str = "http://www.vmware.com/OrderFulfillment";
const ORDER: &str = "http://www.vmware.com/order";
const BOUNDARY: &str = "PropTestBoundary7MA4YWxkTrZu0gW";

struct Fixture {
    rt: tokio::runtime::Runtime,
    mock: MockServer,
    http: reqwest::Client,
    vcpp: vcpp::Client,
    vcpp_token: String,
    csp_token: String,
    ticket: String,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mock = rt.block_on(MockServer::start()).unwrap();
    let csp_token = mock.issue_access_token();
    let runtime = |auth| {
        Runtime::builder()
            .auth(auth)
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    };
    let vcpp = vcpp::Client::with_runtime(&mock.vcpp_base_url(), runtime(Auth::none()));
    let vcpp_token = rt
        .block_on(vcpp.get_token(mock.vcpp_client_id(), mock.vcpp_client_secret()))
        .unwrap()
        .into_inner()
        .access_token
        .expose()
        .to_owned();
    let vcpp = vcpp::Client::with_runtime(
        &mock.vcpp_base_url(),
        runtime(Auth::bearer_token(vcpp_token.as_str())),
    );
    let support = cphub_support::Client::with_runtime(
        mock.base_url(),
        runtime(Auth::csp_access_token(csp_token.as_str())),
    );
    let tickets = rt
        .block_on(
            support
                .list_support_requests()
                .org_id(mock.provider_org())
                .send(),
        )
        .unwrap();
    let ticket = tickets.tickets()[0].id.clone().unwrap();
    Fixture {
        rt,
        mock,
        http: vmware_cpn_runtime::http_client_builder().build().unwrap(),
        vcpp,
        vcpp_token,
        csp_token,
        ticket,
    }
});

/// Text as a value carries it, without surrounding blanks (the reader trims them).
fn text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9<>&'\"é中 _.-]{1,12}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("a value", |s| !s.is_empty())
}

#[derive(Debug, Clone)]
struct XmlOrder {
    original_order_number: String,
    po_type: &'static str,
    lines: Vec<(String, String, Option<String>)>,
    /// Prefixes of the fulfillment and order namespaces; empty for the default namespace.
    prefixes: (&'static str, &'static str),
    cdata: bool,
    comments: bool,
}

fn xml_order() -> impl Strategy<Value = XmlOrder> {
    (
        text(),
        prop::sample::select(vec![
            "NEW_SERVICE_REQUEST",
            "ONDEMAND_SIGNUP",
            "ADDON_REQUEST",
            "RENEWAL_REQUEST",
            "UPGRADE_REQUEST",
        ]),
        prop::collection::vec((text(), "[0-9]{1,4}", prop::option::of(text())), 1..4),
        prop::sample::select(vec![("ns0", "ns1"), ("", "o"), ("a", ""), ("f", "f2")]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(original_order_number, po_type, lines, prefixes, cdata, comments)| XmlOrder {
                original_order_number,
                po_type,
                lines,
                prefixes,
                cdata,
                comments,
            },
        )
}

fn qualified(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}:{name}")
    }
}

fn namespace(prefix: &str, uri: &str) -> String {
    if prefix.is_empty() {
        format!(" xmlns=\"{uri}\"")
    } else {
        format!(" xmlns:{prefix}=\"{uri}\"")
    }
}

impl XmlOrder {
    fn render(&self) -> String {
        let (f, o) = self.prefixes;
        let leaf = |name: &str, value: &str| {
            let name = qualified(o, name);
            let comment = if self.comments { "<!-- c -->" } else { "" };
            if self.cdata && !value.contains("]]>") {
                format!("{comment}<{name}><![CDATA[{value}]]></{name}>")
            } else {
                format!("{comment}<{name}>{}</{name}>", escape(value))
            }
        };
        let mut lines = String::new();
        for (part, quantity, sid) in &self.lines {
            lines.push_str(&format!("<{}>", qualified(o, "orderLineItem")));
            lines.push_str(&leaf("partNumber", part));
            lines.push_str(&leaf("quantity", quantity));
            if let Some(sid) = sid {
                lines.push_str(&leaf("SID", sid));
            }
            lines.push_str(&format!("</{}>", qualified(o, "orderLineItem")));
        }
        // With both namespaces default, the order's elements redeclare theirs.
        let order_ns = if f.is_empty() && o.is_empty() {
            String::new()
        } else {
            namespace(o, ORDER)
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <{root}{fns}{order_ns}><{source}>proptest</{source}><{orders}><{order}>\
             {number}{po}<{list}>{lines}</{list}></{order}></{orders}></{root}>",
            root = qualified(f, "OrderRequest"),
            fns = namespace(f, FULFILLMENT),
            source = qualified(f, "source"),
            orders = qualified(f, "orders"),
            order = qualified(f, "order"),
            number = leaf("originalOrderNumber", &self.original_order_number),
            po = leaf("poType", self.po_type),
            list = qualified(o, "orderLineList"),
        )
    }
}

async fn post_xml_order(fixture: &Fixture, body: Vec<u8>) -> reqwest::Response {
    fixture
        .http
        .post(format!("{}/order", fixture.mock.vcpp_base_url()))
        .bearer_auth(&fixture.vcpp_token)
        .header("content-type", "application/xml")
        .header("accept", "application/json")
        .body(body)
        .send()
        .await
        .expect("the mock answers every body")
}

fn multipart(file_name: &str, content: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"fileDetail\"\r\n\r\n{file_name}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"uploadedInputStream\"; \
         filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_multipart(fixture: &Fixture, body: Vec<u8>) -> reqwest::Response {
    fixture
        .http
        .post(format!(
            "{}/cphub/api/support/v1/orgs/{}/support-requests/{}/upload",
            fixture.mock.base_url(),
            fixture.mock.provider_org(),
            fixture.ticket
        ))
        .header("csp-auth-token", &fixture.csp_token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("the mock answers every body")
}

/// A body damaged: cut, bytes dropped, inserted or flipped.
fn damage(mut body: Vec<u8>, cuts: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
    for (index, kind, byte) in cuts {
        let at = index.index(body.len() + 1);
        match kind % 4 {
            0 => body.truncate(at),
            1 => {
                let end = (at + usize::from(*byte % 16) + 1).min(body.len());
                body.drain(at.min(end)..end);
            }
            2 => body.insert(at, *byte),
            _ if at < body.len() => body[at] ^= byte | 1,
            _ => {}
        }
    }
    body
}

fn cuts() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, u8)>> {
    prop::collection::vec(
        (any::<prop::sample::Index>(), any::<u8>(), any::<u8>()),
        1..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_valid_xml_order_is_taken_and_fed_back_as_sent(order in xml_order()) {
        let fixture = &*FIXTURE;
        let xml = order.render();
        let placed = fixture.rt.block_on(async {
            let response = post_xml_order(fixture, xml.clone().into_bytes()).await;
            let status = response.status();
            (status, response.text().await.unwrap())
        });
        prop_assert!(placed.0.is_success(), "{xml}\n{placed:?}");
        let answer: serde_json::Value = serde_json::from_str(&placed.1).unwrap();
        let request_id = answer["requestId"].as_str().map(str::to_owned)
            .or_else(|| answer["requestId"].as_i64().map(|n| n.to_string()))
            .expect("a requestId");
        let query = vcpp::OrderFeedQuery::default().request_id(request_id);
        let feed = fixture.rt.block_on(fixture.vcpp.get_order_feed(&query)).unwrap();
        let entries = feed.into_inner().expect("a feed").entries;
        prop_assert_eq!(entries.len(), order.lines.len(), "{}", xml);
        for (entry, (part, _, _)) in entries.iter().zip(&order.lines) {
            prop_assert_eq!(entry.part_id.as_ref(), Some(part));
            prop_assert_eq!(
                entry.external_contract_id.as_ref(),
                Some(&order.original_order_number)
            );
        }
    }

    #[test]
    fn no_damaged_xml_order_gets_a_server_error(order in xml_order(), cuts in cuts()) {
        let fixture = &*FIXTURE;
        let body = damage(order.render().into_bytes(), &cuts);
        let status = fixture.rt.block_on(post_xml_order(fixture, body.clone())).status();
        prop_assert!(
            status.is_success() || status.is_client_error(),
            "{status} for {}", String::from_utf8_lossy(&body)
        );
    }

    #[test]
    fn every_valid_upload_is_stored_under_its_name(
        file_name in "[A-Za-z0-9 ._()é-]{0,16}[A-Za-z0-9]",
        content in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let fixture = &*FIXTURE;
        let status = fixture
            .rt
            .block_on(post_multipart(fixture, multipart(&file_name, &content)))
            .status();
        prop_assert!(status.is_success(), "{status}");
        let ticket: serde_json::Value = fixture.rt.block_on(async {
            fixture.http
                .get(format!(
                    "{}/cphub/api/support/v1/orgs/{}/support-requests/{}",
                    fixture.mock.base_url(), fixture.mock.provider_org(), fixture.ticket
                ))
                .header("csp-auth-token", &fixture.csp_token)
                .send().await.unwrap().json().await.unwrap()
        });
        let text = ticket.to_string();
        prop_assert!(
            text.contains(&serde_json::to_string(&file_name).unwrap()),
            "{file_name} not in {text}"
        );
    }

    #[test]
    fn no_damaged_upload_gets_a_server_error(
        content in prop::collection::vec(any::<u8>(), 0..256),
        cuts in cuts(),
    ) {
        let fixture = &*FIXTURE;
        let body = damage(multipart("a.txt", &content), &cuts);
        let status = fixture.rt.block_on(post_multipart(fixture, body)).status();
        prop_assert!(status.is_success() || status.is_client_error(), "{status}");
    }
}

// Bodies sent in chunks (`Transfer-Encoding: chunked`): the mock reads a request body whole
// before any handler runs, so this holds the transport to the property; the multipart reader
// itself is fed split bodies at every point by its unit tests (`api::support::tests`).

/// `body` whole, split at each of `splits`, and one byte at a time.
fn chunkings(body: &[u8], splits: &[prop::sample::Index]) -> Vec<(String, Vec<Vec<u8>>)> {
    let points = splits.iter().map(|split| split.index(body.len() + 1));
    vmware_cpn_test_support::chunkings(body, points)
}

/// A request body sent in these chunks, without a length (`Transfer-Encoding: chunked`).
fn chunked(chunks: Vec<Vec<u8>>) -> reqwest::Body {
    reqwest::Body::wrap_stream(futures_util::stream::iter(
        chunks.into_iter().map(Ok::<_, std::io::Error>),
    ))
}

/// One order line as the feed shows what the mock took: contract, part, quantity, SID.
type FedLine = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Places the XML order sent in `chunks`; the lines the feed shows for it, or the error
/// status and body.
async fn place(fixture: &Fixture, chunks: Vec<Vec<u8>>) -> Result<Vec<FedLine>, String> {
    let response = fixture
        .http
        .post(format!("{}/order", fixture.mock.vcpp_base_url()))
        .bearer_auth(&fixture.vcpp_token)
        .header("content-type", "application/xml")
        .header("accept", "application/json")
        .body(chunked(chunks))
        .send()
        .await
        .expect("the mock answers");
    let status = response.status();
    let text = response.text().await.unwrap();
    if !status.is_success() {
        return Err(format!("{status}: {text}"));
    }
    let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
    let request_id = answer["requestId"].as_str().expect("a requestId");
    let query = vcpp::OrderFeedQuery::default().request_id(request_id);
    let feed = fixture.vcpp.get_order_feed(&query).await.unwrap();
    Ok(feed
        .into_inner()
        .expect("a feed")
        .entries
        .into_iter()
        .map(|e| {
            (
                e.external_contract_id,
                e.part_id,
                e.other.get("Quantity").cloned(),
                e.other.get("SID").cloned(),
            )
        })
        .collect())
}

/// Uploads the multipart body sent in `chunks` to the fixture's ticket; the name the ticket
/// files it under, or the error status.
async fn upload(fixture: &Fixture, chunks: Vec<Vec<u8>>) -> Result<String, String> {
    let ticket_url = format!(
        "{}/cphub/api/support/v1/orgs/{}/support-requests/{}",
        fixture.mock.base_url(),
        fixture.mock.provider_org(),
        fixture.ticket
    );
    let response = fixture
        .http
        .post(format!("{ticket_url}/upload"))
        .header("csp-auth-token", &fixture.csp_token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(chunked(chunks))
        .send()
        .await
        .expect("the mock answers");
    if !response.status().is_success() {
        return Err(response.status().to_string());
    }
    let ticket: serde_json::Value = fixture
        .http
        .get(ticket_url)
        .header("csp-auth-token", &fixture.csp_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let files = ticket["fileReferences"]
        .as_array()
        .expect("file references");
    Ok(files.last().expect("the file just added")["fileName"]
        .as_str()
        .expect("a file name")
        .to_owned())
}

/// Binary content with line ends and near-delimiters, but no delimiter.
fn content() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..32),
            Just(b"\r\n--".to_vec()),
            Just(format!("\r\n--{}", &BOUNDARY[..8]).into_bytes()),
            Just(format!("x--{BOUNDARY}").into_bytes()),
        ],
        0..8,
    )
    .prop_map(|pieces| pieces.concat())
    .prop_filter("no delimiter in the content", |c| {
        let framed = [b"\r\n", &c[..], b"\r\n"].concat();
        let delimiter = format!("\r\n--{BOUNDARY}");
        !framed
            .windows(delimiter.len())
            .any(|w| w == delimiter.as_bytes())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn an_xml_order_sent_in_chunks_is_taken_as_sent_whole(
        order in xml_order(),
        splits in prop::collection::vec(any::<prop::sample::Index>(), 2),
    ) {
        let fixture = &*FIXTURE;
        let xml = order.render().into_bytes();
        let mut taken = Vec::new();
        for (how, chunks) in chunkings(&xml, &splits) {
            taken.push((how, fixture.rt.block_on(place(fixture, chunks))));
        }
        let (_, whole) = &taken[0];
        let expected: Vec<FedLine> = order
            .lines
            .iter()
            .map(|(part, quantity, sid)| {
                (
                    Some(order.original_order_number.clone()),
                    Some(part.clone()),
                    Some(quantity.clone()),
                    sid.clone(),
                )
            })
            .collect();
        prop_assert_eq!(whole, &Ok(expected), "{}", String::from_utf8_lossy(&xml));
        for (how, lines) in &taken[1..] {
            prop_assert_eq!(lines, whole, "{}", how);
        }
    }

    #[test]
    fn an_upload_sent_in_chunks_is_filed_as_sent_whole(
        file_name in "[A-Za-z0-9 ._()é-]{0,12}[A-Za-z0-9]",
        content in content(),
        splits in prop::collection::vec(any::<prop::sample::Index>(), 2),
    ) {
        let fixture = &*FIXTURE;
        let body = multipart(&file_name, &content);
        for (how, chunks) in chunkings(&body, &splits) {
            let filed = fixture.rt.block_on(upload(fixture, chunks));
            prop_assert_eq!(filed, Ok(file_name.clone()), "{}", how);
        }
    }
}
