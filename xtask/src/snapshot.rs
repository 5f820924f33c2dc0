//! The snapshots derived from the specs, and the one place they are asserted: with insta
//! (`insta::assert_snapshot!`), against `tests/snapshots/<name>.snap`. The snapshot tests
//! (`tests/snapshots.rs`), `cargo xtask regen` and `cargo xtask check` all call [`assert()`];
//! insta's update mode (its `INSTA_UPDATE` environment variable) decides whether a drifted
//! snapshot fails, is written as a pending `.snap.new` for `cargo insta review`, or is
//! overwritten.

use std::panic::AssertUnwindSafe;
use std::path::Path;

use vmware_cpn_codegen::{Generated, with_hand_written};
use vmware_cpn_spec::Surface;

/// The folder, under the workspace root, that holds every snapshot file.
pub const DIR: &str = "tests/snapshots";

/// The name of the `cpn --help` tree's snapshot.
pub const CLI_HELP: &str = "cli_help";

/// One derived artifact of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The insta snapshot name, also the file stem under `tests/snapshots/`.
    pub name: String,
    /// What it shows, for messages: `generated code` or `API surface`.
    pub kind: &'static str,
    /// Where it comes from, for messages: `specs/<name>.yaml`, or the CLI for its help tree.
    pub source: String,
    /// The snapshot's body.
    pub contents: String,
}

impl Snapshot {
    /// The file name under `tests/snapshots/`.
    pub fn file_name(&self) -> String {
        format!("{}.snap", self.name)
    }

    /// What the snapshot file's header says it is (insta's `description`, which
    /// `cargo insta review` shows).
    pub fn description(&self) -> String {
        format!("{} of {}", self.kind, self.source)
    }
}

/// The names of the two snapshots of `surface`.
fn spec_names(surface: &Surface) -> [String; 2] {
    let stem = surface.name.replace('-', "_");
    [format!("generated__{stem}"), format!("api_surface__{stem}")]
}

/// Every snapshot name there is: two per surface, then the `cpn --help` tree. Every file
/// under `tests/snapshots/` must be one of these, and every one is asserted.
pub fn names() -> Vec<String> {
    vmware_cpn_spec::SURFACES
        .iter()
        .flat_map(spec_names)
        .chain([CLI_HELP.to_owned()])
        .collect()
}

/// Every snapshot of one spec. `root` is the workspace whose `crates/<name>/src/` holds the
/// hand-written methods the API surface lists.
pub fn snapshots(
    surface: &Surface,
    generated: &Generated,
    root: &Path,
) -> Result<Vec<Snapshot>, String> {
    let crate_src = root.join("crates").join(surface.name).join("src");
    let api_surface = with_hand_written(&generated.surface, &crate_src)?;
    let [code_name, surface_name] = spec_names(surface);
    let source = format!("specs/{}.yaml", surface.name);
    Ok(vec![
        Snapshot {
            name: code_name,
            kind: "generated code",
            source: source.clone(),
            contents: generated.code.clone(),
        },
        Snapshot {
            name: surface_name,
            kind: "API surface",
            source,
            contents: api_surface,
        },
    ])
}

/// The whole `cpn --help` tree: the CLI is generated from the specs, so a spec change shows
/// here too. `cpn` is compiled from the specs of the checkout that built it.
pub fn cli_help() -> Snapshot {
    Snapshot {
        name: CLI_HELP.to_owned(),
        kind: "the `cpn --help` tree",
        source: "crates/cli".to_owned(),
        contents: cpn::help_tree(),
    }
}

/// Asserts `snap` with insta against `<dir>/<name>.snap` (`dir` absolute: it is found at
/// run time, not where this crate was built). On a drift insta prints its diff, and then,
/// by `INSTA_UPDATE`: `auto` (the default outside CI) leaves `<name>.snap.new` for
/// `cargo insta review`, `always` overwrites the snapshot and passes, `no` writes nothing.
/// `Err` carries insta's failure message.
pub fn assert(dir: &Path, snap: &Snapshot) -> Result<(), String> {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(snap.description());
    settings.set_omit_expression(true);
    let name = snap.name.as_str();
    // A file snapshot ends with one newline whatever the contents end with.
    let contents = snap.contents.trim_end();
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, contents));
    }))
    .map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| format!("the snapshot assertion for '{name}' panicked"))
    })
}

/// Asserts every one of `snapshots` (a drift does not stop the others, so each leaves its
/// pending file), answering one message per failed assertion.
pub fn assert_all(dir: &Path, snapshots: &[Snapshot]) -> Vec<String> {
    snapshots
        .iter()
        .filter_map(|snap| {
            assert(dir, snap).err().map(|failure| {
                // insta's own message only when it says more than that the assertion failed.
                let detail = if failure.starts_with("snapshot assertion for") {
                    String::new()
                } else {
                    format!(" ({failure})")
                };
                let what = if dir.join(snap.file_name()).exists() {
                    "drifted from"
                } else {
                    "has no snapshot file"
                };
                format!(
                    "{}: {} {what} {}/{}{detail}; run `cargo xtask regen`, or \
                     `cargo insta review` after `cargo test`, and review insta's diff",
                    snap.source,
                    snap.kind,
                    DIR,
                    snap.file_name(),
                )
            })
        })
        .collect()
}

/// The files under `dir` that look like snapshots (`*.snap`) but are none of [`names`]:
/// nothing asserts them, so nothing keeps them true.
pub fn unreferenced(dir: &Path) -> Vec<String> {
    let known = names();
    let mut stray: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|file| {
            file.strip_suffix(".snap")
                .is_some_and(|stem| !known.iter().any(|name| name == stem))
        })
        .collect();
    stray.sort();
    stray
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_two_per_surface_and_the_help_tree() {
        let names = names();
        assert_eq!(names.len(), 2 * vmware_cpn_spec::SURFACES.len() + 1);
        assert!(names.contains(&"generated__cphub_core".to_owned()));
        assert!(names.contains(&"api_surface__navigator_msp".to_owned()));
        assert_eq!(names.last().map(String::as_str), Some(CLI_HELP));
    }

    #[test]
    fn a_stray_snapshot_file_is_unreferenced() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "cli_help.snap",
            "old__gone.snap",
            "cli_help.snap.new",
            "notes.md",
        ] {
            std::fs::write(dir.path().join(file), "").unwrap();
        }
        assert_eq!(unreferenced(dir.path()), ["old__gone.snap"]);
    }
}
