//! The snapshot files derived from each spec (named and formatted as `insta` writes them, so
//! `cargo insta` tooling reads them), and the one comparer that says how a snapshot drifted:
//! `cargo xtask check` and the snapshot tests under `tests/` both use [`drift`].

use std::path::Path;

use vmware_cpn_codegen::{Generated, with_hand_written};
use vmware_cpn_spec::Surface;

/// One derived artifact of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The insta snapshot name, also the file stem under `tests/snapshots/`.
    pub name: String,
    /// What it shows, for messages: `generated code` or `API surface`.
    pub kind: &'static str,
    /// The expression insta records in the header.
    pub expression: &'static str,
    /// The snapshot's body.
    pub contents: String,
}

impl Snapshot {
    /// The file name under `tests/snapshots/`.
    pub fn file_name(&self) -> String {
        format!("{}.snap", self.name)
    }

    /// The file as insta writes it: a metadata header, then the contents.
    pub fn render(&self) -> String {
        format!(
            "---\nsource: tests/snapshots.rs\nexpression: {}\n---\n{}\n",
            self.expression,
            self.contents.trim_end()
        )
    }
}

/// Every snapshot of one spec. `root` is the workspace whose `crates/<name>/src/` holds the
/// hand-written methods the API surface lists.
pub fn snapshots(
    surface: &Surface,
    generated: &Generated,
    root: &Path,
) -> Result<Vec<Snapshot>, String> {
    let stem = surface.name.replace('-', "_");
    let crate_src = root.join("crates").join(surface.name).join("src");
    let api_surface = with_hand_written(&generated.surface, &crate_src)?;
    Ok(vec![
        Snapshot {
            name: format!("generated__{stem}"),
            kind: "generated code",
            expression: "generated.code",
            contents: generated.code.clone(),
        },
        Snapshot {
            name: format!("api_surface__{stem}"),
            kind: "API surface",
            expression: "generated.surface",
            contents: api_surface,
        },
    ])
}

/// The contents of an insta snapshot file: everything after the second `---` line.
pub fn parse_contents(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[end + "\n---\n".len()..])
}

/// How `found` (what the spec generates now) differs from `expected` (the reviewed
/// snapshot), as unified-diff hunks with three lines of context; `None` when they agree.
pub fn drift(expected: &str, found: &str) -> Option<String> {
    // Trailing whitespace is not a drift; every line ends with a newline on both sides.
    let (expected, found) = (
        format!("{}\n", expected.trim_end()),
        format!("{}\n", found.trim_end()),
    );
    if expected == found {
        return None;
    }
    Some(
        similar::TextDiff::from_lines(&expected, &found)
            .unified_diff()
            .context_radius(3)
            .header("snapshot", "generated now")
            .to_string(),
    )
}

/// The drift of `snap` from its file under `dir`: `None` when the file holds exactly it.
pub fn drift_from_file(dir: &std::path::Path, snap: &Snapshot) -> Option<String> {
    let path = dir.join(snap.file_name());
    match std::fs::read_to_string(&path) {
        Err(_) => Some("snapshot missing".to_owned()),
        Ok(file) => match parse_contents(&file) {
            None => Some("snapshot file has no insta header".to_owned()),
            Some(contents) => drift(contents, &snap.contents),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::drift;

    #[test]
    fn drift_shows_the_whole_hunk() {
        let expected = "a\nb\nc\nd\n";
        let found = "a\nb\nC\nd\ne\n";
        let hunk = drift(expected, found).expect("they differ");
        assert!(hunk.contains("-c\n+C\n"), "{hunk}");
        assert!(hunk.contains("+e"), "{hunk}");
        assert!(hunk.contains(" b\n"), "context lines: {hunk}");
        assert_eq!(drift(expected, "a\nb\nc\nd"), None);
    }
}
