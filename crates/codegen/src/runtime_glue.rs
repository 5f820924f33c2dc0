//! Wires each generated client to the SDK's runtime (`sdk_runtime::Runtime`, the client's
//! inner type): the hooks that hand it every request, the table that tells it each operation's
//! method, path template and whether it takes the provider's token, and `with_runtime`.

use openapiv3::OpenAPI;
use quote::quote;

use crate::LoadedSpec;
use crate::load::{is_success, operations, resolve_response};

/// The inner type every client is generated with.
pub(crate) fn inner_type() -> proc_macro2::TokenStream {
    quote!(::sdk_runtime::Runtime)
}

/// Items added to the generated file, beside the client.
pub(crate) fn tokens(loaded: &LoadedSpec) -> proc_macro2::TokenStream {
    let spec = &loaded.spec;
    let entries = operations(spec).into_iter().map(|op| {
        let id = op.id();
        let method = op.method.to_uppercase();
        let path = op.path;
        let authenticated = op.takes_token(spec);
        let accept = match non_json_answer(spec, op.operation) {
            Some(media_type) => quote!(::std::option::Option::Some(#media_type)),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            ::sdk_runtime::Operation {
                id: #id,
                method: #method,
                path: #path,
                authenticated: #authenticated,
                accept: #accept,
            }
        }
    });
    quote! {
        /// Every operation of the spec, hand-written ones included, as the runtime sees them.
        pub const OPERATIONS: &[::sdk_runtime::Operation] = &[#(#entries),*];

        fn operation(id: &'static str) -> ::sdk_runtime::Operation {
            OPERATIONS
                .iter()
                .find(|operation| operation.id == id)
                .copied()
                .unwrap_or(::sdk_runtime::Operation::unlisted(id))
        }

        impl ClientHooks<::sdk_runtime::Runtime> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> ::std::result::Result<(), Error<E>> {
                self.inner.pre(request, &operation(info.operation_id)).await
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.exec(request, &operation(info.operation_id)).await
            }
        }

        impl Client {
            /// A client for `baseurl` (see `sdk_runtime::presets`) that sends every request
            /// through `runtime`: its HTTP client, authentication, retries and tracing.
            pub fn with_runtime(baseurl: &str, runtime: ::sdk_runtime::Runtime) -> Self {
                Self::new_with_client(baseurl, runtime.http_client().clone(), runtime)
            }
        }
    }
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
