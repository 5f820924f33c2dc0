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
    pub base_ref: Option<String>,
    pub json: bool,
    pub fail_on_breaking: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--json" => options.json = true,
                "--fail-on-breaking" => options.fail_on_breaking = true,
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                base if options.base_ref.is_none() => options.base_ref = Some(base.to_owned()),
                extra => return Err(format!("unexpected argument {extra}")),
            }
        }
        Ok(options)
    }
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
pub fn run(root: &Path, args: &[String]) -> std::process::ExitCode {
    use std::process::ExitCode;
    let result = Options::parse(args).and_then(|options| {
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
            let after =
                std::fs::read_to_string(root.join("specs").join(format!("{name}.yaml"))).ok();
            reports.push(compare_texts(
                &name,
                &label,
                before.as_deref(),
                after.as_deref(),
            )?);
        }
        Ok((options, label, reports))
    });
    match result {
        Err(message) => {
            eprintln!("xtask diff: {message}");
            ExitCode::FAILURE
        }
        Ok((options, label, reports)) => {
            if options.json {
                println!("{}", report::json(&label, &reports));
            } else {
                print!("{}", markdown(&label, &reports));
            }
            let breaking = reports.iter().any(|r| r.changes.iter().any(|c| c.breaking));
            if options.fail_on_breaking && breaking {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
