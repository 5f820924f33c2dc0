//! The command-line model of every spec: one entry per operation with its parameters, its
//! JSON body's top-level fields, its help text and whether it is served by hand. The `cpn`
//! crate's `build.rs` writes it to `OUT_DIR`, and `cpn` builds its clap commands from it, so
//! a spec change changes the CLI (and its `--help` snapshot) in the same diff.
//!
//! The generated code names types of the including crate (`crate::model::…`): `Op`, `Param`,
//! `Body`, `Field`, `Kind`, `TimeUnit`, `Location` and `SurfaceModel`.
//!
//! **The time rule** (the specs carry no vendor extension for it; every date `cpn` reads or
//! shows is found by this one rule, [`time_unit`]):
//! - a string with `format: date-time` is an RFC 3339 time;
//! - a string named `If-Modified-Since` (any case; the HTTP header's name, in the query too)
//!   or described as an "HTTP date" is an RFC 9110 HTTP date (`Fri, 11 Nov 2016 20:34:35 GMT`);
//! - an integer whose description (the parameter's or the schema's) says "epoch" is an epoch
//!   time: in milliseconds when it says "milliseconds since", in seconds when it says "seconds
//!   since". When it names no unit (billing's `startTime`/`endTime`), a parameter is sent in
//!   the unit of the guides' examples: milliseconds for an operation answering a file (the CSV
//!   usage report), seconds for one answering JSON (the JSON usage report). An answer's
//!   property of no stated unit is read by its size (see `TimeUnit::EpochGuess`).
//!
//! **The column rule** ([`default_columns`]): a list's table shows, of the list item schema's
//! scalar properties (string, integer, number, boolean; never objects or arrays): its
//! identity (`id`, else the first property ending in `Id`/`_id`), its names (`name`,
//! `displayName`, `title`, `subject`; else the first ending in `Name`), its status (`status`
//! or ending in `Status`; `state` or ending in `State` only when an enum, so an address's
//! state is not one), its type (`type`, `kind`, or ending in `Type`/`Kind`), then the others
//! in the schema's declared order, at most [`MAX_COLUMNS`] in all. The item schema is the
//! JSON success answer's array items, or those of the object answer's `x-paging` items
//! property, or of its one array property.

use heck::ToKebabCase;
use openapiv3::{
    ParameterSchemaOrContent, ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use proc_macro2::TokenStream;
use quote::ToTokens;
use quote::{format_ident, quote};

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
    // Unformatted: rustc alone reads it (a build script's output).
    Ok(file.into_token_stream().to_string())
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
        let file_answer = answers_a_file(spec, &op.operation.responses);
        let params = op
            .parameters()
            .filter_map(|p| resolve_parameter(spec, p))
            .filter_map(|p| param_tokens(spec, p, file_answer));
        let paging_items = op
            .paging(loaded)
            .map_err(SpecErrors::single)?
            .map(|p| p.items.clone());
        let columns = default_columns(spec, &op.operation.responses, paging_items.as_deref());
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
                columns: &[#(#columns),*],
            }
        });
    }
    let secrets = secret_properties(spec);
    let times = time_properties(spec).into_iter().map(|(name, unit)| {
        let unit = format_ident!("{unit}");
        quote!((#name, crate::model::TimeUnit::#unit))
    });
    Ok(quote! {
        crate::model::SurfaceModel {
            name: #name,
            command: #command,
            title: #title,
            description: #description,
            operations: &[#(#ops),*],
            secrets: &[#(#secrets),*],
            times: &[#(#times),*],
        }
    })
}

fn param_tokens(
    spec: &openapiv3::OpenAPI,
    param: &openapiv3::Parameter,
    file_answer: bool,
) -> Option<TokenStream> {
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
        ParameterSchemaOrContent::Schema(schema) => {
            let unspecified = if file_answer {
                "EpochMillis"
            } else {
                "EpochSeconds"
            };
            match resolve_schema(spec, schema)
                .and_then(|s| time_unit(s, name, description, unspecified))
            {
                Some(unit) => {
                    let unit = format_ident!("{unit}");
                    (
                        quote!(Time(crate::model::TimeUnit::#unit)),
                        Vec::new(),
                        false,
                    )
                }
                None => kind_of(spec, schema),
            }
        }
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
            let description = resolve_schema(spec, schema)
                .and_then(|s| s.schema_data.description.as_deref())
                .unwrap_or_default()
                .trim();
            let (kind, values, secret) = match resolve_schema(spec, schema)
                .and_then(|s| time_unit(s, name, "", "EpochSeconds"))
            {
                Some(unit) => {
                    let unit = format_ident!("{unit}");
                    (
                        quote!(Time(crate::model::TimeUnit::#unit)),
                        Vec::new(),
                        false,
                    )
                }
                None => kind_of(spec, schema),
            };
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

/// Every property of the spec's component object schemas, with its schema.
fn component_properties(
    spec: &openapiv3::OpenAPI,
) -> impl Iterator<Item = (&String, &ReferenceOr<Box<openapiv3::Schema>>)> {
    spec.components
        .iter()
        .flat_map(|c| c.schemas.values())
        .filter_map(|s| s.as_item())
        .filter_map(|s| match &s.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some(object),
            _ => None,
        })
        .flat_map(|object| object.properties.iter())
}

/// Names of every component property marked `format: password`: `cpn` redacts them in any
/// answer it prints.
fn secret_properties(spec: &openapiv3::OpenAPI) -> Vec<String> {
    let mut names: Vec<String> = component_properties(spec)
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

/// At most this many columns in a list's default table.
pub const MAX_COLUMNS: usize = 8;

/// The time rule (see the module's documentation): the `crate::model::TimeUnit` variant of a
/// schema named `name` and described by `description` (beside its own description), if it is
/// a time; `unspecified` is the variant of an epoch integer that names no unit.
pub fn time_unit(
    schema: &openapiv3::Schema,
    name: &str,
    description: &str,
    unspecified: &'static str,
) -> Option<&'static str> {
    let text = format!(
        "{description} {}",
        schema
            .schema_data
            .description
            .as_deref()
            .unwrap_or_default()
    )
    .to_lowercase();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if matches!(
                s.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime)
            ) {
                Some("Rfc3339")
            } else if name.eq_ignore_ascii_case("if-modified-since") || text.contains("http date") {
                Some("HttpDate")
            } else {
                None
            }
        }
        SchemaKind::Type(Type::Integer(_)) if text.contains("epoch") => {
            if text.contains("milliseconds since") {
                Some("EpochMillis")
            } else if text.contains("seconds since") {
                Some("EpochSeconds")
            } else {
                Some(unspecified)
            }
        }
        _ => None,
    }
}

/// Whether the operation's success answers are files (no JSON or XML media type).
fn answers_a_file(spec: &openapiv3::OpenAPI, responses: &openapiv3::Responses) -> bool {
    let media: Vec<&String> = responses
        .responses
        .iter()
        .filter(|(status, _)| is_success(status))
        .filter_map(|(_, r)| resolve_response(spec, r))
        .flat_map(|r| r.content.keys())
        .collect();
    !media.is_empty()
        && media
            .iter()
            .all(|m| !m.contains("json") && !m.contains("xml"))
}

/// Every component property that is a time by the time rule, with its unit, by name.
fn time_properties(spec: &openapiv3::OpenAPI) -> Vec<(String, &'static str)> {
    let mut times: Vec<(String, &'static str)> = component_properties(spec)
        .filter_map(|(name, schema)| {
            let unit = time_unit(resolve_schema(spec, schema)?, name, "", "EpochGuess")?;
            Some((name.clone(), unit))
        })
        .collect();
    times.sort();
    times.dedup_by(|a, b| a.0 == b.0);
    times
}

/// The column rule (see the module's documentation): the default columns of the operation's
/// list answer, or none when it has no list item schema.
pub fn default_columns(
    spec: &openapiv3::OpenAPI,
    responses: &openapiv3::Responses,
    paging_items: Option<&str>,
) -> Vec<String> {
    let Some(item) = list_item(spec, responses, paging_items) else {
        return Vec::new();
    };
    let SchemaKind::Type(Type::Object(object)) = &item.schema_kind else {
        return Vec::new();
    };
    let scalars: Vec<(&str, bool)> = object
        .properties
        .iter()
        .filter_map(
            |(name, schema)| match &resolve_schema(spec, schema)?.schema_kind {
                SchemaKind::Type(Type::String(s)) => {
                    Some((name.as_str(), !s.enumeration.is_empty()))
                }
                SchemaKind::Type(Type::Integer(_) | Type::Number(_) | Type::Boolean(_)) => {
                    Some((name.as_str(), false))
                }
                _ => None,
            },
        )
        .collect();
    let mut chosen: Vec<&str> = Vec::new();
    let ends = |name: &str, suffix: &str| name.len() > suffix.len() && name.ends_with(suffix);
    let identity = scalars.iter().find(|(n, _)| *n == "id").or_else(|| {
        scalars
            .iter()
            .find(|(n, _)| ends(n, "Id") || ends(n, "_id"))
    });
    chosen.extend(identity.map(|(n, _)| *n));
    let names: Vec<&str> = scalars
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| matches!(*n, "name" | "displayName" | "title" | "subject"))
        .collect();
    if names.is_empty() {
        chosen.extend(scalars.iter().map(|(n, _)| *n).find(|n| ends(n, "Name")));
    } else {
        chosen.extend(names);
    }
    for (name, is_enum) in &scalars {
        let status = *name == "status"
            || ends(name, "Status")
            || (*is_enum && (*name == "state" || ends(name, "State")));
        if status && !chosen.contains(name) {
            chosen.push(name);
        }
    }
    for (name, _) in &scalars {
        let kind = matches!(*name, "type" | "kind") || ends(name, "Type") || ends(name, "Kind");
        if kind && !chosen.contains(name) {
            chosen.push(name);
        }
    }
    for (name, _) in &scalars {
        if !chosen.contains(name) {
            chosen.push(name);
        }
    }
    chosen.truncate(MAX_COLUMNS);
    chosen.into_iter().map(str::to_owned).collect()
}

/// The schema of one item of the operation's JSON list answer.
fn list_item<'a>(
    spec: &'a openapiv3::OpenAPI,
    responses: &'a openapiv3::Responses,
    paging_items: Option<&str>,
) -> Option<&'a openapiv3::Schema> {
    let schema = responses
        .responses
        .iter()
        .filter(|(status, _)| is_success(status))
        .filter_map(|(_, r)| resolve_response(spec, r))
        .flat_map(|r| r.content.iter())
        .find(|(media, _)| media.contains("json"))
        .and_then(|(_, media)| resolve_schema(spec, media.schema.as_ref()?))?;
    let items_of = |schema: &'a openapiv3::Schema| match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => resolve_schema(spec, array.items.as_ref()?),
        _ => None,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(_)) => items_of(schema),
        SchemaKind::Type(Type::Object(object)) => {
            if let Some(items) = paging_items.and_then(|n| object.properties.get(n)) {
                return items_of(resolve_schema(spec, items)?);
            }
            let mut arrays = object
                .properties
                .values()
                .filter_map(|p| resolve_schema(spec, p))
                .filter(|p| matches!(p.schema_kind, SchemaKind::Type(Type::Array(_))));
            let first = arrays.next()?;
            if arrays.next().is_some() {
                return None;
            }
            items_of(first)
        }
        _ => None,
    }
}
