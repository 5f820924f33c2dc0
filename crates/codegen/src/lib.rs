//! Code generation for the SDK's client crates.
//!
//! One library, used by every client crate's `build.rs`, by `xtask` and by the snapshot tests,
//! so all three always see the same code. [`generate`] loads `specs/<name>.yaml`, validates it,
//! applies the one set of progenitor settings ([`settings`]), makes every server-sent enum
//! forward compatible ([`open_enum`]) and pretty-prints the result.
//!
//! Nothing in here panics on a bad spec: every problem is a [`SpecError`] naming the spec file
//! and, where it can, the line, the path and the method.

mod build_script;
pub mod cli_model;
mod error;
mod error_glue;
pub mod example_check;
mod examples;
mod guard;
mod keep_unknown;
pub mod lint;
pub mod load;
mod naming;
pub mod open_enum;
mod runtime_glue;
pub mod snapshot;
mod surface;
mod surfaces;
mod validate;

use std::path::{Path, PathBuf};

pub use build_script::build_script;
pub use error::{SpecError, SpecErrors};
pub use load::LoadedSpec;
pub use surfaces::{HandWritten, SURFACES, Surface};

/// What one spec generates: the Rust code a crate `include!`s and the one-line-per-operation
/// API summary reviewers read in the snapshots.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Pretty-printed Rust source of the client, its types and builders.
    pub code: String,
    /// One line per operation: `METHOD path → fn name(params) → success / error`.
    pub surface: String,
    /// A test module with one round-trip test per JSON example of the spec.
    pub example_tests: String,
    /// Typed `httpmock` helpers (`MockServerExt`, `operations`) for the crate's `mock`
    /// feature.
    pub httpmock: String,
}

/// The workspace root (where `Cargo.toml`, `specs/` and `tests/` are).
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

/// Loads, validates and generates the client of `specs/<name>.yaml`.
pub fn generate(name: &str) -> Result<Generated, SpecErrors> {
    generate_in(&workspace_root(), name)
}

/// As [`generate`], reading `<root>/specs/<name>.yaml` (xtask's `--root`, and its tests).
pub fn generate_in(root: &Path, name: &str) -> Result<Generated, SpecErrors> {
    let surface = surface(name)?;
    generate_from_str(surface, &read_in(root, surface)?)
}

/// Reads and parses `<root>/specs/<name>.yaml`, without validating or generating it.
pub fn load_in(root: &Path, name: &str) -> Result<LoadedSpec, SpecErrors> {
    let surface = surface(name)?;
    LoadedSpec::parse(surface.display_path(), &read_in(root, surface)?)
}

fn read_in(root: &Path, surface: &Surface) -> Result<String, SpecErrors> {
    let path = spec_path_in(root, surface.name);
    std::fs::read_to_string(&path).map_err(|e| {
        SpecErrors::single(SpecError::without_location(
            surface.display_path(),
            format!("cannot read {}: {e}", path.display()),
        ))
    })
}

/// Generates from spec text already in memory; `surface` names the file in errors and
/// says which operations are served by hand.
pub fn generate_from_str(surface: &Surface, text: &str) -> Result<Generated, SpecErrors> {
    let loaded = LoadedSpec::parse(surface.display_path(), text)?;
    validate::validate(surface, &loaded)?;
    let mut generated_spec = surface.without_hand_written(&loaded.spec);
    keep_unknown::keep_unknown_properties(&loaded, &mut generated_spec)?;
    let enums = open_enum::collect(&loaded, &generated_spec)?;
    let settings = settings(&enums);
    let tokens = guard::generate_tokens(&loaded, &generated_spec, &settings)?;
    let code = render(&loaded, tokens, &enums)?;
    let httpmock = render_httpmock(
        &loaded,
        guard::httpmock_tokens(&loaded, &generated_spec, &settings)?,
    )?;
    let surface_text = surface::describe(surface, &loaded.spec);
    let example_tests = examples::test_module(&examples::collect(&loaded, surface));
    Ok(Generated {
        code,
        surface: surface_text,
        example_tests,
        httpmock,
    })
}

fn render_httpmock(
    loaded: &LoadedSpec,
    tokens: proc_macro2::TokenStream,
) -> Result<String, SpecErrors> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        SpecErrors::single(SpecError::without_location(
            loaded.file.clone(),
            format!("the httpmock helpers do not parse: {e}"),
        ))
    })?;
    Ok(prettyplease::unparse(&file))
}

/// The one set of progenitor settings every crate is generated with.
pub fn settings(enums: &[open_enum::OpenEnum]) -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        // Requests are bounded by the runtime's timeouts, not by the generated default.
        .with_timeout(60)
        .with_inner_type(runtime_glue::inner_type())
        // The hooks stay progenitor's defaults: `error_glue` hands every request to the
        // runtime instead, whose errors the hooks' `Error` type cannot carry.
        .with_hooks(progenitor::HooksMode::Optional);
    // `format: password` strings (tokens, secrets) never show in Debug output or logs.
    settings.with_conversion(
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("password".to_owned()),
            ..Default::default()
        },
        "::sdk_runtime::Secret",
        std::iter::empty(),
    );
    for open in enums {
        settings.with_replacement(
            &open.schema_name,
            format!("crate::types::{}", open.type_name),
            open_enum::IMPLS.iter().cloned(),
        );
    }
    settings
}

/// Adds the runtime glue, puts the open enums into the generated `types` module and
/// pretty-prints the file.
fn render(
    loaded: &LoadedSpec,
    tokens: proc_macro2::TokenStream,
    enums: &[open_enum::OpenEnum],
) -> Result<String, SpecErrors> {
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        SpecErrors::single(SpecError::without_location(
            loaded.file.clone(),
            format!("progenitor produced code that does not parse: {e}"),
        ))
    })?;
    error_glue::rewrite(&mut file).map_err(|message| {
        SpecErrors::single(SpecError::without_location(
            loaded.file.clone(),
            format!("the generated operations cannot be put on the SDK's error type: {message}"),
        ))
    })?;
    let glue: syn::File = syn::parse2(runtime_glue::tokens(loaded)).map_err(|e| {
        SpecErrors::single(SpecError::without_location(
            loaded.file.clone(),
            format!("the runtime glue does not parse: {e}"),
        ))
    })?;
    file.items.extend(glue.items);
    let types = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    });
    let Some((_, items)) = types else {
        return Err(SpecErrors::single(SpecError::without_location(
            loaded.file.clone(),
            "progenitor produced no `types` module",
        )));
    };
    for open in enums {
        let item: syn::File = syn::parse2(open.to_tokens()).map_err(|e| {
            SpecErrors::single(SpecError::without_location(
                loaded.file.clone(),
                format!("open enum `{}` does not parse: {e}", open.type_name),
            ))
        })?;
        items.extend(item.items);
    }
    // The `extra` map of unknown properties (see keep_unknown) starts empty in builders
    // instead of being a required field.
    Ok(prettyplease::unparse(&file).replace(
        r#"extra: Err("no value supplied for extra".to_string())"#,
        "extra: Ok(Default::default())",
    ))
}
