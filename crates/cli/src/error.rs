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

/// A failed command. Messages never hold a secret: they are built from statuses, error
/// bodies (redacted) and the runtime's errors, which name credentials but not their values.
#[derive(Debug)]
pub enum CliError {
    /// Bad or missing input.
    Usage(String),
    /// Credentials missing or refused.
    Auth(String),
    /// An HTTP error answer.
    Http {
        /// The status.
        status: u16,
        /// The error body, as printed.
        body: String,
    },
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
}

impl CliError {
    /// The exit code of this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Auth(_) => EXIT_AUTH,
            CliError::Http { .. } => EXIT_HTTP,
            CliError::Network(_) => EXIT_NETWORK,
            CliError::Other(_) => EXIT_OTHER,
            CliError::Tenants { code, .. } => *code,
        }
    }

    /// The error for an HTTP answer that is not a success.
    pub fn from_status(status: u16, body: String) -> CliError {
        match status {
            401 | 403 => CliError::Auth(format!("HTTP {status}: {body}")),
            _ => CliError::Http { status, body },
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "usage: {m}"),
            CliError::Auth(m) => write!(f, "authentication failed: {m}"),
            CliError::Http { status, body } if body.is_empty() => write!(f, "HTTP {status}"),
            CliError::Http { status, body } => write!(f, "HTTP {status}: {body}"),
            CliError::Network(m) => write!(f, "cannot reach the service: {m}"),
            CliError::Other(m) => write!(f, "{m}"),
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
pub fn from_progenitor<E: fmt::Debug + serde::Serialize>(
    error: vmware_cpn_runtime::Error<E>,
) -> CliError {
    use vmware_cpn_runtime::Error;
    match error {
        Error::Auth(auth) => CliError::Auth(auth.to_string()),
        Error::Api(api) => CliError::from_status(
            api.status().as_u16(),
            api.typed()
                .and_then(|body| serde_json::to_string(body).ok())
                .unwrap_or_default(),
        ),
        Error::Transport(error) => CliError::from(error),
        Error::InvalidRequest(message) => CliError::Usage(message),
        other => CliError::Other(other.to_string()),
    }
}
