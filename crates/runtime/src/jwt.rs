//! The lifetime a CSP access token carries itself. Cloud Partner Navigator's token exchange
//! answers no `expiresIn` (VMware's reference shows `accessToken`, `idToken`, `refreshToken`
//! and `returnUrl` only), but CSP access tokens are JWTs whose `exp` claim says when they
//! expire. Only the claim is read; the signature is the server's business, not the client's.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Time left before the token's `exp` claim (zero when it is past), if the token is a JWT
/// with one; `None` for any other token.
pub(crate) fn time_left(token: &str) -> Option<Duration> {
    let mut parts = token.split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    // Padding is optional in JWTs (RFC 7515 says none); accept it anyway.
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    let expires = UNIX_EPOCH.checked_add(Duration::from_secs(claims.exp))?;
    Some(
        expires
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[derive(serde::Deserialize)]
struct Claims {
    exp: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: &str) -> String {
        format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    #[test]
    fn reads_the_exp_claim() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let left = time_left(&token(&format!(r#"{{"sub":"a","exp":{}}}"#, now + 600))).unwrap();
        assert!(left > Duration::from_secs(590) && left <= Duration::from_secs(600));
        assert_eq!(time_left(&token(r#"{"exp":1}"#)), Some(Duration::ZERO));
    }

    #[test]
    fn anything_else_has_no_lifetime() {
        for other in [
            "mock-csp-1234",
            "a.b",
            "a.!!!.c",
            &token(r#"{"sub":"a"}"#),
            &token(r#"{"exp":"soon"}"#),
            &token(r#"{"exp":18446744073709551615}"#),
        ] {
            assert_eq!(time_left(other), None, "{other}");
        }
    }
}
