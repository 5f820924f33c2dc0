//! Workspace tasks.
//!
//! - `cargo xtask regen`: regenerate everything derived from the specs (the snapshots under
//!   `tests/snapshots/`). A second run changes no file.
//! - `cargo xtask check`: fail, naming each spec and what drifted, when a spec was edited
//!   without `regen`, fails validation or breaks a house rule. CI runs it.
//! - `cargo xtask lint`: the house rules alone, one finding per line.
//! - `cargo xtask diff [BASE_REF]`: what the specs' changes since `BASE_REF` do to the crates;
//!   `--verify` puts cargo-semver-checks' verdict beside ours.
//! - `cargo xtask semver-tool`: installs the pinned cargo-semver-checks (if missing), prints its path.
//! - `cargo xtask bench [NAME…]`: every benchmark (release mode), as one table.
//! - `cargo xtask build-cost [ROUNDS]`: a user's clean build of a client crate with build-time
//!   generation against the same crate with its generated code written out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::diff;
use xtask::snapshot::{self, Snapshot};

/// Workspace tasks: the specs' snapshots, house rules, API diffs and benchmarks.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    /// Work on a copy of the workspace at DIR (xtask's own tests use it).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the snapshots under tests/snapshots/ from specs/.
    Regen,
    /// Fail when a spec is invalid, breaks a house rule or its snapshots are stale.
    Check,
    /// Report every broken house rule as FILE:LINE:COLUMN: rule: message.
    Lint,
    /// Report every API change since BASE_REF (default: the merge-base with main).
    Diff {
        /// The commit to compare the working tree with.
        base_ref: Option<String>,
        /// Print JSON instead of Markdown.
        #[arg(long)]
        json: bool,
        /// Exit 1 when a change is breaking, or when cargo-semver-checks disagrees.
        #[arg(long)]
        fail_on_breaking: bool,
        /// Put cargo-semver-checks' verdict on each changed crate beside ours.
        #[arg(long)]
        verify: bool,
    },
    /// Run the benchmarks (overhead, fan-out, csv, upload) and print a table.
    Bench {
        /// Only these benchmarks.
        names: Vec<String>,
    },
    /// Install the pinned cargo-semver-checks if missing; print its path.
    SemverTool,
    /// A user's clean build of cphub-core: generated at build time vs written out.
    BuildCost {
        /// Alternations of the two sides.
        #[arg(default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
        rounds: u16,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(vmware_cpn_spec::workspace_root);
    let outcome = match cli.task {
        Task::Regen => regen(&root),
        Task::Check => check(&root),
        Task::Lint => lint(&root),
        Task::Diff {
            base_ref,
            json,
            fail_on_breaking,
            verify,
        } => {
            return diff::run(
                &root,
                diff::Options {
                    base_ref,
                    json,
                    fail_on_breaking,
                    verify,
                },
            );
        }
        Task::Bench { names } => return bench(&root, &names),
        Task::SemverTool => diff::semver::tool(&root)
            .map(|path| println!("{}", path.display()))
            .map_err(|e| vec![e]),
        Task::BuildCost { rounds } => {
            xtask::build_cost::run(&root, usize::from(rounds)).map_err(|e| vec![e])
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(problems) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            eprintln!("{} problem(s) found", problems.len());
            ExitCode::FAILURE
        }
    }
}

/// `cargo bench` on the suite: each benchmark alternates its two sides in one run.
fn bench(root: &Path, names: &[String]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["bench", "-p", "vmware-cpn-tests", "--bench", "suite", "--"])
        .args(names)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("cargo bench could not run: {error}");
            ExitCode::FAILURE
        }
    }
}

fn snapshot_dir(root: &Path) -> PathBuf {
    root.join("tests/snapshots")
}

/// Generates every surface; a spec that fails keeps the others going.
fn generate_all(root: &Path) -> (Vec<(String, Vec<Snapshot>)>, Vec<String>) {
    let mut generated = Vec::new();
    let mut problems = unknown_specs(root);
    for surface in vmware_cpn_spec::SURFACES {
        let snapshots = vmware_cpn_codegen::generate_in(root, surface.name)
            .map_err(|errors| errors.0.iter().map(ToString::to_string).collect())
            .and_then(|g| snapshot::snapshots(surface, &g, root).map_err(|e| vec![e]));
        match snapshots {
            Ok(snapshots) => generated.push((surface.name.to_owned(), snapshots)),
            Err(errors) => problems.extend(errors),
        }
    }
    generated.push(("cpn".to_owned(), vec![cli_help_snapshot()]));
    (generated, problems)
}

/// The whole `cpn --help` tree: the CLI is generated from the specs, so a spec change shows
/// here too. `cpn` is built from the workspace's specs, so this follows `--root` only there.
fn cli_help_snapshot() -> Snapshot {
    Snapshot {
        name: "cli_help".to_owned(),
        kind: "the `cpn` help tree",
        expression: "cpn::help_tree()",
        contents: cpn::help_tree(),
    }
}

/// A spec file that no surface generates would silently never reach a crate.
fn unknown_specs(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join("specs")) else {
        return vec!["specs/: cannot read the folder".to_owned()];
    };
    let mut problems: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".yaml").map(str::to_owned))
        .filter(|stem| vmware_cpn_spec::SURFACES.iter().all(|s| s.name != stem))
        .map(|stem| {
            format!(
                "specs/{stem}.yaml: no surface generates this spec; add it to \
                 crates/spec/src/surfaces.rs"
            )
        })
        .collect();
    problems.sort();
    problems
}

fn regen(root: &Path) -> Result<(), Vec<String>> {
    let (generated, problems) = generate_all(root);
    let dir = snapshot_dir(root);
    std::fs::create_dir_all(&dir).map_err(|e| vec![format!("{}: {e}", dir.display())])?;
    let mut written = 0;
    for (_, snapshots) in &generated {
        for snap in snapshots {
            let path = dir.join(snap.file_name());
            let rendered = snap.render();
            if read(&path).as_deref() != Some(rendered.as_str()) {
                std::fs::write(&path, rendered)
                    .map_err(|e| vec![format!("{}: {e}", path.display())])?;
                println!("wrote {}", relative(root, &path));
                written += 1;
            }
        }
    }
    println!("{written} snapshot(s) updated");
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Every house-rule finding of every spec that parses, and of the Navigator specs together
/// (one error body); a spec that does not parse is one.
fn lint_findings(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for surface in vmware_cpn_spec::SURFACES {
        match vmware_cpn_spec::load_in(root, surface.name) {
            Ok(loaded) => problems.extend(
                vmware_cpn_spec::lint::lint(&loaded)
                    .iter()
                    .map(ToString::to_string),
            ),
            Err(errors) => problems.extend(errors.0.iter().map(ToString::to_string)),
        }
    }
    // Across specs: every Navigator spec declares the one error body. A spec that does not
    // load is reported above already.
    if let Ok(findings) = vmware_cpn_spec::error_schema::lint_in(root) {
        problems.extend(findings.iter().map(ToString::to_string));
    }
    problems
}

fn lint(root: &Path) -> Result<(), Vec<String>> {
    let problems = lint_findings(root);
    if problems.is_empty() {
        println!(
            "{} specs follow the house rules",
            vmware_cpn_spec::SURFACES.len()
        );
        Ok(())
    } else {
        Err(problems)
    }
}

fn check(root: &Path) -> Result<(), Vec<String>> {
    let (generated, mut problems) = generate_all(root);
    problems.extend(lint_findings(root));
    let dir = snapshot_dir(root);
    for (name, snapshots) in &generated {
        for snap in snapshots {
            let path = dir.join(snap.file_name());
            if let Some(drift) = snapshot::drift_from_file(&dir, snap) {
                let source = if name == "cpn" {
                    "crates/cli (the specs' CLI)".to_owned()
                } else {
                    format!("specs/{name}.yaml")
                };
                problems.push(format!(
                    "{source}: {} drifted from {}; run `cargo xtask regen` and review \
                     the diff:\n{drift}",
                    snap.kind,
                    relative(root, &path)
                ));
            }
        }
    }
    if problems.is_empty() {
        println!(
            "{} specs valid, their snapshots up to date",
            vmware_cpn_spec::SURFACES.len()
        );
        Ok(())
    } else {
        Err(problems)
    }
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
