//! The mock's handler traits, one per spec, written to the mock's `OUT_DIR` by its
//! `build.rs`: one method per operation, taking the call and the operation's path, query and
//! header parameters already typed (as dropshot-style servers take theirs). The mock
//! implements the six traits, so an operation a spec gains without a handler does not
//! compile; the generated `dispatch` routes a call to its method.
//!
//! The generated code names types of the mock (`crate::call::{Call, Reply}`), whose `Call`
//! reads parameters with `path_as`, `query_as`, `required_query_as` and `header`.

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::ToTokens;
use quote::{format_ident, quote};

use vmware_cpn_spec::load::{operations, resolve_parameter, resolve_schema};
use vmware_cpn_spec::{LoadedSpec, SURFACES, SpecError, SpecErrors, Surface};

/// Rust source of the six handler modules (`cphub_core::Handlers`, …) and the `dispatch`
/// over all of them, from the specs under `root`.
pub fn source_in(root: &std::path::Path) -> Result<String, SpecErrors> {
    let mut modules = Vec::new();
    let mut arms = Vec::new();
    let mut bounds = Vec::new();
    for surface in SURFACES {
        let loaded = vmware_cpn_spec::load_in(root, surface.name)?;
        let module = format_ident!("{}", surface.name.to_snake_case());
        modules.push(surface_module(surface, &loaded)?);
        let name = surface.name;
        arms.push(quote!(#name => #module::dispatch(handlers, call).await,));
        bounds.push(quote!(#module::Handlers));
    }
    let tokens = quote! {
        #(#modules)*

        /// Serves `call` with its operation's handler; `None` for an operation no spec has.
        pub(crate) async fn dispatch<H>(handlers: &H, call: &crate::call::Call) -> Option<crate::call::Reply>
        where
            H: #(#bounds)+* + Sync,
        {
            match call.operation.surface {
                #(#arms)*
                _ => None,
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        SpecErrors::single(SpecError::without_location(
            "specs/",
            format!("the mock's handler traits do not parse: {e}"),
        ))
    })?;
    // Unformatted: rustc alone reads it (a build script's output).
    Ok(file.into_token_stream().to_string())
}

fn surface_module(surface: &Surface, loaded: &LoadedSpec) -> Result<TokenStream, SpecErrors> {
    let spec = &loaded.spec;
    let module = format_ident!("{}", surface.name.to_snake_case());
    let module_doc = format!(" The handlers of `{}`.", surface.display_path());
    let trait_doc = format!(
        " One method per operation of `{}`, with its parameters typed.",
        surface.display_path()
    );
    let mut methods = Vec::new();
    let mut structs = Vec::new();
    let mut arms = Vec::new();
    for op in operations(spec) {
        let id = op.id();
        let method = format_ident!("{id}");
        let params_type = format_ident!("{}Params", id.to_upper_camel_case());
        let summary = op.operation.summary.as_deref().unwrap_or_default().trim();
        let doc = format!(" `{} {}`: {summary}", op.method.to_uppercase(), op.path);
        methods.push(quote! {
            #[doc = #doc]
            fn #method(
                &self,
                call: &Call,
                params: #params_type,
            ) -> impl ::std::future::Future<Output = Reply> + Send;
        });
        let mut fields = Vec::new();
        let mut reads = Vec::new();
        let mut taken = std::collections::BTreeSet::new();
        for parameter in op.parameters().filter_map(|p| resolve_parameter(spec, p)) {
            let data = parameter.parameter_data_ref();
            let name = data.name.as_str();
            // A header named like a query parameter (VCPP's `If-Modified-Since`) is `…_header`.
            let mut field = field_ident(name);
            if !taken.insert(field.to_string()) {
                field = format_ident!("{field}_header");
                taken.insert(field.to_string());
            }
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => scalar_type(spec, schema),
                ParameterSchemaOrContent::Content(_) => quote!(String),
            };
            let description = data.description.as_deref().unwrap_or_default().trim();
            let field_doc: Vec<String> = std::iter::once(format!(" `{name}`"))
                .chain(description.lines().map(|line| format!(" {line}")))
                .collect();
            let (ty, read) = match parameter {
                Parameter::Path { .. } => (ty.clone(), quote!(call.path_as::<#ty>(#name)?)),
                Parameter::Query { .. } if data.required => {
                    (ty.clone(), quote!(call.required_query_as::<#ty>(#name)?))
                }
                Parameter::Query { .. } => (
                    quote!(::std::option::Option<#ty>),
                    quote!(call.query_as::<#ty>(#name)?),
                ),
                Parameter::Header { .. } => (
                    quote!(::std::option::Option<String>),
                    quote!(call.header(#name).map(str::to_owned)),
                ),
                Parameter::Cookie { .. } => continue,
            };
            fields.push(quote!(#(#[doc = #field_doc])* pub(crate) #field: #ty,));
            reads.push(quote!(#field: #read,));
        }
        let paging = match op.paging(loaded).map_err(SpecErrors::single)? {
            Some(paging) => {
                let start = field_ident(&paging.start);
                let limit = field_ident(&paging.limit);
                let default_limit = proc_macro2::Literal::i32_unsuffixed(paging.default_limit);
                quote! {
                    impl #params_type {
                        /// The page size the service uses when none is asked for (`x-paging`).
                        pub(crate) const DEFAULT_PAGE_LIMIT: i64 = #default_limit;

                        /// The page asked for: its 1-based start and its size, the spec's
                        /// defaults where the call names none.
                        pub(crate) fn page(&self) -> (i64, i64) {
                            (
                                self.#start.map(i64::from).unwrap_or(1),
                                self.#limit.map(i64::from).unwrap_or(Self::DEFAULT_PAGE_LIMIT),
                            )
                        }
                    }
                }
            }
            None => TokenStream::new(),
        };
        let struct_doc = format!(" The parameters of `{id}`.");
        structs.push(quote! {
            #[doc = #struct_doc]
            #[derive(Debug, Clone)]
            pub(crate) struct #params_type {
                #(#fields)*
            }

            impl #params_type {
                #[allow(unused_variables)]
                fn read(call: &Call) -> Result<Self, ::axum::response::Response> {
                    Ok(Self { #(#reads)* })
                }
            }

            #paging
        });
        arms.push(quote! {
            #id => match #params_type::read(call) {
                Ok(params) => handlers.#method(call, params).await,
                Err(refusal) => Err(refusal),
            },
        });
    }
    Ok(quote! {
        #[doc = #module_doc]
        pub(crate) mod #module {
            use crate::call::{Call, Reply};

            #[doc = #trait_doc]
            pub(crate) trait Handlers {
                #(#methods)*
            }

            #(#structs)*

            /// Serves `call` with its operation's method; `None` for an operation the spec lacks.
            pub(crate) async fn dispatch<H: Handlers + Sync>(handlers: &H, call: &Call) -> Option<Reply> {
                Some(match call.operation.id.as_str() {
                    #(#arms)*
                    _ => return None,
                })
            }
        }
    })
}

/// The field of a parameter: its name in snake case, kept clear of Rust's keywords.
fn field_ident(name: &str) -> syn::Ident {
    let snake = name.to_snake_case();
    syn::parse_str::<syn::Ident>(&snake).unwrap_or_else(|_| format_ident!("{snake}_"))
}

/// The Rust type of a scalar parameter; enums stay strings (the mock's request check has
/// already held them to the spec's values).
fn scalar_type(spec: &OpenAPI, schema: &openapiv3::ReferenceOr<openapiv3::Schema>) -> TokenStream {
    match resolve_schema(spec, schema).map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Integer(integer))) => match &integer.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
                quote!(i32)
            }
            _ => quote!(i64),
        },
        Some(SchemaKind::Type(Type::Number(_))) => quote!(f64),
        Some(SchemaKind::Type(Type::Boolean(_))) => quote!(bool),
        _ => quote!(String),
    }
}

#[cfg(all(test, feature = "pretty"))]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_a_method_with_its_parameters_typed() {
        // Read as people read it: the build script writes it unformatted.
        let tokens = source_in(&vmware_cpn_spec::workspace_root()).unwrap();
        let source = prettyplease::unparse(&syn::parse_file(&tokens).unwrap());
        for surface in SURFACES {
            let loaded =
                vmware_cpn_spec::load_in(&vmware_cpn_spec::workspace_root(), surface.name).unwrap();
            for op in operations(&loaded.spec) {
                assert!(source.contains(&format!("fn {}(", op.id())), "{}", op.id());
            }
        }
        // An int32 query parameter, optional; a required path parameter.
        assert!(source.contains("pub(crate) page_start: ::std::option::Option<i32>"));
        assert!(source.contains("org_id: call.path_as::<String>(\"orgId\")?"));
        // A header named like a query parameter keeps both.
        assert!(
            source.contains("pub(crate) if_modified_since_header: ::std::option::Option<String>")
        );
        // Paging reads the spec's default page size.
        assert!(source.contains("pub(crate) const DEFAULT_PAGE_LIMIT: i64 = 100;"));
    }
}
