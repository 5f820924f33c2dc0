//! cargo-semver-checks' verdict on a generated client crate, to put beside ours.
//!
//! The tool is pinned ([`TOOL_VERSION`]) and installed from crates.io into the workspace's
//! `target/tools` on first use (CI does it in a step of its own, so the time shows). Both
//! sides are compared as rustdoc JSON, built with the machine's stable toolchain
//! (`RUSTC_BOOTSTRAP=1`, as cargo-semver-checks itself does), so a baseline built once serves
//! any number of comparisons.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo-semver-checks release whose lints decide the Rust-level verdict.
pub const TOOL_VERSION: &str = "0.51.0";

/// What cargo-semver-checks says of one crate's change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ToolVerdict {
    /// Whether any lint needs a major release (0.x: a minor one).
    pub breaking: bool,
    /// The ids of the lints that failed, such as `struct_pub_field_missing`.
    pub lints: Vec<String>,
}

/// The tool's path: `CARGO_SEMVER_CHECKS` if set, else `<root>/target/tools/bin`, installing
/// the pinned version there when it is missing.
pub fn tool(root: &Path) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CARGO_SEMVER_CHECKS") {
        return Ok(PathBuf::from(path));
    }
    let tools = root.join("target").join("tools");
    let binary = tools.join("bin").join("cargo-semver-checks");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .is_some_and(|out| String::from_utf8_lossy(&out.stdout).contains(TOOL_VERSION));
    if !installed {
        run(
            cargo()
                // A debug build: it compiles in a fraction of a release build's time, and
                // the checks it runs here take well under a second either way. Without debug
                // info, which no one reads here, it links faster and takes less disk.
                .env("CARGO_PROFILE_DEV_DEBUG", "0")
                .args(["install", "--debug", "--locked", "--quiet", "--root"])
                .arg(&tools)
                .args(["cargo-semver-checks", "--version"])
                .arg(format!("={TOOL_VERSION}")),
            "cargo install cargo-semver-checks",
        )?;
    }
    Ok(binary)
}

/// Writes the rustdoc JSON of the library of crate `name`, whose manifest is `manifest`, to
/// `out`, building in `target_dir` (shared between calls, so dependencies are documented once).
pub fn rustdoc_json(
    name: &str,
    manifest: &Path,
    target_dir: &Path,
    out: &Path,
) -> Result<(), String> {
    run(
        cargo()
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", target_dir)
            .arg("rustdoc")
            .arg("--manifest-path")
            .arg(manifest)
            .args([
                "--lib",
                "--quiet",
                "--",
                "-Zunstable-options",
                "--output-format",
                "json",
            ])
            .args(["--cap-lints", "allow"]),
        "cargo rustdoc",
    )?;
    let json = target_dir
        .join("doc")
        .join(format!("{}.json", name.replace('-', "_")));
    std::fs::copy(&json, out)
        .map(drop)
        .map_err(|e| format!("{}: {e}", json.display()))
}

/// Compares two rustdoc JSON files as cargo-semver-checks does for a minor release: any
/// failing lint is a change that needs a major one.
pub fn verdict(tool: &Path, baseline: &Path, current: &Path) -> Result<ToolVerdict, String> {
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--release-type", "minor"])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| format!("{}: {e}", tool.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // A failed lint prints `--- failure <lint id>: <description> ---`.
    let lints: Vec<String> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("--- failure "))
        .filter_map(|rest| rest.split(':').next())
        .map(str::to_owned)
        .collect();
    match (output.status.success(), lints.is_empty()) {
        (true, _) => Ok(ToolVerdict {
            breaking: false,
            lints,
        }),
        (false, false) => Ok(ToolVerdict {
            breaking: true,
            lints,
        }),
        (false, true) => Err(format!("cargo-semver-checks failed:\n{text}")),
    }
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("{what} could not run: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
