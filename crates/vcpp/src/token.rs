//! The token exchange (`get_token`): served by hand because it lives under its own server,
//! the m0 root beside the m3 API root, which progenitor's one base URL cannot reach. It sends
//! through the same `Runtime::send` and `vmware_cpn_runtime::answer` as the generated
//! operations, so it fails with the same `Error`.

use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::header::ACCEPT;
use vmware_cpn_runtime::answer;

use crate::types::{ErrorResponse, TokenResponse};
use crate::{Client, Error, operations, servers};

/// Each API root of the spec with the token URL of its environment, as the spec lists them.
const ENVIRONMENTS: [(&str, &str); 2] = [
    (servers::VCPP_PRODUCTION, servers::VCPP_PRODUCTION_TOKEN),
    (servers::VCPP_DEVELOPMENT, servers::VCPP_DEVELOPMENT_TOKEN),
];

/// The token endpoint of the environment whose API root is `base_url`: production, the
/// development gateway, or a mock serving both roots. The API root's path is swapped for the
/// token URL's path on the same host, the longest matching root first; `None` when
/// `base_url` ends in no API root's path.
pub fn token_url(base_url: &str) -> Option<String> {
    let base_url = base_url.trim_end_matches('/');
    ENVIRONMENTS
        .iter()
        .filter_map(|(root, token)| Some((url_path(root)?, url_path(token)?)))
        .filter_map(|(root_path, token_path)| {
            let host = base_url.strip_suffix(root_path.as_str())?;
            Some((root_path.len(), format!("{host}{token_path}")))
        })
        .max_by_key(|(matched, _)| *matched)
        .map(|(_, url)| url)
}

/// The path of an absolute URL: what follows its host.
fn url_path(url: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .ok()
        .map(|url| url.path().to_owned())
}

impl Client {
    /// Exchanges the Anypoint Client ID and Client Secret (HTTP Basic) for a bearer token,
    /// valid 20 minutes, at the token endpoint beside this client's API root.
    pub async fn get_token(
        &self,
        client_id: &str,
        client_secret: &str,
    ) -> Result<ResponseValue<TokenResponse>, Error<ErrorResponse>> {
        let url = token_url(self.baseurl()).ok_or_else(|| {
            Error::InvalidRequest(format!(
                "cannot derive the token endpoint from {}: it does not end in the path of an \
                 API root ({}, {}); use get_token_at",
                self.baseurl(),
                servers::VCPP_PRODUCTION,
                servers::VCPP_DEVELOPMENT,
            ))
        })?;
        self.get_token_at(&url, client_id, client_secret).await
    }

    /// As [`get_token`](Self::get_token), at an explicit token endpoint URL.
    pub async fn get_token_at(
        &self,
        token_url: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<ResponseValue<TokenResponse>, Error<ErrorResponse>> {
        let request = self
            .client()
            .post(token_url)
            .header(ACCEPT, "application/json")
            .basic_auth(client_id, Some(client_secret))
            .build()?;
        let operation = operations::GET_TOKEN;
        let mut response = self.inner.send(request, &operation).await?;
        answer::redact_also(&mut response, client_secret);
        answer::json_or_error(response, &operation).await
    }
}
