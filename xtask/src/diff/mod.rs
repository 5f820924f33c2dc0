//! `cargo xtask diff [BASE_REF]`: every change the working tree's specs make to the API of
//! each client crate since `BASE_REF`, classified breaking or not, with the semver bump each
//! crate needs, as Markdown for a pull request (default) or JSON.

mod compare;
mod git;
mod model;
mod report;
mod schema;
pub mod semver;

pub use compare::compare;
pub use model::{Bump, Change};
pub use report::{SpecReport, markdown};

use std::path::Path;

/// Options of one run.
#[derive(Debug, Default)]
pub struct Options {
    /// The commit to compare with; `None` for the merge-base with `main`.
    pub base_ref: Option<String>,
    /// JSON instead of Markdown.
    pub json: bool,
    /// Exit 1 on a breaking change or a disagreement with cargo-semver-checks.
    pub fail_on_breaking: bool,
    /// Also ask cargo-semver-checks about each changed crate (see [`semver`]).
    pub verify: bool,
}

/// Compares one spec's two texts; `None` on a side means the spec does not exist there.
pub fn compare_texts(
    name: &str,
    base_label: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<SpecReport, String> {
    let parse = |text: &str, side: &str| {
        vmware_cpn_spec::LoadedSpec::parse(format!("specs/{name}.yaml ({side})"), text)
            .map(|loaded| loaded.spec)
            .map_err(|errors| format!("{errors}"))
    };
    let changes = match (before, after) {
        (None, None) => Vec::new(),
        (None, Some(_)) => vec![Change::new(
            "spec-added",
            false,
            format!("specs/{name}.yaml added"),
        )],
        (Some(_), None) => vec![
            Change::new("spec-removed", true, format!("specs/{name}.yaml removed"))
                .because("its crate loses every operation"),
        ],
        (Some(before), Some(after)) => {
            let before = parse(before, &format!("at {base_label}"))?;
            let after = parse(after, "working tree")?;
            compare(&before, &after)
        }
    };
    Ok(SpecReport::new(name, changes))
}

/// Runs the command; the exit code is 1 on an error, or on a breaking change with
/// `--fail-on-breaking`.
pub fn run(root: &Path, options: Options) -> std::process::ExitCode {
    use std::process::ExitCode;
    let result = reports(root, &options);
    match result {
        Err(message) => {
            eprintln!("xtask diff: {message}");
            ExitCode::FAILURE
        }
        Ok((label, reports)) => {
            if options.json {
                println!("{}", report::json(&label, &reports));
            } else {
                print!("{}", markdown(&label, &reports));
            }
            let breaking = reports.iter().any(|r| r.changes.iter().any(|c| c.breaking));
            let disagreement = reports
                .iter()
                .any(|r| r.semver_checks.as_ref().is_some_and(|v| !v.agrees));
            if options.fail_on_breaking && (breaking || disagreement) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

/// Puts cargo-semver-checks' verdict on each changed client crate beside ours: the crate as
/// the working tree generates it against the crate as `base` does, in a temporary worktree.
fn verify(root: &Path, base: &str, reports: &mut [SpecReport]) -> Result<(), String> {
    let changed: Vec<&mut SpecReport> = reports
        .iter_mut()
        .filter(|r| !r.changes.is_empty())
        .filter(|r| {
            root.join("crates")
                .join(&r.crate_name)
                .join("Cargo.toml")
                .is_file()
        })
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let tool = semver::tool(root)?;
    let work = root.join("target").join("semver-verify");
    let baseline = git::Worktree::add(root, base, &work.join("baseline"))?;
    // One target directory for both sides (their crates differ by path, their dependencies
    // are shared); `XTASK_SEMVER_TARGET_DIR` lets a run share it with earlier ones.
    let target = std::env::var_os("XTASK_SEMVER_TARGET_DIR").map_or_else(
        || root.join("target").join("semver"),
        std::path::PathBuf::from,
    );
    for report in changed {
        let manifest = |root: &Path| {
            root.join("crates")
                .join(&report.crate_name)
                .join("Cargo.toml")
        };
        if !manifest(&baseline.root).is_file() {
            continue;
        }
        let before = work.join(format!("{}-baseline.json", report.crate_name));
        let after = work.join(format!("{}-current.json", report.crate_name));
        let name = &report.crate_name;
        semver::rustdoc_json(name, &manifest(&baseline.root), &target, &before)?;
        semver::rustdoc_json(name, &manifest(root), &target, &after)?;
        let verdict = semver::verdict(&tool, &before, &after)?;
        let ours = report.changes.iter().any(Change::breaks_rust_api);
        report.semver_checks = Some(report::Verification {
            tool: format!("cargo-semver-checks {}", semver::TOOL_VERSION),
            agrees: verdict.breaking == ours,
            breaking: verdict.breaking,
            lints: verdict.lints,
        });
    }
    Ok(())
}

/// The base's label and every spec's report, verified if asked.
fn reports(root: &Path, options: &Options) -> Result<(String, Vec<SpecReport>), String> {
    let base = match &options.base_ref {
        Some(base) => git::verify(root, base)?,
        None => git::merge_base_with_main(root)?,
    };
    let label = options
        .base_ref
        .clone()
        .unwrap_or_else(|| git::short(&base));
    let mut reports = Vec::new();
    for name in git::spec_names(root, &base)? {
        let before = git::show(root, &base, &format!("specs/{name}.yaml"))?;
        let after = std::fs::read_to_string(root.join("specs").join(format!("{name}.yaml"))).ok();
        reports.push(compare_texts(
            &name,
            &label,
            before.as_deref(),
            after.as_deref(),
        )?);
    }
    if options.verify {
        verify(root, &base, &mut reports)?;
    }
    Ok((label, reports))
}
