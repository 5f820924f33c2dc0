//! The tokens the mock issues and checks, like CSP and the VCPP gateway do: CSP access tokens
//! are JWTs whose `exp` claim says when they expire (Navigator's exchange announces no
//! lifetime), VCPP tokens are opaque strings whose lifetime the exchange announces.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::config::Config;

/// Which exchange issued a token; a token of one is refused by the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `csp-auth-token`, from the refresh-token exchange.
    Csp,
    /// `authorization: bearer`, from the VCPP client-credentials exchange.
    Vcpp,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Missing,
    Unknown,
    Expired,
}

impl Refusal {
    pub(crate) fn message(self) -> &'static str {
        match self {
            Refusal::Missing => "no access token was sent",
            Refusal::Unknown => "the access token is not valid",
            Refusal::Expired => "the access token has expired",
        }
    }
}

pub(crate) struct Tokens {
    issued: HashMap<String, (Kind, Instant)>,
    exchanges: u64,
    csp_lifetime: Duration,
    vcpp_lifetime: Duration,
}

impl Tokens {
    pub(crate) fn new(config: &Config) -> Tokens {
        Tokens {
            issued: HashMap::new(),
            exchanges: 0,
            csp_lifetime: config.csp_token_lifetime,
            vcpp_lifetime: config.vcpp_token_lifetime,
        }
    }

    /// A new token of `kind` and its lifetime in whole seconds (at least one): the `exp` claim
    /// of a CSP token, the `expires_in` of the VCPP answer.
    pub(crate) fn issue(&mut self, kind: Kind) -> (String, u64) {
        self.exchanges += 1;
        let lifetime = match kind {
            Kind::Csp => self.csp_lifetime,
            Kind::Vcpp => self.vcpp_lifetime,
        };
        let prefix = match kind {
            Kind::Csp => "mock-csp",
            Kind::Vcpp => "mock-vcpp",
        };
        let id = format!("{prefix}-{}", uuid::Uuid::new_v4().simple());
        let token = match kind {
            Kind::Csp => jwt(&id, lifetime),
            Kind::Vcpp => id,
        };
        // A lifetime too long for the clock (`Duration::MAX`, say) means "never expires".
        let expires = Instant::now()
            .checked_add(lifetime)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 24 * 60 * 60));
        self.issued.insert(token.clone(), (kind, expires));
        (token, lifetime.as_secs().max(1))
    }

    pub(crate) fn check(&self, kind: Kind, token: Option<&str>) -> Result<(), Refusal> {
        let token = token.filter(|t| !t.is_empty()).ok_or(Refusal::Missing)?;
        match self.issued.get(token) {
            Some((issued_kind, _)) if *issued_kind != kind => Err(Refusal::Unknown),
            Some((_, expires)) if Instant::now() >= *expires => Err(Refusal::Expired),
            Some(_) => Ok(()),
            None => Err(Refusal::Unknown),
        }
    }

    pub(crate) fn expire_all(&mut self) {
        let now = Instant::now();
        for (_, expires) in self.issued.values_mut() {
            *expires = now;
        }
    }

    pub(crate) fn exchanges(&self) -> u64 {
        self.exchanges
    }
}

/// An unsigned JWT (`alg: none`) with the claims a client reads: `sub`, and `exp` in seconds
/// since the epoch (saturating, so a lifetime beyond the clock is as far as it goes).
fn jwt(id: &str, lifetime: Duration) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let claims = serde_json::json!({
        "sub": id,
        "exp": now.saturating_add(lifetime.as_secs().max(1)),
    });
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifetime_beyond_the_clock_never_expires_and_never_panics() {
        let config = Config::default().token_lifetime(Duration::MAX);
        let mut tokens = Tokens::new(&config);
        let (token, announced) = tokens.issue(Kind::Csp);
        assert_eq!(announced, u64::MAX);
        assert_eq!(tokens.check(Kind::Csp, Some(&token)), Ok(()));
    }

    #[test]
    fn csp_tokens_are_jwts_that_carry_their_expiry() {
        use base64::Engine;
        let config = Config::default().token_lifetime(Duration::from_secs(90));
        let (token, _) = Tokens::new(&config).issue(Kind::Csp);
        let payload = token.split('.').nth(1).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let exp = claims["exp"].as_u64().unwrap();
        assert!((now + 89..=now + 91).contains(&exp), "{claims}");
    }

    #[test]
    fn tokens_are_refused_missing_unknown_expired_or_of_the_other_kind() {
        let mut tokens = Tokens::new(&Config::default());
        let (token, _) = tokens.issue(Kind::Vcpp);
        assert_eq!(tokens.check(Kind::Vcpp, None), Err(Refusal::Missing));
        assert_eq!(tokens.check(Kind::Vcpp, Some("")), Err(Refusal::Missing));
        assert_eq!(
            tokens.check(Kind::Vcpp, Some("forged")),
            Err(Refusal::Unknown)
        );
        assert_eq!(tokens.check(Kind::Csp, Some(&token)), Err(Refusal::Unknown));
        assert_eq!(tokens.check(Kind::Vcpp, Some(&token)), Ok(()));
        tokens.expire_all();
        assert_eq!(
            tokens.check(Kind::Vcpp, Some(&token)),
            Err(Refusal::Expired)
        );
    }
}
