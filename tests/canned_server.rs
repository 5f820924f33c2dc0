//! A loopback server that answers each `METHOD path` with canned raw answers, in order (the
//! last one repeats), and counts the requests: for answers no well-behaved fake would give
//! (a proxy's HTML page, an empty 401, a token echoed back).

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Method, Response, StatusCode, Uri};

pub const ORG: &str = "9d9648a7-115a-4a06-a613-a0c4077469f7";
pub const CSP_EXCHANGE: &str = "/cphub/api/auth/v1/authn/accesstoken";
pub const VCPP_ROOT: &str = "/v1/m3/api/vcpp";
pub const VCPP_TOKEN: &str = "/v1/m0/api/token/oauth";

pub fn tenants() -> String {
    format!("/cphub/api/core/v1/mgmt/orgs/{ORG}/tenants")
}

/// One raw answer.
#[derive(Clone, Debug)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Canned {
        Canned {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn json(status: u16, value: serde_json::Value) -> Canned {
        Canned::new(status, value.to_string()).header("content-type", "application/json")
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Canned {
        self.headers.push((name, value.into()));
        self
    }
}

#[derive(Default)]
pub struct Server {
    answers: Mutex<HashMap<String, VecDeque<Canned>>>,
    hits: Mutex<HashMap<String, u32>>,
}

impl Server {
    /// Answers `method path` with `answers`, in order; the last one repeats.
    pub fn on(&self, method: &str, path: &str, answers: impl IntoIterator<Item = Canned>) {
        self.answers
            .lock()
            .unwrap()
            .insert(format!("{method} {path}"), answers.into_iter().collect());
    }

    pub fn hits(&self, method: &str, path: &str) -> u32 {
        let hits = self.hits.lock().unwrap();
        hits.get(&format!("{method} {path}")).copied().unwrap_or(0)
    }

    fn answer(&self, method: &Method, uri: &Uri) -> Response<Body> {
        let key = format!("{method} {}", uri.path());
        *self.hits.lock().unwrap().entry(key.clone()).or_default() += 1;
        let mut answers = self.answers.lock().unwrap();
        let canned = answers.get_mut(&key).and_then(|queue| {
            if queue.len() > 1 {
                queue.pop_front()
            } else {
                queue.front().cloned()
            }
        });
        let Some(canned) = canned else {
            return Response::builder()
                .status(StatusCode::IM_A_TEAPOT)
                .body(Body::from(format!("nothing canned for {key}")))
                .unwrap();
        };
        let mut response = Response::builder().status(canned.status);
        for (name, value) in canned.headers {
            response = response.header(name, value);
        }
        response.body(Body::from(canned.body)).unwrap()
    }
}

/// Starts a server on 127.0.0.1; returns its base URL.
pub async fn start() -> (String, Arc<Server>) {
    let server = Arc::new(Server::default());
    let state = server.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri| {
        let state = state.clone();
        async move { state.answer(&method, &uri) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), server)
}

/// Everything an error prints: `Display`, alternate `Display`, `Debug`, pretty `Debug` and
/// every error of its source chain.
pub fn everything_printed(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{error} | {error:#} | {error:?} | {error:#?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(" | {cause} | {cause:?}"));
        source = cause.source();
    }
    text
}
