//! The snapshot files derived from each spec, named and formatted as `insta` writes them, so
//! `cargo xtask regen` and `cargo xtask check` agree with the insta tests under `tests/`.

use crate::Generated;

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

/// Every snapshot of one spec.
pub fn snapshots(name: &str, generated: &Generated) -> Vec<Snapshot> {
    let stem = name.replace('-', "_");
    vec![
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
            contents: generated.surface.clone(),
        },
    ]
}

/// The contents of an insta snapshot file: everything after the second `---` line.
pub fn parse_contents(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(&rest[end + "\n---\n".len()..])
}

/// Where two texts first differ, as `line N: "expected" vs "found"`.
pub fn first_difference(expected: &str, found: &str) -> Option<String> {
    let mut expected_lines = expected.trim_end().lines();
    let mut found_lines = found.trim_end().lines();
    let mut line = 0;
    loop {
        line += 1;
        match (expected_lines.next(), found_lines.next()) {
            (None, None) => return None,
            (e, f) if e == f => continue,
            (e, f) => {
                return Some(format!(
                    "line {line}: spec gives {:?}, snapshot has {:?}",
                    e.unwrap_or("<end>"),
                    f.unwrap_or("<end>")
                ));
            }
        }
    }
}
