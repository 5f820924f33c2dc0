//! The mock (the `vmware-cpn-mock` library on an ephemeral loopback port) and `cpn` commands
//! pointed at it, with a config file of their own and none of the caller's environment.

#![allow(dead_code)]

use std::path::PathBuf;

use vmware_cpn_mock::MockServer;

/// A running mock and a private config directory.
pub struct Env {
    pub mock: MockServer,
    pub dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Env {
    pub fn start() -> Env {
        Env::start_with(vmware_cpn_mock::Config::default())
    }

    /// As [`Env::start`], with a mock configured by the caller.
    pub fn start_with(config: vmware_cpn_mock::Config) -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let mock = runtime
            .block_on(MockServer::start_with(config))
            .expect("mock starts");
        Env {
            mock,
            dir: tempfile::tempdir().expect("temp dir"),
            _runtime: runtime,
        }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("cpn").join("config.json")
    }

    /// `cpn` with no credentials at all: only the config file location.
    pub fn bare(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("cpn").expect("cpn is built");
        cmd.env_clear()
            .env("CPN_CONFIG", self.config())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd
    }

    /// `cpn` with the mock's URLs and credentials in the environment.
    pub fn cpn(&self) -> assert_cmd::Command {
        let mut cmd = self.bare();
        cmd.env("CPN_BASE_URL", self.mock.base_url())
            .env("CPN_REFRESH_TOKEN", self.mock.refresh_token())
            .env("CPN_ORG_ID", self.mock.provider_org())
            .env("VCPP_BASE_URL", self.mock.vcpp_base_url())
            .env("VCPP_CLIENT_ID", self.mock.vcpp_client_id())
            .env("VCPP_CLIENT_SECRET", self.mock.vcpp_client_secret());
        cmd
    }

    /// Runs `cpn args…`, which must succeed without showing a secret; answers its output.
    pub fn ok(&self, args: &[&str]) -> std::process::Output {
        let out = self.cpn().args(args).output().expect("cpn runs");
        self.assert_no_secret(&out);
        assert!(
            out.status.success(),
            "cpn {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs `cpn args…` and parses its stdout (JSON, as when piped).
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.ok(args);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "cpn {args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// No credential of the mock appears in a command's output.
    pub fn assert_no_secret(&self, out: &std::process::Output) {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in [self.mock.refresh_token(), self.mock.vcpp_client_secret()] {
            assert!(!text.contains(secret), "a secret was printed: {text}");
        }
        assert!(
            !text.contains("eyJ"),
            "an access token (JWT) was printed: {text}"
        );
    }
}

/// A VCPP order as JSON, for `cpn orders place` and `cpn vcpp place-order`.
pub const ORDER: &str = r#"{"OrderRequest": {"source": "VSPP-EXT-API", "orders": {"order": {
  "originalOrderNumber": "12611521", "resellerInfo": {"ID": "1349347"},
  "poType": "NEW_SERVICE_REQUEST",
  "orderContactList": {"orderContact": {"customerNumber": "9125255974", "emailAddress": "jdoe@vmware.com"}},
  "orderLineList": {"orderLineItem": [{"partNumber": "HCX-ALLCR-03PT0-C1S", "quantity": "1"}]}}}}}"#;

/// The flags of a complete tenant body (`tenants create`, `core create-tenant`/`update-tenant`).
pub const TENANT: &[&str] = &[
    "--display-name",
    "Acme",
    "--tenant-type",
    "DEFAULT",
    "--country",
    "US",
    "--company-name",
    "Acme Inc",
    "--city",
    "Atlanta",
    "--state",
    "GA",
    "--zip",
    "30313",
    "--domain",
    "acme.example",
    "--address-line1",
    "1 Main St",
];
