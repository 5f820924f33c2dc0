//! Workspace tasks.
//!
//! - `cargo xtask regen`: regenerate everything derived from the specs (the snapshots under
//!   `tests/snapshots/`), through insta (`INSTA_UPDATE=always`). A second run changes no file.
//! - `cargo xtask check`: fail, naming each spec and what drifted with insta's diff, when a
//!   spec was edited without `regen`, fails validation or breaks a house rule. CI runs it.
//! - `cargo xtask lint`: the house rules alone, one finding per line.
//! - `cargo xtask diff [BASE_REF]`: what the specs' changes since `BASE_REF` do to the crates;
//!   `--verify` puts cargo-semver-checks' verdict beside ours.
//! - `cargo xtask semver-tool`: installs the pinned cargo-semver-checks (if missing), prints its path.
//! - `cargo xtask bench [NAME…]`: every benchmark (release mode), as one table.
//! - `cargo xtask build-cost [ROUNDS]`: a user's clean build of a client crate with build-time
//!   generation against the same crate with its generated code written out.
//!
//! Every task finds the workspace at run time (`--root`, else the current directory or the
//! nearest one above it whose `Cargo.toml` has `[workspace]`).

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
    // The workspace this process runs in, found at run time: a checkout never reads another's
    // specs, even when a shared target directory hands it a binary built in the other.
    let root = match cli.root {
        Some(root) => std::path::absolute(&root).unwrap_or(root),
        None => vmware_cpn_spec::workspace_root(),
    };
    let outcome = match cli.task {
        Task::Regen => with_insta_mode(&root, InstaMode::Update, regen),
        Task::Check => with_insta_mode(&root, InstaMode::Verify, check),
        Task::Lint => lint(&root).map_err(Failure::from),
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
            .map_err(|e| vec![e].into()),
        Task::BuildCost { rounds } => {
            xtask::build_cost::run(&root, usize::from(rounds)).map_err(|e| vec![e].into())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Problems(problems)) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            eprintln!("{} problem(s) found", problems.len());
            ExitCode::FAILURE
        }
        Err(Failure::Reported(code)) => code,
    }
}

/// Why a task failed.
enum Failure {
    /// What went wrong, one line (or block) each; printed with a count.
    Problems(Vec<String>),
    /// A child process reported the problems already; exit with its code.
    Reported(ExitCode),
}

impl From<Vec<String>> for Failure {
    fn from(problems: Vec<String>) -> Failure {
        Failure::Problems(problems)
    }
}

/// What insta does with a drifted snapshot during `regen` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InstaMode {
    /// `regen`: overwrite it, its header included (insta's full match), and pass.
    Update,
    /// `check`: print insta's diff and fail; write nothing, not even a pending file.
    Verify,
}

impl InstaMode {
    /// Set in the child process that runs a task in this mode.
    const MARKER: &str = "XTASK_INSTA_MODE";

    fn task(self) -> &'static str {
        match self {
            InstaMode::Update => "regen",
            InstaMode::Verify => "check",
        }
    }

    /// insta's settings for the mode, as the environment variables insta reads.
    fn environment(self) -> [(&'static str, &'static str); 3] {
        match self {
            InstaMode::Update => [
                ("INSTA_UPDATE", "always"),
                ("INSTA_REQUIRE_FULL_MATCH", "1"),
                ("INSTA_FORCE_PASS", "0"),
            ],
            InstaMode::Verify => [
                ("INSTA_UPDATE", "no"),
                ("INSTA_REQUIRE_FULL_MATCH", "0"),
                ("INSTA_FORCE_PASS", "0"),
            ],
        }
    }
}

/// Runs `task` with insta in `mode`. insta reads its mode from the environment only, and a
/// process cannot safely change its own (`set_var` is `unsafe`, which the workspace forbids),
/// so the first run starts this binary again, with the mode and the workspace root
/// (`INSTA_WORKSPACE_ROOT`, so insta never looks for the checkout this binary was built in)
/// set, and the child runs `task`.
fn with_insta_mode(
    root: &Path,
    mode: InstaMode,
    task: fn(&Path) -> Result<(), Vec<String>>,
) -> Result<(), Failure> {
    if std::env::var(InstaMode::MARKER).as_deref() == Ok(mode.task()) {
        return task(root).map_err(Failure::from);
    }
    let exe = std::env::current_exe()
        .map_err(|e| vec![format!("cannot find this program to run it again: {e}")])?;
    let mut child = std::process::Command::new(exe);
    child
        .arg(mode.task())
        .arg("--root")
        .arg(root)
        .current_dir(root)
        .env(InstaMode::MARKER, mode.task())
        .env("INSTA_WORKSPACE_ROOT", root)
        // Set by `cargo insta test` for the tests that run xtask; they are not this task's.
        .env_remove("INSTA_FORCE_UPDATE")
        .env_remove("INSTA_FORCE_UPDATE_SNAPSHOTS")
        .env_remove("INSTA_PENDING_DIR")
        .env_remove("INSTA_SNAPSHOT_REFERENCES_FILE")
        .envs(mode.environment());
    match child.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(Failure::Reported(ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        ))),
        Err(error) => {
            Err(vec![format!("cannot run `cargo xtask {}`: {error}", mode.task())].into())
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
    root.join(snapshot::DIR)
}

/// Generates every surface's snapshots, then the `cpn --help` tree's; a spec that fails keeps
/// the others going.
fn generate_all(root: &Path) -> (Vec<Snapshot>, Vec<String>) {
    let mut generated = Vec::new();
    let mut problems = unknown_specs(root);
    for surface in vmware_cpn_spec::SURFACES {
        let snapshots = vmware_cpn_codegen::generate_in(root, surface.name)
            .map_err(|errors| errors.0.iter().map(ToString::to_string).collect())
            .and_then(|g| snapshot::snapshots(surface, &g, root).map_err(|e| vec![e]));
        match snapshots {
            Ok(snapshots) => generated.extend(snapshots),
            Err(errors) => problems.extend(errors),
        }
    }
    // `cpn` is compiled from the specs of the checkout that built xtask, so this one does not
    // follow `--root`.
    generated.push(snapshot::cli_help());
    (generated, problems)
}

/// Runs `assertions` with the panic hook silenced: insta fails an assertion by panicking
/// after printing its diff, [`snapshot::assert`] catches that, and the task reports it.
fn quietly<T>(assertions: impl FnOnce() -> T) -> T {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = assertions();
    std::panic::set_hook(hook);
    result
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

/// Asserts every snapshot with insta in [`InstaMode::Update`]: insta prints each drift and
/// overwrites the file. A pending `.snap.new` of an updated snapshot is superseded and goes,
/// and so does a snapshot file that nothing asserts.
fn regen(root: &Path) -> Result<(), Vec<String>> {
    let (generated, mut problems) = generate_all(root);
    let dir = snapshot_dir(root);
    std::fs::create_dir_all(&dir).map_err(|e| vec![format!("{}: {e}", dir.display())])?;
    let mut written = 0;
    for snap in &generated {
        let path = dir.join(snap.file_name());
        let before = read(&path);
        problems.extend(quietly(|| snapshot::assert(&dir, snap)).err());
        if read(&path) != before {
            let _ = std::fs::remove_file(path.with_extension("snap.new"));
            println!("wrote {}", relative(root, &path));
            written += 1;
        }
    }
    for stray in snapshot::unreferenced(&dir) {
        let path = dir.join(stray);
        std::fs::remove_file(&path).map_err(|e| vec![format!("{}: {e}", path.display())])?;
        println!(
            "removed {} (no snapshot is asserted against it)",
            relative(root, &path)
        );
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

/// Validation, the house rules, and every snapshot asserted with insta in
/// [`InstaMode::Verify`]: a drifted one fails with insta's diff.
fn check(root: &Path) -> Result<(), Vec<String>> {
    let (generated, mut problems) = generate_all(root);
    problems.extend(lint_findings(root));
    let dir = snapshot_dir(root);
    problems.extend(quietly(|| snapshot::assert_all(&dir, &generated)));
    problems.extend(snapshot::unreferenced(&dir).into_iter().map(|stray| {
        format!(
            "{}/{stray}: no snapshot is asserted against this file; `cargo xtask regen` \
             removes it",
            snapshot::DIR
        )
    }));
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
