//! Code generation for the SDK's client crates: the one crate that runs progenitor.
//!
//! One library, used by every client crate's `build.rs`, by `xtask` and by the snapshot tests,
//! so all three always see the same code. It loads `specs/<name>.yaml` (through
//! `vmware-cpn-spec`), validates it, applies the one set of progenitor settings
//! ([`settings`]) and makes every server-sent enum forward compatible. A build script
//! (`build_script`) writes the result unformatted, for rustc; with the `pretty` feature,
//! `generate` and its siblings pretty-print it and describe the API surface, for people (the
//! snapshots, `xtask`), so a client's build compiles no formatter. `cpn`'s command model and
//! the mock's handler traits are not behind features: a build dependency's features follow
//! the packages a command builds, so they would differ between `cargo build -p cphub-core`
//! and a build with the CLI, and each switch would regenerate and recompile every client, for
//! about a third of a second saved in a client's clean build. progenitor is pinned exactly in
//! the workspace manifest, so one spec gives one API whoever builds it.
//!
//! Nothing in here panics on a bad spec: every problem is a [`SpecError`] naming the spec file
//! and, where it can, the line, the path and the method.

#[cfg(feature = "pretty")]
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
mod request_glue;
mod runtime_glue;

use std::path::Path;

use quote::ToTokens;

#[cfg(feature = "pretty")]
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
    /// `with_hand_written` lists the methods that serve it.
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

#[cfg(feature = "pretty")]
/// Loads, validates and generates the client of `specs/<name>.yaml`.
pub fn generate(name: &str) -> Result<Generated, SpecErrors> {
    generate_in(&vmware_cpn_spec::workspace_root(), name)
}

#[cfg(feature = "pretty")]
/// As [`generate`], reading `<root>/specs/<name>.yaml` (xtask's `--root`, and its tests).
pub fn generate_in(root: &Path, name: &str) -> Result<Generated, SpecErrors> {
    generate_in_with(root, name, Httpmock::Generate)
}

#[cfg(feature = "pretty")]
/// As [`generate_in`], generating the httpmock helpers or not.
pub fn generate_in_with(
    root: &Path,
    name: &str,
    httpmock: Httpmock,
) -> Result<Generated, SpecErrors> {
    let surface = surface(name)?;
    generate_from_str_with(surface, &read_in(root, surface)?, httpmock)
}

#[cfg(feature = "pretty")]
/// Generates from spec text already in memory; `surface` names the file in errors and
/// says which operations are served by hand.
pub fn generate_from_str(surface: &Surface, text: &str) -> Result<Generated, SpecErrors> {
    generate_from_str_with(surface, text, Httpmock::Generate)
}

#[cfg(feature = "pretty")]
/// As [`generate_from_str`], generating the httpmock helpers or not.
pub fn generate_from_str_with(
    surface: &Surface,
    text: &str,
    httpmock: Httpmock,
) -> Result<Generated, SpecErrors> {
    generate_as(surface, text, httpmock, Form::Pretty)
}

/// How the generated Rust is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Pretty-printed (prettyplease): what people read, in the snapshots and `xtask`. Only
    /// with the `pretty` feature, so a client's build compiles no formatter.
    #[cfg(feature = "pretty")]
    Pretty,
    /// The token stream's own text, for rustc alone: what a client's build script writes.
    /// The same tokens as `Form::Pretty` without the cost of formatting them (a build
    /// script is compiled without optimizations, where prettyplease is slow).
    Tokens,
}

/// As `generate_in_with`, for a build script: the code as unformatted tokens, and no API
/// surface (nobody reads it there).
pub(crate) fn generate_for_build(
    root: &Path,
    name: &str,
    httpmock: Httpmock,
) -> Result<Generated, SpecErrors> {
    let surface = surface(name)?;
    generate_as(surface, &read_in(root, surface)?, httpmock, Form::Tokens)
}

fn generate_as(
    surface: &Surface,
    text: &str,
    httpmock: Httpmock,
    form: Form,
) -> Result<Generated, SpecErrors> {
    let loaded = LoadedSpec::parse(surface.display_path(), text)?;
    validate(&loaded)?;
    let mut generated_spec = without_hand_written(&loaded.spec);
    keep_unknown::keep_unknown_properties(&loaded, &mut generated_spec)?;
    let enums = vmware_cpn_spec::open_enum::collect(&loaded, &generated_spec)?;
    let settings = settings(&enums);
    let tokens = progenitor_run::generate_tokens(&loaded, &generated_spec, &settings)?;
    let code = render(&loaded, tokens, &enums, form)?;
    let httpmock = match httpmock {
        Httpmock::Generate => render_httpmock(
            &loaded,
            progenitor_run::httpmock_tokens(&loaded, &generated_spec, &settings)?,
            form,
        )?,
        Httpmock::Skip => String::new(),
    };
    let surface_text = match form {
        #[cfg(feature = "pretty")]
        Form::Pretty => api_surface::describe(&loaded.spec),
        Form::Tokens => String::new(),
    };
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
    form: Form,
) -> Result<String, SpecErrors> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        SpecErrors::single(SpecError::without_location(
            loaded.file.clone(),
            format!("the httpmock helpers do not parse: {e}"),
        ))
    })?;
    Ok(match form {
        #[cfg(feature = "pretty")]
        Form::Pretty => prettyplease::unparse(&file),
        Form::Tokens => file.into_token_stream().to_string(),
    })
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
/// writes the file out in `form`.
fn render(
    loaded: &LoadedSpec,
    tokens: proc_macro2::TokenStream,
    enums: &[OpenEnum],
    form: Form,
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
    let text = match form {
        #[cfg(feature = "pretty")]
        Form::Pretty => prettyplease::unparse(&file),
        Form::Tokens => file.into_token_stream().to_string(),
    };
    let patched = match form {
        #[cfg(feature = "pretty")]
        Form::Pretty => default_extra_maps(&text, PRETTY_EXTRA),
        Form::Tokens => default_extra_maps(&text, TOKEN_EXTRA),
    };
    patched.map_err(|message| {
        SpecErrors::single(SpecError::without_location(loaded.file.clone(), message))
    })
}

/// The texts [`default_extra_maps`] looks for and writes, in one [`Form`].
struct ExtraPatch {
    /// What typify's builders start a required field with, for the `extra` map of unknown
    /// properties (see keep_unknown).
    required: &'static str,
    /// A builder field holding that map.
    builder_field: &'static str,
    /// The empty map it starts with instead.
    empty: &'static str,
}

/// As prettyplease writes them.
#[cfg(feature = "pretty")]
const PRETTY_EXTRA: ExtraPatch = ExtraPatch {
    required: EXTRA_REQUIRED,
    builder_field: EXTRA_BUILDER_FIELD,
    empty: "extra: Ok(Default::default())",
};

/// As `TokenStream`'s `Display` writes them (a space between tokens, none inside a group's
/// empty delimiters).
const TOKEN_EXTRA: ExtraPatch = ExtraPatch {
    required: r#"extra : Err ("no value supplied for extra" . to_string ())"#,
    builder_field: "extra : :: std :: result :: Result <",
    empty: "extra : Ok (Default :: default ())",
};

/// What typify's builders start a required field with, for the `extra` map of unknown
/// properties (see keep_unknown).
#[cfg(feature = "pretty")]
const EXTRA_REQUIRED: &str = r#"extra: Err("no value supplied for extra".to_string())"#;
/// A builder field holding that map.
#[cfg(feature = "pretty")]
const EXTRA_BUILDER_FIELD: &str = "extra: ::std::result::Result<";

/// The `extra` map starts empty in every builder instead of being a required field. typify
/// has no setting for that, so its text is patched; if typify words its default differently,
/// this fails the build rather than leave every builder demanding an `extra` map.
fn default_extra_maps(code: &str, patch: ExtraPatch) -> Result<String, String> {
    let fields = code.matches(patch.builder_field).count();
    let defaults = code.matches(patch.required).count();
    if fields != defaults {
        return Err(format!(
            "{fields} builder(s) hold an `extra` map but {defaults} start it with \
             `{}`: typify's builder defaults changed, so the patch that starts \
             them empty (codegen's default_extra_maps) must change with them",
            patch.required
        ));
    }
    Ok(code.replace(patch.required, patch.empty))
}

#[cfg(all(test, feature = "pretty"))]
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

    /// What a build script compiles is what the snapshots show: the same tokens, patched the
    /// same way, only not formatted.
    #[test]
    fn the_build_script_form_is_the_snapshot_code_unformatted() {
        for name in ["cphub-core", "navigator-msp"] {
            let surface = surface(name).unwrap();
            let text = read_in(&vmware_cpn_spec::workspace_root(), surface).unwrap();
            let pretty = generate_as(surface, &text, Httpmock::Generate, Form::Pretty).unwrap();
            let tokens = generate_as(surface, &text, Httpmock::Generate, Form::Tokens).unwrap();
            assert!(pretty.code.contains(PRETTY_EXTRA.empty), "{name}");
            assert!(tokens.code.contains(TOKEN_EXTRA.empty), "{name}");
            assert!(
                !tokens.code.contains("no value supplied for extra"),
                "{name}"
            );
            // Formatted, the unformatted form is the snapshot byte for byte.
            for (pretty, tokens) in [
                (&pretty.code, &tokens.code),
                (&pretty.httpmock, &tokens.httpmock),
            ] {
                let tokens: syn::File = syn::parse_str(tokens).unwrap();
                assert!(
                    prettyplease::unparse(&tokens) == *pretty,
                    "{name}: the two forms differ"
                );
            }
            assert_eq!(pretty.example_tests, tokens.example_tests);
        }
    }

    #[test]
    fn every_extra_map_starts_empty() {
        let code = format!("{EXTRA_BUILDER_FIELD}Map, String>,\n{EXTRA_REQUIRED},");
        let patched = default_extra_maps(&code, PRETTY_EXTRA).unwrap();
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
        let error = default_extra_maps(&code, PRETTY_EXTRA).unwrap_err();
        assert!(
            error.contains("typify's builder defaults changed"),
            "{error}"
        );
    }
}
