//! Credentials and settings: flags, then the environment, then a named profile of the config
//! file (`CPN_CONFIG`, else `cpn/config.json` under the user's config directory), which is
//! written owner-only (0600) because it holds refresh tokens and client secrets.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::CliError;

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
    /// The API (refresh) token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
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

/// Every setting, resolved: flag, then environment, then profile.
#[derive(Clone)]
pub struct Settings {
    /// The profile's name.
    pub profile: String,
    /// Cloud Partner Navigator base URL.
    pub base_url: String,
    /// The provider organization.
    pub org_id: Option<String>,
    /// The API (refresh) token.
    pub refresh_token: Option<String>,
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
        Ok(Settings {
            base_url: base_url
                .cloned()
                .or_else(|| env("CPN_BASE_URL"))
                .or(stored.base_url)
                .unwrap_or_else(|| vmware_cpn_runtime::presets::NAVIGATOR.to_owned()),
            org_id: env("CPN_ORG_ID").or(stored.org_id),
            refresh_token: env("CPN_REFRESH_TOKEN").or(stored.refresh_token),
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
