//! Writes the facts the runtime takes from the specs it carries (`specs/`, symlinks into the
//! workspace's, copied as files by `cargo package`), so that no URL or path is written twice:
//! - `presets.rs`: the named servers (`x-name`) of `cphub-auth`, which every CPHub/Navigator
//!   surface shares, and of `vcpp`, VCPP's token URLs among them;
//! - `exchanges.rs`: the paths of cphub-auth's token exchanges the runtime's sources make:
//!   `get_access_token` (a refresh token buys an access token) and `authorize_oauth_app` (an
//!   OAuth app's client credentials do), each checked against what the source sends, so that a
//!   spec that moves away from it fails the build, not the first login.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use vmware_cpn_spec::load::{BodyOf, OperationRef, resolve_parameter};
use vmware_cpn_spec::servers::named_servers;
use vmware_cpn_spec::{LoadedSpec, SpecErrors};

/// The operation of `cphub-auth` whose path [`vmware_cpn_runtime::Auth::csp_refresh_token`]
/// posts to, a JSON body.
const CSP_EXCHANGE: &str = "get_access_token";

/// The operation of `cphub-auth` whose path [`vmware_cpn_runtime::Auth::navigator_oauth_app`]
/// posts to: HTTP Basic, `orgId` in the query, a form body. (Its sibling
/// `get_oauth_app_access_token` takes the secret in a JSON body instead; it is not used.)
const NAVIGATOR_OAUTH: &str = "authorize_oauth_app";

/// The CSP API-token exchange (served from the CSP gateway, its own server in the spec).
const CSP_API_TOKEN: &str = "exchange_csp_api_token";

fn main() {
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    if let Err(errors) = write_facts(&crate_dir, &out_dir) {
        for error in &errors.0 {
            eprintln!("error: {error}");
        }
        std::process::exit(1);
    }
}

fn write_facts(crate_dir: &Path, out_dir: &Path) -> Result<(), SpecErrors> {
    let auth = load(crate_dir, "cphub-auth")?;
    let vcpp = load(crate_dir, "vcpp")?;
    let mut presets = String::new();
    for (loaded, server) in named_servers(&auth)?
        .into_iter()
        .map(|server| (&auth, server))
        .chain(
            named_servers(&vcpp)?
                .into_iter()
                .map(|server| (&vcpp, server)),
        )
    {
        writeln!(
            presets,
            "/// {} ({}, `x-name: {}`)\npub const {}: &str = {:?};",
            server.doc(),
            loaded.file,
            server.name,
            server.name,
            server.url
        )
        .expect("writing to a String");
    }
    let exchanges = [
        exchange_path(&auth, CSP_EXCHANGE, "CSP_EXCHANGE_PATH", check_csp_exchange)?,
        exchange_path(
            &auth,
            NAVIGATOR_OAUTH,
            "NAVIGATOR_OAUTH_PATH",
            check_oauth_exchange,
        )?,
    ]
    .concat();
    // Its URL is the operation's own server (`presets::CSP`); only its shape is checked.
    exchange_path(
        &auth,
        CSP_API_TOKEN,
        "CSP_API_TOKEN_PATH",
        check_csp_api_token_exchange,
    )?;
    write(&out_dir.join("presets.rs"), &presets, &auth)?;
    write(&out_dir.join("exchanges.rs"), &exchanges, &auth)
}

/// The constant `name` holding the path of `operation_id`, once `check` finds that the spec
/// describes it as the runtime sends it.
fn exchange_path(
    auth: &LoadedSpec,
    operation_id: &str,
    name: &str,
    check: fn(&LoadedSpec, &OperationRef<'_>) -> Result<(), String>,
) -> Result<String, SpecErrors> {
    let operation = auth.operation(operation_id).ok_or_else(|| {
        SpecErrors::single(auth.error_at(
            &["paths"],
            format!(
                "no operation {operation_id}: the runtime's token source needs its path (see \
                 crates/runtime/build.rs)"
            ),
        ))
    })?;
    let mismatch = |problem: String| {
        SpecErrors::single(auth.error_at(
            &["paths", operation.path, operation.method],
            format!(
                "{}: {problem}, but the runtime's token source sends that (see \
                 crates/runtime/src/auth/sources.rs)",
                operation.label()
            ),
        ))
    };
    if operation.method != "post" {
        return Err(mismatch("is not a POST".to_owned()));
    }
    check(auth, &operation).map_err(mismatch)?;
    Ok(format!(
        "/// The path of {}'s `{operation_id}`.\npub(super) const {name}: &str = {:?};\n",
        auth.file, operation.path
    ))
}

/// A JSON body, no token.
fn check_csp_exchange(auth: &LoadedSpec, operation: &OperationRef<'_>) -> Result<(), String> {
    if operation.takes_token(&auth.spec) {
        return Err("it takes a token".to_owned());
    }
    let json = BodyOf::Request {
        media_type: "application/json",
    };
    match auth.media(operation.id(), json) {
        Some(_) => Ok(()),
        None => Err("it takes no JSON body".to_owned()),
    }
}

/// HTTP Basic (a security scheme that is no token), `orgId` in the query, a form body.
fn check_oauth_exchange(auth: &LoadedSpec, operation: &OperationRef<'_>) -> Result<(), String> {
    let basic = operation.security_schemes(&auth.spec);
    if basic.is_empty() || operation.takes_token(&auth.spec) {
        return Err("it does not take HTTP Basic client credentials".to_owned());
    }
    let org_id = operation
        .parameters()
        .filter_map(|parameter| resolve_parameter(&auth.spec, parameter))
        .any(|parameter| parameter.parameter_data_ref().name == "orgId");
    if !org_id || operation.path.contains("{orgId}") {
        return Err("it takes no `orgId` in the query".to_owned());
    }
    let form = BodyOf::Request {
        media_type: "application/x-www-form-urlencoded",
    };
    match auth.media(operation.id(), form) {
        Some(_) => Ok(()),
        None => Err("it takes no form body".to_owned()),
    }
}

fn check_csp_api_token_exchange(
    auth: &LoadedSpec,
    operation: &OperationRef<'_>,
) -> Result<(), String> {
    if operation.takes_token(&auth.spec) {
        return Err("it takes a token".to_owned());
    }
    let form = BodyOf::Request {
        media_type: "application/x-www-form-urlencoded",
    };
    match auth.media(operation.id(), form) {
        Some(_) => Ok(()),
        None => Err("it takes no form body".to_owned()),
    }
}

fn load(crate_dir: &Path, name: &str) -> Result<LoadedSpec, SpecErrors> {
    let path = vmware_cpn_spec::spec_path_in(crate_dir, name);
    println!("cargo:rerun-if-changed={}", path.display());
    vmware_cpn_spec::load_in(crate_dir, name)
}

fn write(path: &Path, text: &str, spec: &LoadedSpec) -> Result<(), SpecErrors> {
    std::fs::write(path, text).map_err(|e| {
        SpecErrors::single(vmware_cpn_spec::SpecError::without_location(
            spec.file.clone(),
            format!("cannot write {}: {e}", path.display()),
        ))
    })
}
