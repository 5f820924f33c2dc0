//! What can go wrong, and the exit code each failure gives scripts.

use std::fmt;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: any other failure (a file that cannot be read, bad JSON input).
pub const EXIT_OTHER: u8 = 1;
/// Exit code: a usage error (clap's own code for bad flags, too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: missing or refused credentials, or an HTTP 401 or 403 answer.
pub const EXIT_AUTH: u8 = 3;
/// Exit code: any other HTTP error answer (4XX, 5XX).
pub const EXIT_HTTP: u8 = 4;
/// Exit code: the service could not be reached, or did not answer in time.
pub const EXIT_NETWORK: u8 = 5;
/// Exit code: `cpn conformance` found answers that depart from the specs.
pub const EXIT_DRIFT: u8 = 6;

/// A failed command. Messages never hold a secret: they are built from statuses, error
/// bodies (redacted) and the runtime's errors, which name credentials but not their values.
#[derive(Debug)]
pub enum CliError {
    /// Bad or missing input.
    Usage(String),
    /// Credentials missing or refused.
    Auth(String),
    /// An HTTP error answer (`401` and `403` exit with [`EXIT_AUTH`]).
    Http(Box<ApiFailure>),
    /// Connection failure or timeout.
    Network(String),
    /// Anything else.
    Other(String),
    /// Some tenants of an `--all-tenants` run failed (each reported already).
    Tenants {
        /// How many failed.
        failed: usize,
        /// How many were tried.
        total: usize,
        /// The first failure's exit code.
        code: u8,
    },
    /// `cpn conformance` found this many departures from the specs (in its report).
    Drift(usize),
}

impl CliError {
    /// The exit code of this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Auth(_) => EXIT_AUTH,
            CliError::Http(failure) if matches!(failure.status, 401 | 403) => EXIT_AUTH,
            CliError::Http(_) => EXIT_HTTP,
            CliError::Network(_) => EXIT_NETWORK,
            CliError::Other(_) => EXIT_OTHER,
            CliError::Tenants { code, .. } => *code,
            CliError::Drift(_) => EXIT_DRIFT,
        }
    }

    /// The error for an HTTP answer that is not a success: `body` is the answer, redacted.
    pub fn from_answer(
        operation: &str,
        status: u16,
        body: &str,
        request_id: Option<String>,
        verbose: bool,
    ) -> CliError {
        let json = serde_json::from_str::<serde_json::Value>(body).ok();
        let message = json.as_ref().and_then(api_message).unwrap_or_else(|| {
            let text = body.trim();
            if text.starts_with('<') || json.is_some() {
                String::new()
            } else {
                text.lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(300)
                    .collect()
            }
        });
        let request_id = request_id.or_else(|| {
            let json = json.as_ref()?;
            ["requestId", "request_id", "correlationId"]
                .iter()
                .find_map(|name| match json.get(*name)? {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
        });
        CliError::Http(Box::new(ApiFailure {
            operation: operation.to_owned(),
            status,
            message,
            request_id,
            answer: (verbose && !body.trim().is_empty()).then(|| body.trim().to_owned()),
        }))
    }
}

/// An API's error answer as `cpn` reports it: one line, `<operation>: HTTP <status>: <the
/// API's message> (request id <id>)`, and with `--verbose` the whole (redacted) answer below.
#[derive(Debug)]
pub struct ApiFailure {
    /// The operation id.
    pub operation: String,
    /// The HTTP status.
    pub status: u16,
    /// The API's own message (empty when it gave none).
    pub message: String,
    /// The request id the server sent, to quote to support.
    pub request_id: Option<String>,
    /// With `--verbose`: the whole answer, redacted.
    pub answer: Option<String>,
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(answer) = &self.answer {
            write!(f, "\n{answer}")?;
        }
        Ok(())
    }
}

/// The message of an error body, by the names the specs' error schemas use (CSP's `message`,
/// OAuth's `error_description`, the VCPP gateway's `message` or `errorMessage`), then
/// `detail` and `error`; nested `errors[0]` too.
fn api_message(json: &serde_json::Value) -> Option<String> {
    let text = |v: &serde_json::Value| {
        v.as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.lines().next().unwrap_or(s).to_owned())
    };
    [
        "message",
        "error_description",
        "errorMessage",
        "detail",
        "title",
        "error",
    ]
    .iter()
    .find_map(|name| text(json.get(*name)?))
    .or_else(|| api_message(json.get("errors")?.get(0)?))
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "usage: {m}"),
            CliError::Auth(m) => write!(f, "authentication failed: {m}"),
            CliError::Http(failure) => write!(f, "{failure}"),
            CliError::Network(m) => write!(f, "cannot reach the service: {m}"),
            CliError::Other(m) => write!(f, "{m}"),
            CliError::Drift(found) => write!(
                f,
                "{found} finding(s): the service's answers depart from the specs; the report \
                 says where (shapes only, safe to send)"
            ),
            CliError::Tenants { failed, total, .. } => {
                write!(f, "{failed} of {total} tenants failed")
            }
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        CliError::Other(error.to_string())
    }
}

impl From<reqwest::Error> for CliError {
    fn from(error: reqwest::Error) -> Self {
        if error.is_builder() {
            CliError::Usage(error.to_string())
        } else {
            CliError::Network(error.to_string())
        }
    }
}

/// A failed call of a client crate's hand-written operation, sorted into the same codes.
pub fn from_client_error<E: fmt::Debug + serde::Serialize>(
    error: vmware_cpn_runtime::Error<E>,
) -> CliError {
    use vmware_cpn_runtime::Error;
    match error {
        Error::Auth(auth) => CliError::Auth(auth.to_string()),
        Error::Api(api) => CliError::from_answer(
            api.answer().operation(),
            api.status().as_u16(),
            &api.typed()
                .and_then(|body| serde_json::to_string(body).ok())
                .unwrap_or_default(),
            api.request_id().map(str::to_owned),
            false,
        ),
        Error::Transport(error) => CliError::from(error),
        Error::InvalidRequest(message) => CliError::Usage(message),
        other => CliError::Other(other.to_string()),
    }
}
