//! Keeping secrets out of what errors and logs print: credential-bearing headers, secret
//! properties of JSON bodies, values the client itself sent, and decoding messages that could
//! quote any of them.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

const REDACTED: &str = "[REDACTED]";

/// The shortest secret searched for inside a body or message. A shorter one (a token or id of
/// a few characters, as tests and fakes use) is too likely to match ordinary text by chance:
/// searched for, `ab` would turn `statusCode` into `st[REDACTED]…` and lose the typed error.
/// Real credentials are far longer (CSP tokens are JWTs, client secrets dozens of characters),
/// and a header, property or JSON value that holds a secret is still redacted whole, whatever
/// its length.
pub const MIN_SEARCHED_SECRET_LEN: usize = 8;

fn searched(secret: &str) -> bool {
    secret.len() >= MIN_SEARCHED_SECRET_LEN
}

/// Parts of a header or property name that mark a credential (compared without case, `-`
/// or `_`): `csp-auth-token`, `access_token`, `clientSecret`, `set-cookie`, ….
const SECRET_NAME_PARTS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "credential",
    "cookie",
    "authorization",
    "session",
];

/// Headers a server uses for the id of a request, to quote to its support.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "correlation-id",
    "csp-request-id",
    "x-vmware-request-id",
];

/// Body properties holding the same (CPHub's `ErrorResponse.requestId`).
const REQUEST_ID_PROPERTIES: &[&str] = &["requestId", "request_id", "correlationId"];

fn normalized(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn name_is_secret(name: &str, declared: &[&str]) -> bool {
    let name = normalized(name);
    SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
        || declared.iter().any(|d| normalized(d) == name)
}

/// Whether a header carries a credential: marked sensitive, or named like one.
pub(crate) fn header_is_sensitive(name: &HeaderName, value: &HeaderValue) -> bool {
    value.is_sensitive() || name_is_secret(name.as_str(), &[])
}

/// Headers for printing: every credential-bearing value shows as `[REDACTED]`.
pub struct RedactedHeaders<'a>(pub &'a HeaderMap);

/// `headers`, printable with `{:?}` without their credentials (for your own logs).
pub fn redacted_headers(headers: &HeaderMap) -> RedactedHeaders<'_> {
    RedactedHeaders(headers)
}

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown = if header_is_sensitive(name, value) {
                    REDACTED
                } else {
                    value.to_str().unwrap_or("<not text>")
                };
                (name.as_str(), shown)
            }))
            .finish()
    }
}

/// The start of a body as one line of text, for messages.
pub(crate) fn excerpt(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

/// What a client sent that must not come back in an error: the token or credential of the
/// request, kept beside its response by the runtime ([`crate::Received`]).
///
/// Most requests carry one (their token), kept without a `Vec` of its own: the runtime
/// attaches this to every answer.
#[derive(Clone)]
pub(crate) struct SentSecrets {
    first: HeaderValue,
    more: Vec<HeaderValue>,
}

impl SentSecrets {
    /// `value` alone.
    pub(crate) fn one(value: HeaderValue) -> SentSecrets {
        SentSecrets {
            first: value,
            more: Vec::new(),
        }
    }

    /// Adds `value`.
    pub(crate) fn push(&mut self, value: HeaderValue) {
        self.more.push(value);
    }

    /// The values to look for in an answer: each header's token, without its scheme.
    pub(crate) fn values(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&self.first)
            .chain(&self.more)
            .filter_map(|value| {
                let text = value.to_str().ok()?;
                let token = match text.split_once(' ') {
                    Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest,
                    Some((scheme, rest)) if scheme.eq_ignore_ascii_case("basic") => rest,
                    _ => text,
                };
                Some(token.trim())
            })
    }
}

/// A body made safe to keep in an error.
pub(crate) struct Redacted {
    /// The body, secrets replaced.
    pub(crate) body: Bytes,
    /// Its JSON, secrets replaced, when it is JSON.
    pub(crate) json: Option<Value>,
    /// Every value removed, to scrub from messages about the body.
    removed: Vec<String>,
}

/// Redacts `body`: the values of secret-named properties of JSON (and of `declared`, the
/// spec's `format: password` names) and every `known` value (what the client sent). A body
/// that is not JSON is replaced whole when `holds_secrets` (the answer can carry a token).
pub(crate) fn redact_body<'k>(
    body: Bytes,
    declared: &[&str],
    holds_secrets: bool,
    known: impl Iterator<Item = &'k str>,
) -> Redacted {
    let mut removed: Vec<String> = known.filter(|k| !k.is_empty()).map(str::to_owned).collect();
    let json = serde_json::from_slice::<Value>(&body).ok();
    let body = match json {
        Some(mut value) => {
            let before = removed.len();
            redact_value(&mut value, declared, &mut removed);
            // A known value that is a whole JSON string is replaced, however short.
            let known = removed[..before].to_vec();
            redact_known_values(&mut value, &known, &mut removed);
            let mut body = if removed.len() > before {
                Bytes::from(serde_json::to_vec(&value).unwrap_or_default())
            } else {
                body
            };
            body = replace_all(body, &removed);
            return Redacted {
                body,
                json: Some(value),
                removed,
            };
        }
        None if holds_secrets && !body.is_empty() => Bytes::from(format!(
            "[REDACTED: {} bytes that are not JSON, in an answer that can hold a secret]",
            body.len()
        )),
        None => replace_all(body, &removed),
    };
    Redacted {
        body,
        json: None,
        removed,
    }
}

fn redact_value(value: &mut Value, declared: &[&str], removed: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if name_is_secret(key, declared) && !value.is_null() {
                    collect_leaves(value, removed);
                    *value = Value::String(REDACTED.into());
                } else {
                    redact_value(value, declared, removed);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_value(item, declared, removed);
            }
        }
        _ => {}
    }
}

/// Replaces every JSON string that is exactly one of `known`.
fn redact_known_values(value: &mut Value, known: &[String], removed: &mut Vec<String>) {
    match value {
        Value::String(text) if known.iter().any(|k| k == text) => {
            removed.push(std::mem::replace(text, REDACTED.into()));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| redact_known_values(item, known, removed)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|item| redact_known_values(item, known, removed)),
        _ => {}
    }
}

fn collect_leaves(value: &Value, removed: &mut Vec<String>) {
    match value {
        Value::String(text) if !text.is_empty() => removed.push(text.clone()),
        Value::Number(number) => removed.push(number.to_string()),
        Value::Array(items) => items.iter().for_each(|v| collect_leaves(v, removed)),
        Value::Object(map) => map.values().for_each(|v| collect_leaves(v, removed)),
        _ => {}
    }
}

fn replace_all(body: Bytes, secrets: &[String]) -> Bytes {
    let mut body = body;
    for secret in secrets.iter().filter(|s| searched(s)) {
        let needle = secret.as_bytes();
        if !body.windows(needle.len()).any(|w| w == needle) {
            continue;
        }
        let mut out = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(REDACTED.as_bytes());
            rest = &rest[at + needle.len()..];
        }
        out.extend_from_slice(rest);
        body = Bytes::from(out);
    }
    body
}

impl Redacted {
    /// `message` with every removed value replaced.
    pub(crate) fn scrub(&self, message: &str) -> String {
        let mut message = message.to_owned();
        for secret in self.removed.iter().filter(|s| searched(s)) {
            message = message.replace(secret.as_str(), REDACTED);
        }
        message
    }

    /// A decoding error's message, safe to print: scrubbed when the body was JSON (so every
    /// secret in it is known), reduced to its place when it was not and can hold a secret.
    pub(crate) fn decode_message(&self, error: &serde_json::Error, holds_secrets: bool) -> String {
        if self.json.is_none() && holds_secrets {
            let kind = match error.classify() {
                serde_json::error::Category::Io => "read",
                serde_json::error::Category::Syntax => "syntax",
                serde_json::error::Category::Data => "data",
                serde_json::error::Category::Eof => "unexpected end of input",
            };
            format!(
                "the body is not the expected JSON ({kind} error at line {} column {})",
                error.line(),
                error.column()
            )
        } else {
            format!(
                "the body is not the expected JSON: {}",
                self.scrub(&error.to_string())
            )
        }
    }
}

/// The request id of an answer: from its headers, else from its JSON body.
pub fn request_id(headers: &HeaderMap, json: Option<&Value>) -> Option<String> {
    let from_header = REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok());
    let from_body = || {
        REQUEST_ID_PROPERTIES
            .iter()
            .find_map(|name| json?.get(*name)?.as_str())
    };
    from_header
        .or_else(from_body)
        .map(|id| id.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_properties_and_known_values_are_replaced_everywhere() {
        let body = Bytes::from_static(
            br#"{"access_token":"token-one-1","nested":[{"refreshToken":{"v":"token-two-2"}}],"message":"bad token-three-3 and token-one-1"}"#,
        );
        let redacted = redact_body(body, &[], true, ["token-three-3"].into_iter());
        let text = String::from_utf8(redacted.body.to_vec()).unwrap();
        for secret in ["token-one-1", "token-two-2", "token-three-3"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("bad [REDACTED] and [REDACTED]"), "{text}");
        assert_eq!(redacted.scrub("got \"token-two-2\""), "got \"[REDACTED]\"");
    }

    #[test]
    fn a_short_secret_is_not_searched_for_but_still_redacted_whole() {
        let error = br#"{"statusCode":400,"message":"bad sa request","cspErrorCode":"a"}"#;
        for short in ["s", "sa", "a", "400"] {
            let redacted = redact_body(Bytes::from_static(error), &[], true, [short].into_iter());
            let json = redacted.json.clone().unwrap();
            assert_eq!(json["statusCode"], 400, "{short}");
            assert!(
                String::from_utf8_lossy(&redacted.body).contains("statusCode"),
                "{short}"
            );
            assert_eq!(redacted.scrub("statusCode"), "statusCode");
        }
        // The value of a property that holds a secret, and a JSON value that is exactly a
        // secret the client sent, go whole, however short.
        let body = Bytes::from_static(br#"{"client_secret":"ab","echo":"xy","statusCode":401}"#);
        let redacted = redact_body(body, &[], true, ["xy"].into_iter());
        let json = redacted.json.unwrap();
        assert_eq!(json["client_secret"], REDACTED);
        assert_eq!(json["echo"], REDACTED);
        assert_eq!(json["statusCode"], 401);
        let text = String::from_utf8(redacted.body.to_vec()).unwrap();
        assert!(
            !text.contains("\"ab\"") && !text.contains("\"xy\""),
            "{text}"
        );
    }

    #[test]
    fn a_long_secret_never_shows() {
        let secret = "eyJhbGciOiJSUzI1NiJ9.payload.signature";
        let body = format!(r#"{{"message":"token {secret} expired","statusCode":401}}"#);
        let redacted = redact_body(Bytes::from(body), &[], true, [secret].into_iter());
        let text = String::from_utf8(redacted.body.to_vec()).unwrap();
        assert!(!text.contains(secret), "{text}");
        assert!(!redacted.scrub(&format!("at {secret}")).contains(secret));
        assert_eq!(redacted.json.unwrap()["statusCode"], 401);
    }

    #[test]
    fn a_body_that_is_not_json_is_kept_unless_it_can_hold_a_secret() {
        let html = Bytes::from_static(b"<html>503 tok</html>");
        let kept = redact_body(html.clone(), &[], false, std::iter::empty());
        assert_eq!(kept.body, html);
        let hidden = redact_body(html, &[], true, std::iter::empty());
        assert!(!String::from_utf8_lossy(&hidden.body).contains("tok"));
    }

    #[test]
    fn credential_headers_never_print() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "bearer abc"),
            ("csp-auth-token", "abc"),
            ("set-cookie", "session=abc"),
            ("x-api-key", "abc"),
            ("content-type", "text/html"),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let text = format!("{:?}", redacted_headers(&headers));
        assert!(!text.contains("abc"), "{text}");
        assert!(text.contains("text/html"), "{text}");
    }
}
