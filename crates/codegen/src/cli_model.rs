//! The command-line model of every spec: one entry per operation with its parameters, its
//! JSON body's top-level fields, its help text and whether it is served by hand. The `cpn`
//! crate's `build.rs` writes it to `OUT_DIR`, and `cpn` builds its clap commands from it, so
//! a spec change changes the CLI (and its `--help` snapshot) in the same diff.
//!
//! The generated code names types of the including crate (`crate::model::…`): `Op`, `Param`,
//! `Body`, `Field`, `Kind`, `Location` and `SurfaceModel`.

use heck::ToKebabCase;
use openapiv3::{
    ParameterSchemaOrContent, ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use proc_macro2::TokenStream;
use quote::quote;

use vmware_cpn_spec::load::{
    is_success, operations, resolve_body, resolve_parameter, resolve_response, resolve_schema,
};
use vmware_cpn_spec::{LoadedSpec, SURFACES, SpecError, SpecErrors, Surface};

/// The `cpn` subcommand of a surface: `cphub-core` → `core`, `navigator-msp` → `msp`.
pub fn command_name(surface: &str) -> &str {
    surface
        .strip_prefix("cphub-")
        .or_else(|| surface.strip_prefix("navigator-"))
        .unwrap_or(surface)
}

/// Rust source defining `pub const SURFACES: &[crate::model::SurfaceModel]` for all six specs
/// under `root`.
pub fn source_in(root: &std::path::Path) -> Result<String, SpecErrors> {
    let mut surfaces = Vec::new();
    for surface in SURFACES {
        let loaded = vmware_cpn_spec::load_in(root, surface.name)?;
        surfaces.push(surface_tokens(surface, &loaded)?);
    }
    let tokens = quote! {
        /// Every surface of the SDK, as `cpn` shows it, generated from `specs/*.yaml`.
        pub const SURFACES: &[crate::model::SurfaceModel] = &[#(#surfaces),*];
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        SpecErrors::single(SpecError::without_location(
            "specs/",
            format!("the CLI model does not parse: {e}"),
        ))
    })?;
    Ok(prettyplease::unparse(&file))
}

fn surface_tokens(surface: &Surface, loaded: &LoadedSpec) -> Result<TokenStream, SpecErrors> {
    let spec = &loaded.spec;
    let name = surface.name;
    let command = command_name(surface.name);
    let title = spec.info.title.as_str();
    let description = spec.info.description.as_deref().unwrap_or_default().trim();
    let mut ops = Vec::new();
    for op in operations(spec) {
        let id = op.id();
        let method = op.method.to_uppercase();
        let path = op.path;
        let summary = op.operation.summary.as_deref().unwrap_or_default().trim();
        let description = op.operation.description.as_deref().unwrap_or_default();
        let description = description.trim();
        let takes_token = op.takes_token(spec);
        let hand_written = op.hand_written().is_some();
        let paging = match op.paging(loaded).map_err(SpecErrors::single)? {
            Some(paging) => {
                let (start, limit, items) = (&paging.start, &paging.limit, &paging.items);
                let default_limit = paging.default_limit;
                quote!(::std::option::Option::Some(crate::model::Paging {
                    start: #start,
                    limit: #limit,
                    items: #items,
                    default_limit: #default_limit,
                }))
            }
            None => quote!(::std::option::Option::None),
        };
        let params = op
            .parameters()
            .filter_map(|p| resolve_parameter(spec, p))
            .filter_map(|p| param_tokens(spec, p));
        let body = match op
            .operation
            .request_body
            .as_ref()
            .and_then(|b| resolve_body(spec, b))
        {
            Some(body) => {
                let (media_type, fields) = body_fields(spec, body);
                let required = body.required;
                quote!(::std::option::Option::Some(crate::model::Body {
                    required: #required,
                    media_type: #media_type,
                    fields: &[#(#fields),*],
                }))
            }
            None => quote!(::std::option::Option::None),
        };
        let media: Vec<String> = op
            .operation
            .responses
            .responses
            .iter()
            .filter(|(status, _)| is_success(status))
            .filter_map(|(_, r)| resolve_response(spec, r))
            .flat_map(|r| r.content.keys().cloned())
            .collect();
        ops.push(quote! {
            crate::model::Op {
                id: #id,
                method: #method,
                path: #path,
                summary: #summary,
                description: #description,
                takes_token: #takes_token,
                hand_written: #hand_written,
                paging: #paging,
                params: &[#(#params),*],
                body: #body,
                success_media: &[#(#media),*],
            }
        });
    }
    let secrets = secret_properties(spec);
    Ok(quote! {
        crate::model::SurfaceModel {
            name: #name,
            command: #command,
            title: #title,
            description: #description,
            operations: &[#(#ops),*],
            secrets: &[#(#secrets),*],
        }
    })
}

fn param_tokens(spec: &openapiv3::OpenAPI, param: &openapiv3::Parameter) -> Option<TokenStream> {
    let (data, location) = match param {
        openapiv3::Parameter::Path { parameter_data, .. } => (parameter_data, quote!(Path)),
        openapiv3::Parameter::Query { parameter_data, .. } => (parameter_data, quote!(Query)),
        openapiv3::Parameter::Header { parameter_data, .. } => (parameter_data, quote!(Header)),
        openapiv3::Parameter::Cookie { .. } => return None,
    };
    let name = data.name.as_str();
    let flag = data.name.to_kebab_case();
    let required = data.required;
    let description = data.description.as_deref().unwrap_or_default().trim();
    let (kind, values, _) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => kind_of(spec, schema),
        ParameterSchemaOrContent::Content(_) => (quote!(Json), Vec::new(), false),
    };
    Some(quote! {
        crate::model::Param {
            name: #name,
            flag: #flag,
            location: crate::model::Location::#location,
            required: #required,
            kind: crate::model::Kind::#kind,
            values: &[#(#values),*],
            description: #description,
        }
    })
}

/// The body's media type and, for a JSON object, one field per top-level property.
fn body_fields(
    spec: &openapiv3::OpenAPI,
    body: &openapiv3::RequestBody,
) -> (String, Vec<TokenStream>) {
    let Some((media_type, media)) = body
        .content
        .get_key_value("application/json")
        .or_else(|| body.content.iter().next())
    else {
        return (String::new(), Vec::new());
    };
    let object = media
        .schema
        .as_ref()
        .and_then(|s| resolve_schema(spec, s))
        .and_then(|s| match &s.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some(object),
            _ => None,
        });
    let Some(object) = object.filter(|_| media_type == "application/json") else {
        return (media_type.clone(), Vec::new());
    };
    let fields = object
        .properties
        .iter()
        .map(|(name, schema)| {
            let flag = name.to_kebab_case();
            let required = object.required.contains(name);
            let (kind, values, secret) = kind_of(spec, schema);
            let description = resolve_schema(spec, schema)
                .and_then(|s| s.schema_data.description.as_deref())
                .unwrap_or_default()
                .trim();
            quote! {
                crate::model::Field {
                    name: #name,
                    flag: #flag,
                    required: #required,
                    kind: crate::model::Kind::#kind,
                    values: &[#(#values),*],
                    description: #description,
                    secret: #secret,
                }
            }
        })
        .collect();
    (media_type.clone(), fields)
}

/// The kind of a value on the command line, its enum values, and whether it is a secret.
fn kind_of<S: vmware_cpn_spec::load::AsSchema>(
    spec: &openapiv3::OpenAPI,
    schema: &ReferenceOr<S>,
) -> (TokenStream, Vec<String>, bool) {
    let Some(schema) = resolve_schema(spec, schema) else {
        return (quote!(Json), Vec::new(), false);
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => (
            quote!(String),
            s.enumeration.iter().flatten().cloned().collect(),
            is_password(&s.format),
        ),
        SchemaKind::Type(Type::Integer(_)) => (quote!(Integer), Vec::new(), false),
        SchemaKind::Type(Type::Number(_)) => (quote!(Number), Vec::new(), false),
        SchemaKind::Type(Type::Boolean(_)) => (quote!(Boolean), Vec::new(), false),
        SchemaKind::Type(Type::Array(array)) => {
            let item = array.items.as_ref().and_then(|i| resolve_schema(spec, i));
            match item.map(|i| &i.schema_kind) {
                Some(SchemaKind::Type(Type::String(s))) => (
                    quote!(StringList),
                    s.enumeration.iter().flatten().cloned().collect(),
                    false,
                ),
                Some(SchemaKind::Type(Type::Integer(_))) => {
                    (quote!(IntegerList), Vec::new(), false)
                }
                _ => (quote!(Json), Vec::new(), false),
            }
        }
        _ => (quote!(Json), Vec::new(), false),
    }
}

fn is_password(format: &VariantOrUnknownOrEmpty<StringFormat>) -> bool {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => true,
        VariantOrUnknownOrEmpty::Unknown(f) => f == "password",
        _ => false,
    }
}

/// Names of every component property marked `format: password`: `cpn` redacts them in any
/// answer it prints.
fn secret_properties(spec: &openapiv3::OpenAPI) -> Vec<String> {
    let mut names: Vec<String> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.values())
        .filter_map(|s| s.as_item())
        .filter_map(|s| match &s.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some(object),
            _ => None,
        })
        .flat_map(|object| object.properties.iter())
        .filter(|(_, schema)| {
            resolve_schema(spec, schema).is_some_and(|s| {
                matches!(&s.schema_kind, SchemaKind::Type(Type::String(s)) if is_password(&s.format))
            })
        })
        .map(|(name, _)| name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}
