//! Credentials and settings: flags, then the environment, then a named profile of the config
//! file (`CPN_CONFIG`, else `cpn/config.json` under the user's config directory), which is
//! written owner-only (0600) because it holds API tokens and client secrets.
//!
//! A profile holds one Navigator credential, of one [`NavigatorKind`], and VCPP client
//! credentials beside it. Secrets come from the environment or the profile, and at
//! `cpn auth login` from stdin or a hidden prompt ([`read_secret`]): never from a flag.

use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// The kinds of Navigator credential `cpn` logs in with; each is one of the runtime's token
/// sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NavigatorKind {
    /// A Navigator (CPHub) API token, exchanged at Navigator (`Auth::csp_refresh_token`):
    /// `CPN_REFRESH_TOKEN`.
    NavigatorToken,
    /// A CSP API token, exchanged at the CSP gateway (`Auth::csp_api_token`):
    /// `CSP_API_TOKEN`, at `CSP_BASE_URL`.
    CspApiToken,
    /// A Navigator OAuth app's client id and secret, for a token in the configured
    /// organization (`Auth::navigator_oauth_app`): `CPN_CLIENT_ID`, `CPN_CLIENT_SECRET`.
    OauthApp,
    /// A command that prints an access token, run whenever one is needed (`Auth::from_fn`),
    /// like AWS's `credential_process`: `CPN_TOKEN_COMMAND`.
    TokenCommand,
}

impl NavigatorKind {
    /// Every kind, the default first.
    pub const ALL: [NavigatorKind; 4] = [
        NavigatorKind::NavigatorToken,
        NavigatorKind::CspApiToken,
        NavigatorKind::OauthApp,
        NavigatorKind::TokenCommand,
    ];

    /// The order the environment is searched for a kind's variable ([`env_var`](Self::env_var)):
    /// an OAuth app, the machine credential, wins when it is configured (as in the tour).
    pub const ENV_ORDER: [NavigatorKind; 4] = [
        NavigatorKind::OauthApp,
        NavigatorKind::NavigatorToken,
        NavigatorKind::CspApiToken,
        NavigatorKind::TokenCommand,
    ];

    /// The name `--kind` takes and `cpn auth status` prints.
    pub fn name(self) -> &'static str {
        match self {
            NavigatorKind::NavigatorToken => "navigator-token",
            NavigatorKind::CspApiToken => "csp-api-token",
            NavigatorKind::OauthApp => "oauth-app",
            NavigatorKind::TokenCommand => "token-command",
        }
    }

    /// The environment variable whose presence selects this kind: its secret (the command,
    /// for a token command).
    pub fn env_var(self) -> &'static str {
        match self {
            NavigatorKind::NavigatorToken => "CPN_REFRESH_TOKEN",
            NavigatorKind::CspApiToken => "CSP_API_TOKEN",
            NavigatorKind::OauthApp => "CPN_CLIENT_SECRET",
            NavigatorKind::TokenCommand => "CPN_TOKEN_COMMAND",
        }
    }
}

impl fmt::Display for NavigatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// The config file: named profiles.
#[derive(Default, Serialize, Deserialize)]
pub struct ConfigFile {
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile. No `Debug`: it holds secrets.
#[derive(Default, Clone, Serialize, Deserialize)]
pub struct Profile {
    /// Cloud Partner Navigator base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The provider organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// The kind of the Navigator credential; a profile with none (written before there were
    /// kinds) and a `refresh_token` holds a Navigator API token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<NavigatorKind>,
    /// The API (refresh) token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The CSP gateway where a CSP API token is exchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csp_exchange_url: Option<String>,
    /// The CSP API token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csp_api_token: Option<String>,
    /// The Navigator OAuth app's client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The Navigator OAuth app's client secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The command that prints an access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_command: Option<String>,
    /// The VCPP API root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpp_base_url: Option<String>,
    /// The VCPP client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpp_client_id: Option<String>,
    /// The VCPP client secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpp_client_secret: Option<String>,
}

impl Profile {
    /// Stores the Navigator credential of `settings` (its kind and that kind's settings),
    /// with the base URL and organization, dropping whatever credential of another kind the
    /// profile held: one Navigator credential per profile, and no secret left unused.
    pub fn set_navigator(&mut self, settings: &Settings) {
        self.base_url = Some(settings.base_url.clone());
        self.org_id = settings.org_id.clone();
        self.kind = settings.kind;
        let kind = settings.kind;
        let keep = |of: NavigatorKind, value: &Option<String>| {
            if kind == Some(of) {
                value.clone()
            } else {
                None
            }
        };
        self.refresh_token = keep(NavigatorKind::NavigatorToken, &settings.refresh_token);
        self.csp_api_token = keep(NavigatorKind::CspApiToken, &settings.csp_api_token);
        self.csp_exchange_url =
            (kind == Some(NavigatorKind::CspApiToken)).then(|| settings.csp_exchange_url.clone());
        self.client_id = keep(NavigatorKind::OauthApp, &settings.client_id);
        self.client_secret = keep(NavigatorKind::OauthApp, &settings.client_secret);
        self.token_command = keep(NavigatorKind::TokenCommand, &settings.token_command);
    }
}

/// Where the config file is.
pub fn path() -> Result<PathBuf, CliError> {
    if let Some(path) = std::env::var_os("CPN_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    dirs::config_dir()
        .map(|dir| dir.join("cpn").join("config.json"))
        .ok_or_else(|| CliError::Other("no config directory; set CPN_CONFIG".into()))
}

/// Reads the config file; a missing file is an empty one.
pub fn load() -> Result<ConfigFile, CliError> {
    let path = path()?;
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| CliError::Other(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(e) => Err(CliError::Other(format!("{}: {e}", path.display()))),
    }
}

/// Writes the config file, readable and writable by its owner only.
pub fn save(config: &ConfigFile) -> Result<PathBuf, CliError> {
    let path = path()?;
    let text = serde_json::to_string_pretty(config).map_err(|e| CliError::Other(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Written beside the file and renamed over it, created 0600 before any secret is in it.
    let temp = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    {
        use std::io::Write;
        let mut file = options.open(&temp)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    std::fs::rename(&temp, &path)?;
    Ok(path)
}

/// The profile name: `--profile`, else `CPN_PROFILE`, else `default`.
pub fn profile_name(flag: Option<&String>) -> String {
    flag.cloned()
        .or_else(|| env("CPN_PROFILE"))
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned())
}

/// A non-empty environment variable.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Reads one secret: a line of stdin, or a hidden prompt on a terminal. Never echoed, and
/// never part of an error.
pub fn read_secret(prompt: &str) -> Result<String, CliError> {
    let secret = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    };
    let secret = secret.trim().to_owned();
    if secret.is_empty() {
        return Err(CliError::Usage("no secret given on stdin".into()));
    }
    Ok(secret)
}

/// The URL of the CSP gateway's API-token exchange from what a user gives: the exchange's
/// URL itself (`presets::CSP`), or the gateway's base URL, to which the spec's path is added.
pub fn csp_exchange_url(url: &str) -> String {
    let url = url.trim_end_matches('/');
    let exchange = cphub_auth::operations::EXCHANGE_CSP_API_TOKEN;
    if url.ends_with(exchange.path) {
        return url.to_owned();
    }
    exchange.url(url, &[]).unwrap_or_else(|_| url.to_owned())
}

/// Every setting, resolved: flag, then environment, then profile.
#[derive(Clone)]
pub struct Settings {
    /// The profile's name.
    pub profile: String,
    /// Cloud Partner Navigator base URL.
    pub base_url: String,
    /// The provider organization.
    pub org_id: Option<String>,
    /// The kind of Navigator credential in use: the first whose secret the environment holds
    /// (in [`NavigatorKind::ENV_ORDER`]), else the profile's.
    pub kind: Option<NavigatorKind>,
    /// The API (refresh) token.
    pub refresh_token: Option<String>,
    /// The CSP gateway's root, where a CSP API token is exchanged.
    pub csp_exchange_url: String,
    /// The CSP API token.
    pub csp_api_token: Option<String>,
    /// The Navigator OAuth app's client id.
    pub client_id: Option<String>,
    /// The Navigator OAuth app's client secret.
    pub client_secret: Option<String>,
    /// The command that prints an access token.
    pub token_command: Option<String>,
    /// The VCPP API root.
    pub vcpp_base_url: String,
    /// The VCPP client id.
    pub vcpp_client_id: Option<String>,
    /// The VCPP client secret.
    pub vcpp_client_secret: Option<String>,
}

impl Settings {
    /// Resolves every setting for the profile `profile`.
    pub fn resolve(
        profile: String,
        base_url: Option<&String>,
        vcpp_base_url: Option<&String>,
    ) -> Result<Settings, CliError> {
        let stored = load()?.profiles.remove(&profile).unwrap_or_default();
        let kind = NavigatorKind::ENV_ORDER
            .into_iter()
            .find(|kind| env(kind.env_var()).is_some())
            .or(stored.kind)
            .or(stored
                .refresh_token
                .as_ref()
                .map(|_| NavigatorKind::NavigatorToken));
        let csp_url = env("CSP_BASE_URL")
            .or(stored.csp_exchange_url)
            .unwrap_or_else(|| vmware_cpn_runtime::presets::CSP.to_owned());
        Ok(Settings {
            base_url: base_url
                .cloned()
                .or_else(|| env("CPN_BASE_URL"))
                .or(stored.base_url)
                .unwrap_or_else(|| vmware_cpn_runtime::presets::NAVIGATOR.to_owned()),
            org_id: env("CPN_ORG_ID").or(stored.org_id),
            kind,
            refresh_token: env("CPN_REFRESH_TOKEN").or(stored.refresh_token),
            csp_exchange_url: csp_exchange_url(&csp_url),
            csp_api_token: env("CSP_API_TOKEN").or(stored.csp_api_token),
            client_id: env("CPN_CLIENT_ID").or(stored.client_id),
            client_secret: env("CPN_CLIENT_SECRET").or(stored.client_secret),
            token_command: env("CPN_TOKEN_COMMAND").or(stored.token_command),
            vcpp_base_url: vcpp_base_url
                .cloned()
                .or_else(|| env("VCPP_BASE_URL"))
                .or(stored.vcpp_base_url)
                .unwrap_or_else(|| vmware_cpn_runtime::presets::VCPP_PRODUCTION.to_owned()),
            vcpp_client_id: env("VCPP_CLIENT_ID").or(stored.vcpp_client_id),
            vcpp_client_secret: env("VCPP_CLIENT_SECRET").or(stored.vcpp_client_secret),
            profile,
        })
    }
}
