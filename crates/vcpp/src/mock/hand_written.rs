//! Typed httpmock helpers for the operations this crate serves by hand (`get_token`,
//! `place_order`, `get_order_feed`), in the style of the generated ones: match with the
//! `When`, answer with the `Then`, through [`HandWrittenMockServerExt`].
//!
//! Paths are matched from the server's root, as the generated helpers match theirs: build
//! the client on `server.base_url()`, and get tokens with `get_token_at(&server.url(
//! "/token/oauth"), …)`.

use base64::Engine;
use chrono::{DateTime, Utc};
use httpmock::{Method, Mock, MockServer, Then, When};

use crate::types::{
    ErrorResponse, OrderFeedJson, OrderRequestEnvelope, OrderResponse, TokenResponse,
};

fn json<T: serde::Serialize>(then: Then, status: u16, value: &T) -> Then {
    then.status(status)
        .header("content-type", "application/json")
        .json_body_obj(value)
}

/// The token exchange (`POST /token/oauth`, HTTP Basic).
pub struct GetTokenWhen(When);

impl GetTokenWhen {
    /// Matches the method and path.
    pub fn new(inner: When) -> Self {
        Self(inner.method(Method::POST).path("/token/oauth"))
    }

    /// Matches the client credentials sent with HTTP Basic.
    pub fn credentials(self, client_id: &str, client_secret: &str) -> Self {
        let encoded = base64::engine::general_purpose::STANDARD
            .encode(format!("{client_id}:{client_secret}"));
        Self(self.0.header("authorization", format!("Basic {encoded}")))
    }

    /// The untyped `When`.
    pub fn into_inner(self) -> When {
        self.0
    }
}

/// The answer of the token exchange.
pub struct GetTokenThen(Then);

impl GetTokenThen {
    /// Wraps the untyped `Then`.
    pub fn new(inner: Then) -> Self {
        Self(inner)
    }

    /// `200` with the token.
    pub fn ok(self, value: &TokenResponse) -> Self {
        Self(json(self.0, 200, value))
    }

    /// An error status with the gateway's error body.
    pub fn error(self, status: u16, value: &ErrorResponse) -> Self {
        Self(json(self.0, status, value))
    }

    /// The untyped `Then`.
    pub fn into_inner(self) -> Then {
        self.0
    }
}

/// Placing an order (`POST /order`), sent as JSON or XML.
pub struct PlaceOrderWhen(When);

impl PlaceOrderWhen {
    /// Matches the method and path.
    pub fn new(inner: When) -> Self {
        Self(inner.method(Method::POST).path("/order"))
    }

    /// Matches an order sent as JSON with exactly this content.
    pub fn body(self, value: &OrderRequestEnvelope) -> Self {
        Self(
            self.0
                .header("content-type", "application/json")
                .json_body_obj(value),
        )
    }

    /// Matches an order sent in the XML form.
    pub fn xml(self) -> Self {
        Self(self.0.header("content-type", "application/xml"))
    }

    /// The untyped `When`.
    pub fn into_inner(self) -> When {
        self.0
    }
}

/// The answer to an order.
pub struct PlaceOrderThen(Then);

impl PlaceOrderThen {
    /// Wraps the untyped `Then`.
    pub fn new(inner: Then) -> Self {
        Self(inner)
    }

    /// `200` with the order's status and `requestId`.
    pub fn ok(self, value: &OrderResponse) -> Self {
        Self(json(self.0, 200, value))
    }

    /// An error status with the gateway's error body.
    pub fn error(self, status: u16, value: &ErrorResponse) -> Self {
        Self(json(self.0, status, value))
    }

    /// The untyped `Then`.
    pub fn into_inner(self) -> Then {
        self.0
    }
}

/// Reading the order feed (`GET /orderfeed`).
pub struct GetOrderFeedWhen(When);

impl GetOrderFeedWhen {
    /// Matches the method and path.
    pub fn new(inner: When) -> Self {
        Self(inner.method(Method::GET).path("/orderfeed"))
    }

    /// Matches the `requestId` filter, or its absence.
    pub fn request_id<'a>(self, value: impl Into<Option<&'a str>>) -> Self {
        Self(match value.into() {
            Some(id) => self.0.query_param("requestId", id),
            None => self.0.query_param_missing("requestId"),
        })
    }

    /// Matches `If-Modified-Since`, as the client formats it (query parameter and header).
    pub fn if_modified_since(self, since: DateTime<Utc>) -> Self {
        let since = crate::calls::http_date(since);
        Self(
            self.0
                .query_param("if-Modified-Since", &since)
                .header("if-modified-since", since),
        )
    }

    /// Matches a request for the Atom form (what `get_order_feed` asks for).
    pub fn atom(self) -> Self {
        Self(self.0.header("accept", "application/atom+xml"))
    }

    /// Matches a request for the JSON form (what `get_order_feed_json` asks for).
    pub fn json(self) -> Self {
        Self(self.0.header("accept", "application/json"))
    }

    /// The untyped `When`.
    pub fn into_inner(self) -> When {
        self.0
    }
}

/// The order feed's answer.
pub struct GetOrderFeedThen(Then);

impl GetOrderFeedThen {
    /// Wraps the untyped `Then`.
    pub fn new(inner: Then) -> Self {
        Self(inner)
    }

    /// `200` with an Atom document.
    pub fn atom(self, feed: &str) -> Self {
        Self(
            self.0
                .status(200)
                .header("content-type", "application/atom+xml")
                .body(feed),
        )
    }

    /// `200` with the JSON form.
    pub fn json(self, value: &OrderFeedJson) -> Self {
        Self(json(self.0, 200, value))
    }

    /// `304 Not Modified`: no order changed since `If-Modified-Since`.
    pub fn not_modified(self) -> Self {
        Self(self.0.status(304))
    }

    /// An error status with the gateway's error body.
    pub fn error(self, status: u16, value: &ErrorResponse) -> Self {
        Self(json(self.0, status, value))
    }

    /// The untyped `Then`.
    pub fn into_inner(self) -> Then {
        self.0
    }
}

/// A method per hand-written operation, as [`super::MockServerExt`] has per generated one.
pub trait HandWrittenMockServerExt {
    /// Stubs the token exchange.
    fn get_token<F: FnOnce(GetTokenWhen, GetTokenThen)>(&self, config: F) -> Mock<'_>;
    /// Stubs placing an order.
    fn place_order<F: FnOnce(PlaceOrderWhen, PlaceOrderThen)>(&self, config: F) -> Mock<'_>;
    /// Stubs the order feed.
    fn get_order_feed<F: FnOnce(GetOrderFeedWhen, GetOrderFeedThen)>(&self, config: F) -> Mock<'_>;
}

impl HandWrittenMockServerExt for MockServer {
    fn get_token<F: FnOnce(GetTokenWhen, GetTokenThen)>(&self, config: F) -> Mock<'_> {
        self.mock(|when, then| config(GetTokenWhen::new(when), GetTokenThen::new(then)))
    }

    fn place_order<F: FnOnce(PlaceOrderWhen, PlaceOrderThen)>(&self, config: F) -> Mock<'_> {
        self.mock(|when, then| config(PlaceOrderWhen::new(when), PlaceOrderThen::new(then)))
    }

    fn get_order_feed<F: FnOnce(GetOrderFeedWhen, GetOrderFeedThen)>(&self, config: F) -> Mock<'_> {
        self.mock(|when, then| config(GetOrderFeedWhen::new(when), GetOrderFeedThen::new(then)))
    }
}
