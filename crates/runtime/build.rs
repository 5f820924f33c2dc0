//! Writes the facts the runtime takes from the specs it carries (`specs/`, symlinks into the
//! workspace's, copied as files by `cargo package`), so that no URL or path is written twice:
//! - `presets.rs`: the named servers (`x-name`) of `cphub-auth`, which every CPHub/Navigator
//!   surface shares, and of `vcpp`, VCPP's token URLs among them;
//! - `csp_exchange.rs`: the path of cphub-auth's `get_access_token`, where a refresh token
//!   buys an access token.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use vmware_cpn_spec::servers::named_servers;
use vmware_cpn_spec::{LoadedSpec, SpecErrors};

/// The operation of `cphub-auth` whose path [`vmware_cpn_runtime::Auth::csp_refresh_token`]
/// posts to.
const CSP_EXCHANGE: &str = "get_access_token";

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
    let exchange = auth
        .operation(CSP_EXCHANGE)
        .ok_or_else(|| {
            SpecErrors::single(auth.error_at(&["paths"], format!("no operation {CSP_EXCHANGE}")))
        })?
        .path;
    let exchange = format!(
        "/// The path of {}'s `{CSP_EXCHANGE}`.\npub(super) const CSP_EXCHANGE_PATH: &str = {exchange:?};\n",
        auth.file
    );
    write(&out_dir.join("presets.rs"), &presets, &auth)?;
    write(&out_dir.join("csp_exchange.rs"), &exchange, &auth)
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
