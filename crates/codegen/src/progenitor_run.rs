//! Runs progenitor so that neither its errors nor its panics escape without naming the
//! operation that caused them.
//!
//! Validation catches the shapes known to break progenitor 0.15; this is the net for the
//! rest. When a whole-spec run fails, each operation is generated alone to find the culprits.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;

use vmware_cpn_spec::load::{operations, retain_operations};
use vmware_cpn_spec::{LoadedSpec, SpecError, SpecErrors};

/// The panic hook is process-wide: runs that silence it must not interleave.
static HOOK_LOCK: Mutex<()> = Mutex::new(());

/// Generates the client tokens of `spec` (the loaded spec minus hand-written operations).
pub(crate) fn generate_tokens(
    loaded: &LoadedSpec,
    spec: &OpenAPI,
    settings: &progenitor::GenerationSettings,
) -> Result<TokenStream, SpecErrors> {
    let whole_failure = match run(spec, settings) {
        Ok(tokens) => return Ok(tokens),
        Err(failure) => failure,
    };
    let mut errors = Vec::new();
    for op in operations(spec) {
        let alone = only_operation(spec, op.path, op.method);
        if let Err(failure) = run(&alone, settings) {
            errors.push(loaded.error_at(
                &["paths", op.path, op.method],
                format!("{}: progenitor cannot generate it: {failure}", op.label()),
            ));
        }
    }
    if errors.is_empty() {
        errors.push(SpecError::without_location(
            loaded.file.clone(),
            format!("progenitor cannot generate the spec: {whole_failure}"),
        ));
    }
    Err(SpecErrors(errors))
}

/// The typed `httpmock` helpers of `spec` (`Generator::httpmock`), for the crates' `mock`
/// feature. Run after [`generate_tokens`] succeeded on the same spec, so a failure here is
/// reported whole.
pub(crate) fn httpmock_tokens(
    loaded: &LoadedSpec,
    spec: &OpenAPI,
    settings: &progenitor::GenerationSettings,
) -> Result<TokenStream, SpecErrors> {
    catching_panics(|| progenitor::Generator::new(settings).httpmock(spec, "crate")).map_err(
        |failure| {
            SpecErrors::single(SpecError::without_location(
                loaded.file.clone(),
                format!("progenitor cannot generate the httpmock helpers: {failure}"),
            ))
        },
    )
}

/// One progenitor run with panics caught and turned into their message.
fn run(spec: &OpenAPI, settings: &progenitor::GenerationSettings) -> Result<TokenStream, String> {
    catching_panics(|| progenitor::Generator::new(settings).generate_tokens(spec))
}

fn catching_panics(
    generate: impl FnOnce() -> Result<TokenStream, progenitor::Error>,
) -> Result<TokenStream, String> {
    let _serialized = HOOK_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(generate));
    panic::set_hook(previous_hook);
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(error.to_string()),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(format!("progenitor panicked: {}", first_line(&message)))
        }
    }
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}

/// The spec with every operation but one removed; components stay whole.
fn only_operation(spec: &OpenAPI, path: &str, method: &str) -> OpenAPI {
    let mut alone = spec.clone();
    retain_operations(&mut alone, |p, m, _| p == path && m == method);
    alone
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two request media types make progenitor 0.15 hit a `todo!`: the guard must turn that
    /// panic into an error naming the operation, with no panic escaping.
    #[test]
    fn progenitor_panic_becomes_an_error_naming_the_operation() {
        let text = "openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /ok:
    get:
      operationId: fine
      responses:
        '204':
          description: ok
  /orders:
    post:
      operationId: place_order
      requestBody:
        content:
          application/json:
            schema:
              type: object
          application/xml:
            schema:
              type: string
      responses:
        '204':
          description: ok
";
        let loaded = LoadedSpec::parse("specs/test.yaml", text).unwrap();
        let settings = crate::settings(&[]);
        let errors = generate_tokens(&loaded, &loaded.spec, &settings).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        let message = errors.to_string();
        assert!(
            message.starts_with(
                "specs/test.yaml:13:5: POST /orders (place_order): progenitor cannot generate \
                 it: progenitor panicked: not yet implemented: more media types than expected"
            ),
            "{message}"
        );
    }
}
