//! The order feed as the client reads it over HTTP when the body arrives in chunks: a
//! loopback server sends the Atom body with `Transfer-Encoding: chunked`, split at generated
//! points, one byte at a time, and (the guide's sample) at every point, flushing between
//! chunks; `get_order_feed` gives what [`OrderFeed::from_atom`] gives for the whole body, a
//! damaged body included (the same error).
//!
//! The feed generators are those of `order_feed_props.rs` (the `feeds` module).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vcpp::{Client, OrderFeed, OrderFeedQuery};
use vmware_cpn_test_support::anonymous_runtime;
use vmware_cpn_test_support::paths::VCPP_ROOT;

mod feeds;

use feeds::*;

/// The chunks each planned answer is sent in, by the `requestId` its request carries.
type Planned = Arc<Mutex<HashMap<String, Vec<Vec<u8>>>>>;

/// A loopback server, shared by the tests of this file, that answers each request with the
/// chunks planned for its `requestId`, flushing after each, then the end of the body; the
/// connection is then closed.
struct ChunkedServer {
    rt: tokio::runtime::Runtime,
    client: Client,
    planned: Planned,
    next: AtomicU64,
}

static SERVER: LazyLock<ChunkedServer> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    let planned: Planned = Arc::default();
    let answers = planned.clone();
    rt.spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answers = answers.clone();
            tokio::spawn(async move {
                stream.set_nodelay(true).unwrap();
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let line = String::from_utf8_lossy(&request);
                let key = line
                    .split_once("requestId=")
                    .and_then(|(_, rest)| rest.split([' ', '&']).next())
                    .expect("a requestId");
                let chunks = answers
                    .lock()
                    .unwrap()
                    .remove(key)
                    .expect("an answer planned");
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/atom+xml\r\n\
                            transfer-encoding: chunked\r\nconnection: close\r\n\r\n";
                stream.write_all(head.as_bytes()).await.unwrap();
                stream.flush().await.unwrap();
                // An empty chunk would end the body: chunked encoding has none.
                for chunk in chunks.iter().filter(|c| !c.is_empty()) {
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(chunk);
                    framed.extend_from_slice(b"\r\n");
                    stream.write_all(&framed).await.unwrap();
                    stream.flush().await.unwrap();
                }
                stream.write_all(b"0\r\n\r\n").await.unwrap();
                stream.shutdown().await.ok();
            });
        }
    });
    let client = Client::with_runtime(&format!("http://{address}{VCPP_ROOT}"), anonymous_runtime());
    ChunkedServer {
        rt,
        client,
        planned,
        next: AtomicU64::new(0),
    }
});

impl ChunkedServer {
    /// The feed as the client reads it when the body comes in `chunks`; an error as printed.
    fn feed(&self, chunks: Vec<Vec<u8>>) -> Result<OrderFeed, String> {
        let key = format!("r{}", self.next.fetch_add(1, Ordering::Relaxed));
        self.planned.lock().unwrap().insert(key.clone(), chunks);
        self.rt
            .block_on(
                self.client
                    .get_order_feed(&OrderFeedQuery::default().request_id(key)),
            )
            .map(|answer| answer.into_inner().expect("a feed, not 304"))
            .map_err(|e| {
                let mut message = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    message.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                message
            })
    }
}

/// `body` whole, split at each of `splits`, and one byte at a time.
fn chunkings(body: &[u8], splits: &[prop::sample::Index]) -> Vec<(String, Vec<Vec<u8>>)> {
    let points = splits.iter().map(|split| split.index(body.len() + 1));
    vmware_cpn_test_support::chunkings(body, points)
}

/// The client reads `body` the same however it is chunked, and as `from_atom` reads it
/// whole (an error naming the same `AtomError`).
fn assert_read_alike(body: &[u8], splits: &[prop::sample::Index]) -> Result<(), TestCaseError> {
    let parsed = OrderFeed::from_atom(body);
    let mut read = Vec::new();
    for (how, chunks) in chunkings(body, splits) {
        read.push((how, SERVER.feed(chunks)));
    }
    let (_, whole) = &read[0];
    match (&parsed, whole) {
        (Ok(parsed), Ok(feed)) => prop_assert_eq!(parsed, feed),
        (Err(error), Err(message)) => prop_assert!(
            message.contains(&error.to_string()),
            "{} does not name {}",
            message,
            error
        ),
        (parsed, read) => prop_assert!(false, "from_atom: {:?}, read: {:?}", parsed, read),
    }
    for (how, feed) in &read[1..] {
        prop_assert_eq!(feed, whole, "{}", how);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_feed_in_chunks_reads_as_the_whole_body(
        feed in feed(),
        style in style(),
        splits in prop::collection::vec(any::<prop::sample::Index>(), 3),
    ) {
        let xml = render(&feed, &style);
        prop_assert_eq!(OrderFeed::from_atom(xml.as_bytes()), Ok(feed.0.clone()));
        assert_read_alike(xml.as_bytes(), &splits)?;
    }

    #[test]
    fn a_damaged_feed_in_chunks_reads_as_the_whole_body(
        feed in feed(),
        style in style(),
        mutations in prop::collection::vec(mutation(), 1..3),
        splits in prop::collection::vec(any::<prop::sample::Index>(), 2),
    ) {
        let mut body = render(&feed, &style).into_bytes();
        for mutation in &mutations {
            apply(&mut body, mutation);
        }
        assert_read_alike(&body, &splits)?;
    }
}

#[test]
fn the_guides_sample_reads_the_same_split_at_every_point() {
    let sample = vmware_cpn_test_support::Spec::load("vcpp")
        .response_media_example("get_order_feed", "200", "application/atom+xml")
        .as_str()
        .unwrap()
        .as_bytes()
        .to_vec();
    let whole = OrderFeed::from_atom(&sample).unwrap();
    assert_eq!(whole.entries.len(), 1);
    for at in 0..=sample.len() {
        let chunks = vec![sample[..at].to_vec(), sample[at..].to_vec()];
        assert_eq!(SERVER.feed(chunks).as_ref(), Ok(&whole), "split at {at}");
    }
    let bytes = sample.chunks(1).map(<[u8]>::to_vec).collect();
    assert_eq!(SERVER.feed(bytes), Ok(whole), "one byte at a time");
}
