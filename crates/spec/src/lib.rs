//! The SDK's OpenAPI specs as data: loading with errors that name the file and place, the
//! list of surfaces, the lint rules, the generator's preconditions and the checker of JSON
//! values against a schema.
//!
//! No code generation here (that is `vmware-cpn-codegen`, the only crate that depends on
//! progenitor), so the mock, `xtask` and the tests read specs without compiling a generator.
//!
//! Nothing in here panics on a bad spec: every problem is a [`SpecError`] naming the spec file
//! and, where it can, the line, the path and the method.

pub mod answer_check;
mod error;
pub mod error_schema;
pub mod extensions;
pub mod links;
pub mod lint;
pub mod load;
pub mod naming;
pub mod open_enum;
pub mod schema_check;
pub mod servers;
mod surfaces;
mod validate;

use std::path::{Path, PathBuf};

pub use error::{SpecError, SpecErrors};
pub use extensions::{Paging, PagingStyle, without_hand_written};
pub use load::LoadedSpec;
pub use surfaces::{SURFACES, Surface};
pub use validate::{is_snake_case, validate};

/// The workspace root (where `Cargo.toml`, `specs/` and `tests/` are), for the tools and
/// tests that run inside this repository; a packaged crate reads the spec it carries.
///
/// Found at run time, as cargo finds a workspace: the current directory, or the nearest
/// directory above it, whose `Cargo.toml` has a `[workspace]` table. (`cargo test` runs a
/// test in its package's directory; `cargo xtask` runs where it is called.) Never a path fixed
/// when this crate was built: two checkouts sharing a target directory share its build, and
/// each must read its own specs.
///
/// # Panics
///
/// When the current directory cannot be read or no such `Cargo.toml` is found.
pub fn workspace_root() -> PathBuf {
    let current = std::env::current_dir()
        .unwrap_or_else(|e| panic!("the current directory cannot be read: {e}"));
    workspace_root_from(&current).unwrap_or_else(|| {
        panic!(
            "no Cargo.toml with [workspace] in {} or above it; run this inside the SDK's \
             workspace",
            current.display()
        )
    })
}

/// The nearest directory at or above `start` whose `Cargo.toml` declares `[workspace]`.
fn workspace_root_from(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().unwrap_or_else(|_| start.to_owned());
    start
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
        })
        .map(Path::to_owned)
}

/// The path of `specs/<name>.yaml`.
pub fn spec_path(name: &str) -> PathBuf {
    spec_path_in(&workspace_root(), name)
}

/// The path of `<root>/specs/<name>.yaml`.
pub fn spec_path_in(root: &Path, name: &str) -> PathBuf {
    root.join("specs").join(format!("{name}.yaml"))
}

/// Looks up a surface by its spec name (`"cphub-core"`, …).
pub fn surface(name: &str) -> Result<&'static Surface, SpecErrors> {
    SURFACES.iter().find(|s| s.name == name).ok_or_else(|| {
        SpecErrors::single(SpecError::without_location(
            format!("specs/{name}.yaml"),
            format!(
                "unknown surface `{name}`; known surfaces: {}",
                SURFACES
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    })
}

/// Reads and parses `<root>/specs/<name>.yaml`, without validating or generating it.
pub fn load_in(root: &Path, name: &str) -> Result<LoadedSpec, SpecErrors> {
    let surface = surface(name)?;
    LoadedSpec::parse(surface.display_path(), &read_in(root, surface)?)
}

/// Reads `<root>/specs/<name>.yaml` as text.
pub fn read_in(root: &Path, surface: &Surface) -> Result<String, SpecErrors> {
    let path = spec_path_in(root, surface.name);
    std::fs::read_to_string(&path).map_err(|e| {
        SpecErrors::single(SpecError::without_location(
            surface.display_path(),
            format!("cannot read {}: {e}", path.display()),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::workspace_root_from;

    #[test]
    fn the_workspace_is_the_nearest_cargo_toml_with_a_workspace_table() {
        let dir = std::env::temp_dir().join(format!("vmware-cpn-spec-root-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let root = dir.canonicalize().unwrap();
        let member = root.join("crates/member/src");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/member\"]\n",
        )
        .unwrap();
        std::fs::write(
            root.join("crates/member/Cargo.toml"),
            "[package]\nname = \"member\"\n\n[lints]\nworkspace = true\n",
        )
        .unwrap();
        assert_eq!(workspace_root_from(&member), Some(root.clone()));
        assert_eq!(workspace_root_from(&root), Some(root.clone()));
        assert_eq!(
            workspace_root_from(&root.join("crates")),
            Some(root.clone())
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn this_crate_is_in_the_workspace_it_is_tested_in() {
        // `cargo test` runs this in crates/spec, wherever the checkout is.
        let found = super::workspace_root();
        assert!(found.join("specs").is_dir(), "{}", found.display());
        assert!(
            std::env::current_dir()
                .unwrap()
                .canonicalize()
                .unwrap()
                .starts_with(&found)
        );
    }
}
