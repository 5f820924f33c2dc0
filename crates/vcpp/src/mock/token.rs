//! A typed httpmock helper for the token exchange (`get_token`), in the style of the
//! generated ones: match with the `When`, answer with the `Then`, through
//! [`TokenMockServerExt`].
//!
//! Paths are matched from the server's root, as the generated helpers match theirs: get
//! tokens with `get_token_at(&server.url(operations::GET_TOKEN.path), …)`.

use base64::Engine;
use httpmock::{Method, Mock, MockServer, Then, When};

use crate::operations;
use crate::types::{ErrorResponse, TokenResponse};

/// The token exchange (`get_token`, HTTP Basic).
pub struct GetTokenWhen(When);

impl GetTokenWhen {
    /// Matches the method and path.
    pub fn new(inner: When) -> Self {
        Self(inner.method(Method::POST).path(operations::GET_TOKEN.path))
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

/// Stubs the token exchange, as [`super::MockServerExt`] stubs each generated operation.
pub trait TokenMockServerExt {
    /// Stubs the token exchange.
    fn get_token<F: FnOnce(GetTokenWhen, GetTokenThen)>(&self, config: F) -> Mock<'_>;
}

impl TokenMockServerExt for MockServer {
    fn get_token<F: FnOnce(GetTokenWhen, GetTokenThen)>(&self, config: F) -> Mock<'_> {
        self.mock(|when, then| config(GetTokenWhen::new(when), GetTokenThen::new(then)))
    }
}
