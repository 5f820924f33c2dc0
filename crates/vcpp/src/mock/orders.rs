//! Typed httpmock helpers for placing orders and reading the order feed (`place_order`,
//! `get_order_feed`), in the style of the generated ones: match with the `When`, answer with
//! the `Then`, through [`OrdersMockServerExt`]. Build the client on `server.base_url()`.

use chrono::{DateTime, Utc};
use httpmock::{Method, Mock, MockServer, Then, When};

use crate::operations;
use crate::types::{ErrorResponse, OrderFeedJson, OrderRequestEnvelope, OrderResponse};

/// Placing an order (`place_order`), sent as JSON or XML.
pub struct PlaceOrderWhen(When);

impl PlaceOrderWhen {
    /// Matches the method and path.
    pub fn new(inner: When) -> Self {
        Self(
            inner
                .method(Method::POST)
                .path(operations::PLACE_ORDER.path),
        )
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
        Self(super::json(self.0, 200, value))
    }

    /// An error status with the gateway's error body.
    pub fn error(self, status: u16, value: &ErrorResponse) -> Self {
        Self(super::json(self.0, status, value))
    }

    /// The untyped `Then`.
    pub fn into_inner(self) -> Then {
        self.0
    }
}

/// Reading the order feed (`get_order_feed`).
pub struct GetOrderFeedWhen(When);

impl GetOrderFeedWhen {
    /// Matches the method and path.
    pub fn new(inner: When) -> Self {
        Self(
            inner
                .method(Method::GET)
                .path(operations::GET_ORDER_FEED.path),
        )
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
        let since = crate::orders::http_date(since);
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
        Self(super::json(self.0, 200, value))
    }

    /// `304 Not Modified`: no order changed since `If-Modified-Since`.
    pub fn not_modified(self) -> Self {
        Self(self.0.status(304))
    }

    /// An error status with the gateway's error body.
    pub fn error(self, status: u16, value: &ErrorResponse) -> Self {
        Self(super::json(self.0, status, value))
    }

    /// The untyped `Then`.
    pub fn into_inner(self) -> Then {
        self.0
    }
}

/// Stubs the order operations, as [`super::MockServerExt`] stubs each generated operation.
pub trait OrdersMockServerExt {
    /// Stubs placing an order.
    fn place_order<F: FnOnce(PlaceOrderWhen, PlaceOrderThen)>(&self, config: F) -> Mock<'_>;
    /// Stubs the order feed.
    fn get_order_feed<F: FnOnce(GetOrderFeedWhen, GetOrderFeedThen)>(&self, config: F) -> Mock<'_>;
}

impl OrdersMockServerExt for MockServer {
    fn place_order<F: FnOnce(PlaceOrderWhen, PlaceOrderThen)>(&self, config: F) -> Mock<'_> {
        self.mock(|when, then| config(PlaceOrderWhen::new(when), PlaceOrderThen::new(then)))
    }

    fn get_order_feed<F: FnOnce(GetOrderFeedWhen, GetOrderFeedThen)>(&self, config: F) -> Mock<'_> {
        self.mock(|when, then| config(GetOrderFeedWhen::new(when), GetOrderFeedThen::new(then)))
    }
}
