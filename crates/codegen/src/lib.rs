//! Code generation for the SDK's client crates: the one crate that runs progenitor.
//!
//! One library, used by every client crate's `build.rs`, by `xtask` and by the snapshot tests,
//! so all three always see the same code. [`generate`] loads `specs/<name>.yaml` (through
//! `vmware-cpn-spec`), validates it, applies the one set of progenitor settings
//! ([`settings`]), makes every server-sent enum forward compatible and pretty-prints the
//! result. progenitor is pinned exactly in the workspace manifest, so one spec gives one API
//! whoever builds it.
//!
//! Nothing in here panics on a bad spec: every problem is a [`SpecError`] naming the spec file
//! and, where it can, the line, the path and the method.

mod api_surface;
mod build_script;
pub mod cli_model;
mod error_glue;
mod examples;
mod keep_unknown;
pub mod mock_handlers;
mod non_exhaustive;
mod open_enum;
mod paging;
mod progenitor_run;
mod runtime_glue;

use std::path::Path;

pub use api_surface::with_hand_written;
pub use build_script::{build_script, build_script_over_all_specs};
use vmware_cpn_spec::open_enum::OpenEnum;
use vmware_cpn_spec::{
    LoadedSpec, SpecError, SpecErrors, Surface, read_in, surface, validate, without_hand_written,
};

/// What one spec generates: the Rust code a crate `include!`s and the one-line-per-operation
/// API summary reviewers read in the snapshots.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Pretty-printed Rust source of the client, its types and builders.
    pub code: String,
    /// One line per operation: `METHOD path → fn name(params) → success / error`, or for a
    /// hand-written one `METHOD path → id: hand-written (reason)`, under which
    /// [`with_hand_written`] lists the methods that serve it.
    pub surface: String,
    /// A test module with one round-trip test per JSON example of the spec.
    pub example_tests: String,
    /// Typed `httpmock` helpers (`MockServerExt`, `operations`) for the crate's `mock`
    /// feature; empty when generated with [`Httpmock::Skip`].
    pub httpmock: String,
}

/// Whether the typed httpmock helpers are generated too. They take a second progenitor run
/// over the spec, which progenitor 0.15 cannot share with the client's (`Generator::httpmock`
/// processes every operation again), so a client's build without its `mock` feature skips it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Httpmock {
    /// Generate them.
    Generate,
    /// Leave [`Generated::httpmock`] empty.
    Skip,
}

/// Loads, validates and generates the client of `specs/<name>.yaml`.
pub fn generate(name: &str) -> Result<Generated, SpecErrors> {
    generate_in(&vmware_cpn_spec::workspace_root(), name)
}

/// As [`generate`], reading `<root>/specs/<name>.yaml` (xtask's `--root`, and its tests).
pub fn generate_in(root: &Path, name: &str) -> Result<Generated, SpecErrors> {
    generate_in_with(root, name, Httpmock::Generate)
}

/// As [`generate_in`], generating the httpmock helpers or not.
pub fn generate_in_with(
    root: &Path,
    name: &str,
    httpmock: Httpmock,
) -> Result<Generated, SpecErrors> {
    let surface = surface(name)?;
    generate_from_str_with(surface, &read_in(root, surface)?, httpmock)
}

/// Generates from spec text already in memory; `surface` names the file in errors and
/// says which operations are served by hand.
pub fn generate_from_str(surface: &Surface, text: &str) -> Result<Generated, SpecErrors> {
    generate_from_str_with(surface, text, Httpmock::Generate)
}

/// As [`generate_from_str`], generating the httpmock helpers or not.
pub fn generate_from_str_with(
    surface: &Surface,
    text: &str,
    httpmock: Httpmock,
) -> Result<Generated, SpecErrors> {
    let loaded = LoadedSpec::parse(surface.display_path(), text)?;
    validate(&loaded)?;
    let mut generated_spec = without_hand_written(&loaded.spec);
    keep_unknown::keep_unknown_properties(&loaded, &mut generated_spec)?;
    let enums = vmware_cpn_spec::open_enum::collect(&loaded, &generated_spec)?;
    let settings = settings(&enums);
    let tokens = progenitor_run::generate_tokens(&loaded, &generated_spec, &settings)?;
    let code = render(&loaded, tokens, &enums)?;
    let httpmock = match httpmock {
        Httpmock::Generate => render_httpmock(
            &loaded,
            progenitor_run::httpmock_tokens(&loaded, &generated_spec, &settings)?,
        )?,
        Httpmock::Skip => String::new(),
    };
    let surface_text = api_surface::describe(&loaded.spec);
    let example_tests = examples::test_module(&examples::collect(&loaded));
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
pub fn settings(enums: &[OpenEnum]) -> progenitor::GenerationSettings {
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
        "::vmware_cpn_runtime::Secret",
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
    enums: &[OpenEnum],
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
    paging::add(loaded, &mut file)?;
    let glue: syn::File = syn::parse2(runtime_glue::tokens(loaded)?).map_err(|e| {
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
    non_exhaustive::mark(items);
    for open in enums {
        let item: syn::File = syn::parse2(open_enum::tokens(open)).map_err(|e| {
            SpecErrors::single(SpecError::without_location(
                loaded.file.clone(),
                format!("open enum `{}` does not parse: {e}", open.type_name),
            ))
        })?;
        items.extend(item.items);
    }
    default_extra_maps(&prettyplease::unparse(&file)).map_err(|message| {
        SpecErrors::single(SpecError::without_location(loaded.file.clone(), message))
    })
}

/// What typify's builders start a required field with, for the `extra` map of unknown
/// properties (see keep_unknown).
const EXTRA_REQUIRED: &str = r#"extra: Err("no value supplied for extra".to_string())"#;
/// A builder field holding that map.
const EXTRA_BUILDER_FIELD: &str = "extra: ::std::result::Result<";

/// The `extra` map starts empty in every builder instead of being a required field. typify
/// has no setting for that, so its text is patched; if typify words its default differently,
/// this fails the build rather than leave every builder demanding an `extra` map.
fn default_extra_maps(code: &str) -> Result<String, String> {
    let fields = code.matches(EXTRA_BUILDER_FIELD).count();
    let defaults = code.matches(EXTRA_REQUIRED).count();
    if fields != defaults {
        return Err(format!(
            "{fields} builder(s) hold an `extra` map but {defaults} start it with \
             `{EXTRA_REQUIRED}`: typify's builder defaults changed, so the patch that starts \
             them empty (codegen's default_extra_maps) must change with them"
        ));
    }
    Ok(code.replace(EXTRA_REQUIRED, "extra: Ok(Default::default())"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_httpmock_helpers_are_generated_only_when_asked_for() {
        let surface = surface("navigator-msp").unwrap();
        let text = read_in(&vmware_cpn_spec::workspace_root(), surface).unwrap();
        let with = generate_from_str_with(surface, &text, Httpmock::Generate).unwrap();
        let without = generate_from_str_with(surface, &text, Httpmock::Skip).unwrap();
        assert!(with.httpmock.contains("pub trait MockServerExt"));
        assert!(without.httpmock.is_empty());
        assert_eq!(with.code, without.code);
    }

    #[test]
    fn every_extra_map_starts_empty() {
        let code = format!("{EXTRA_BUILDER_FIELD}Map, String>,\n{EXTRA_REQUIRED},");
        let patched = default_extra_maps(&code).unwrap();
        assert!(
            patched.contains("extra: Ok(Default::default())"),
            "{patched}"
        );
        assert!(!patched.contains(EXTRA_REQUIRED));
    }

    #[test]
    fn a_changed_typify_default_fails_loudly() {
        let code = format!(
            "{EXTRA_BUILDER_FIELD}Map, String>,\nextra: Err(\"extra was never set\".into()),"
        );
        let error = default_extra_maps(&code).unwrap_err();
        assert!(
            error.contains("typify's builder defaults changed"),
            "{error}"
        );
    }
}
