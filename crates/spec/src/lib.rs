//! The SDK's OpenAPI specs as data: loading with errors that name the file and place, the
//! list of surfaces, the lint rules, the generator's preconditions and the checker of JSON
//! values against a schema.
//!
//! No code generation here (that is `vmware-cpn-codegen`, the only crate that depends on
//! progenitor), so the mock, `xtask` and the tests read specs without compiling a generator.
//!
//! Nothing in here panics on a bad spec: every problem is a [`SpecError`] naming the spec file
//! and, where it can, the line, the path and the method.

mod error;
pub mod error_schema;
pub mod extensions;
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
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
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
