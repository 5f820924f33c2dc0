//! Wires each generated client to the SDK's runtime (`vmware_cpn_runtime::Runtime`, the client's
//! inner type): a constant per operation that tells it the operation's method, path template,
//! whether it takes the provider's token and which secrets its answers can hold; the spec's
//! servers as constants; and `with_runtime`.
//! Every operation hands its request to the runtime through `error_glue`'s rewrite.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use quote::quote;

use heck::ToShoutySnakeCase;
use vmware_cpn_spec::load::{is_success, operations, resolve_response, resolve_schema};
use vmware_cpn_spec::servers::named_servers;
use vmware_cpn_spec::{LoadedSpec, SpecErrors};

/// The inner type every client is generated with.
pub(crate) fn inner_type() -> proc_macro2::TokenStream {
    quote!(::vmware_cpn_runtime::Runtime)
}

/// Items added to the generated file, beside the client.
pub(crate) fn tokens(loaded: &LoadedSpec) -> Result<proc_macro2::TokenStream, SpecErrors> {
    let spec = &loaded.spec;
    let servers = named_servers(loaded)?.into_iter().map(|server| {
        let name = quote::format_ident!("{}", server.name);
        let url = &server.url;
        let doc = format!(" {}", server.doc());
        quote! {
            #[doc = #doc]
            pub const #name: &str = #url;
        }
    });
    let (names, entries): (Vec<_>, Vec<_>) = operations(spec)
        .into_iter()
        .map(|op| {
            let id = op.id();
            let name = quote::format_ident!("{}", constant_name(id));
            let doc = format!(" `{}`.", op.label());
            let method = op.method.to_uppercase();
            let path = op.path;
            let takes_token = op.takes_token(spec);
            let accept = match non_json_answer(spec, op.operation) {
                Some(media_type) => quote!(::std::option::Option::Some(#media_type)),
                None => quote!(::std::option::Option::None),
            };
            let secrets = answer_secrets(spec, op.operation);
            let entry = quote! {
                #[doc = #doc]
                pub const #name: ::vmware_cpn_runtime::Operation = ::vmware_cpn_runtime::Operation {
                    id: #id,
                    method: #method,
                    path: #path,
                    takes_token: #takes_token,
                    accept: #accept,
                    secrets: &[#(#secrets),*],
                    spec: &super::SPEC,
                };
            };
            (name, entry)
        })
        .unzip();
    let name = spec_name(loaded);
    let spec_file = format!("/specs/{name}.yaml");
    Ok(quote! {
        /// The spec this client is generated from, as the crate carries it: read at run time
        /// only by what needs it (drift tracing, `cpn conformance`).
        pub const SPEC: ::vmware_cpn_runtime::Spec = ::vmware_cpn_runtime::Spec {
            name: #name,
            text: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), #spec_file)),
        };

        /// The spec's servers, by their `x-name`: base URLs for [`Client::with_runtime`], and
        /// the URL of each operation that names a server of its own.
        pub mod servers {
            #(#servers)*
        }

        /// Each operation of the spec, hand-written ones included, as the runtime sees it.
        pub mod operations {
            #(#entries)*
        }

        /// Every operation of the spec, in the spec's order.
        pub const OPERATIONS: &[::vmware_cpn_runtime::Operation] = &[#(operations::#names),*];

        impl Client {
            /// A client for `baseurl` (see [`servers`]) that sends every request through
            /// `runtime`: its HTTP client, authentication, retries and tracing.
            pub fn with_runtime(baseurl: &str, runtime: ::vmware_cpn_runtime::Runtime) -> Self {
                Self::new_with_client(baseurl, runtime.http_client().clone(), runtime)
            }
        }
    })
}

/// The spec's name, from its file (`specs/cphub-core.yaml` → `cphub-core`).
fn spec_name(loaded: &LoadedSpec) -> String {
    std::path::Path::new(&loaded.file)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The constant an operation id becomes in `operations`: `list_tenants` → `LIST_TENANTS`.
pub(crate) fn constant_name(operation_id: &str) -> String {
    operation_id.to_shouty_snake_case()
}

/// The media type of the success answer when it is one, and not JSON.
fn non_json_answer(spec: &OpenAPI, operation: &openapiv3::Operation) -> Option<String> {
    let mut media_types = operation
        .responses
        .responses
        .iter()
        .filter(|(status, _)| is_success(status))
        .filter_map(|(_, response)| resolve_response(spec, response))
        .flat_map(|response| response.content.keys());
    let first = media_types.next()?;
    let single = media_types.all(|other| other == first);
    (single && first != "application/json").then(|| first.clone())
}

/// The `format: password` properties of an operation's answers, any status: an answer that
/// can hold a secret is redacted before an error keeps it.
fn answer_secrets(spec: &OpenAPI, operation: &openapiv3::Operation) -> Vec<String> {
    let mut names = BTreeSet::new();
    let schemas = operation
        .responses
        .responses
        .values()
        .chain(operation.responses.default.as_ref())
        .filter_map(|response| resolve_response(spec, response))
        .flat_map(|response| response.content.values())
        .filter_map(|media| media.schema.as_ref());
    for schema in schemas {
        collect_secrets(spec, schema, &mut names, 0);
    }
    names.into_iter().collect()
}

fn collect_secrets<T: vmware_cpn_spec::load::AsSchema>(
    spec: &OpenAPI,
    schema: &ReferenceOr<T>,
    names: &mut BTreeSet<String>,
    depth: usize,
) {
    // Deep enough for any real answer, and a guard against recursive schemas.
    let Some(schema) = resolve_schema(spec, schema).filter(|_| depth < 16) else {
        return;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for (name, property) in &object.properties {
                if is_password(spec, property) {
                    names.insert(name.clone());
                }
                collect_secrets(spec, property, names, depth + 1);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                collect_secrets(spec, items, names, depth + 1);
            }
        }
        SchemaKind::AllOf { all_of: list }
        | SchemaKind::OneOf { one_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            for item in list {
                collect_secrets(spec, item, names, depth + 1);
            }
        }
        _ => {}
    }
}

fn is_password<T: vmware_cpn_spec::load::AsSchema>(
    spec: &OpenAPI,
    schema: &ReferenceOr<T>,
) -> bool {
    matches!(
        resolve_schema(spec, schema).map(|s| &s.schema_kind),
        Some(SchemaKind::Type(Type::String(string)))
            if string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
    )
}
