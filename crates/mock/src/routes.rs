//! The router, built from the specs: every operation is routed at its server's path plus its
//! path template, for its method, with the middleware that makes it behave like the real
//! service. Each operation's handler is a method of its spec's generated handler trait, so the
//! mock cannot lag behind a spec: an operation without a handler does not compile.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Extension, Router};
use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::load::OperationRef;

use crate::App;
use crate::api;
use crate::call::{Call, ErrorBody, OperationInfo, Security};
use crate::tokens::{Kind, Refusal};

pub(crate) fn router(app: App) -> Result<Router, String> {
    let mut router = Router::new();
    for (surface, spec) in app.specs.iter() {
        for operation in vmware_cpn_spec::load::operations(&spec.spec) {
            let id = operation.id().to_owned();
            let method = Method::from_bytes(operation.method.to_uppercase().as_bytes())
                .ok()
                .and_then(|m| MethodFilter::try_from(m).ok())
                .ok_or_else(|| {
                    format!(
                        "{}: {} has no method the mock serves",
                        spec.file,
                        operation.label()
                    )
                })?;
            let info = OperationInfo {
                surface,
                id,
                security: security(spec, &operation),
            };
            let path = crate::specs::served_at(spec, &operation);
            let route: MethodRouter<App> = on(
                method,
                move |State(app): State<App>, call: Call| async move {
                    match api::serve(&app, &call).await {
                        Ok(response) | Err(response) => response,
                    }
                },
            )
            // The first layer is the outermost: the operation is known to all that follow.
            .layer(
                tower::ServiceBuilder::new()
                    .layer(Extension(info))
                    .layer(from_fn_with_state(app.clone(), crate::journal::record))
                    .layer(from_fn_with_state(app.clone(), crate::faults::apply))
                    .layer(from_fn_with_state(app.clone(), require_token))
                    .layer(from_fn_with_state(app.clone(), crate::conform::check))
                    // Innermost: the handler's own answer drifts, and the journal records
                    // what was sent.
                    .layer(from_fn_with_state(app.clone(), crate::drift::apply)),
            );
            router = router.route(&path, route);
        }
    }
    Ok(router
        .merge(crate::control::routes())
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app))
}

/// How the operation is authenticated, by the first scheme its requirement names.
fn security(spec: &'static LoadedSpec, operation: &OperationRef<'static>) -> Security {
    let schemes = operation.security_schemes(&spec.spec);
    match schemes.first() {
        None => Security::None,
        Some((
            _,
            Some(openapiv3::SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Header,
                name,
                ..
            }),
        )) => Security::ApiKeyHeader(name),
        Some((_, Some(openapiv3::SecurityScheme::HTTP { scheme, .. })))
            if scheme.eq_ignore_ascii_case("basic") =>
        {
            Security::Basic
        }
        Some((_, Some(openapiv3::SecurityScheme::HTTP { .. }))) => Security::Bearer,
        Some(_) => Security::None,
    }
}

/// Middleware: the token check of the real services, `401` with the surface's error body.
async fn require_token(State(app): State<App>, request: Request, next: Next) -> Response {
    let Some(operation) = request.extensions().get::<OperationInfo>().cloned() else {
        return next.run(request).await;
    };
    let checked = check_token(&app, operation.security, request.headers());
    match checked {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            ErrorBody::of(operation.surface).error(StatusCode::UNAUTHORIZED, refusal.message())
        }
    }
}

fn check_token(app: &App, security: Security, headers: &HeaderMap) -> Result<(), Refusal> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match security {
        Security::None | Security::Basic => Ok(()),
        Security::ApiKeyHeader(name) => app.tokens().check(Kind::Csp, header(name)),
        Security::Bearer => {
            let token = header("authorization").and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(token.trim())
            });
            app.tokens().check(Kind::Vcpp, token)
        }
    }
}

async fn unknown_path(uri: Uri) -> Response {
    ErrorBody::at_path(uri.path()).error(
        StatusCode::NOT_FOUND,
        format!("no operation is served at {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    ErrorBody::at_path(uri.path()).error(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not served at {}", uri.path()),
    )
}
