//! A loopback server that answers each `METHOD path` with canned raw answers, in order (the
//! last one repeats), and counts the requests: for answers no well-behaved fake would give
//! (a proxy's HTML page, an empty 401, a token echoed back).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Method, Response, StatusCode, Uri};

/// One raw answer.
#[derive(Clone, Debug)]
pub struct Canned {
    /// The status.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body, as sent.
    pub body: Vec<u8>,
}

impl Canned {
    /// `status` with `body` and no header.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Canned {
        Canned {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// `status` with `value` as `application/json`.
    pub fn json(status: u16, value: serde_json::Value) -> Canned {
        Canned::new(status, value.to_string()).header("content-type", "application/json")
    }

    /// A `200` from Navigator's token exchange issuing `access_token` for 30 minutes.
    pub fn access_token(access_token: &str) -> Canned {
        Canned::json(
            200,
            serde_json::json!({"accessToken": access_token, "expiresIn": 1800}),
        )
    }

    /// The answer with one more header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Canned {
        self.headers.push((name, value.into()));
        self
    }
}

/// The server's state: the answers left and the requests seen, by `METHOD path`. Anything
/// not canned is answered `418` naming it.
#[derive(Default)]
pub struct CannedServer {
    answers: Mutex<HashMap<String, VecDeque<Canned>>>,
    hits: Mutex<HashMap<String, u32>>,
}

impl CannedServer {
    /// Answers `method path` with `answers`, in order; the last one repeats.
    pub fn on(&self, method: &str, path: &str, answers: impl IntoIterator<Item = Canned>) {
        self.answers
            .lock()
            .unwrap()
            .insert(format!("{method} {path}"), answers.into_iter().collect());
    }

    /// The requests `method path` received so far.
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

/// Starts a server on 127.0.0.1; returns its base URL and its state.
pub async fn start() -> (String, Arc<CannedServer>) {
    let server = Arc::new(CannedServer::default());
    let state = server.clone();
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri| {
        let state = state.clone();
        async move { state.answer(&method, &uri) }
    });
    (crate::serve(app).await, server)
}
