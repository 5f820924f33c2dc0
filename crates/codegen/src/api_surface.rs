//! The compact API surface: one line per operation, so a reviewer sees at a glance what a
//! spec change does to the Rust API. A hand-written operation's line names why it is served by
//! hand; [`with_hand_written`] lists under it the methods the crate really serves it with, read
//! from the crate's sources, since the spec cannot say what they take.

use std::path::Path;

use heck::ToSnakeCase;
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};

use vmware_cpn_spec::load::{is_success, operations, resolve_parameter, resolve_response};
use vmware_cpn_spec::naming::{AsSchema, ref_type_name, type_name_of};

/// What follows a hand-written operation's id on its line, before the reason.
const HAND_WRITTEN_MARK: &str = ": hand-written (";

/// `METHOD path → fn name(params) → success type / error type`, one line per operation.
pub(crate) fn describe(spec: &OpenAPI) -> String {
    let mut out = String::new();
    for op in operations(spec) {
        let id = op.id();
        let mut params: Vec<String> = op
            .parameters()
            .filter_map(|p| resolve_parameter(spec, p))
            .map(|p| {
                let data = p.parameter_data_ref();
                let ty = match &data.format {
                    ParameterSchemaOrContent::Schema(schema) => type_name(schema, id),
                    ParameterSchemaOrContent::Content(_) => "String".to_owned(),
                };
                let ty = if data.required {
                    ty
                } else {
                    format!("Option<{ty}>")
                };
                let place = match p {
                    Parameter::Query { .. } => "query ",
                    Parameter::Header { .. } => "header ",
                    Parameter::Path { .. } => "",
                    Parameter::Cookie { .. } => "cookie ",
                };
                format!("{place}{}: {ty}", data.name.to_snake_case())
            })
            .collect();
        if let Some(ReferenceOr::Item(body)) = &op.operation.request_body {
            for (media, content) in &body.content {
                let ty = content
                    .schema
                    .as_ref()
                    .map(|s| type_name(s, &format!("{id}_body")))
                    .unwrap_or_else(|| "ByteStream".to_owned());
                let ty = if body.required {
                    ty
                } else {
                    format!("Option<{ty}>")
                };
                params.push(format!("body {media}: {ty}"));
            }
        }
        if let Some(reason) = op.hand_written() {
            out.push_str(&format!(
                "{} {} → {id}{HAND_WRITTEN_MARK}{reason})\n",
                op.method.to_uppercase(),
                op.path,
            ));
            continue;
        }
        let shape = format!(
            "{} / {}",
            response_type(spec, op.operation, id, true),
            response_type(spec, op.operation, id, false)
        );
        out.push_str(&format!(
            "{} {} → {id}({}) → {shape}\n",
            op.method.to_uppercase(),
            op.path,
            params.join(", "),
        ));
    }
    out
}

/// `surface_text` (`Generated::surface`) with, under each hand-written operation's line, the
/// signature of every `pub` method of an `impl Client` in `crate_src` (the crate's `src/`,
/// its `mock/` helpers aside) that serves it: the method named like the operation, or like it
/// with a suffix (`place_order_xml`). An operation no method serves is an error.
pub fn with_hand_written(surface_text: &str, crate_src: &Path) -> Result<String, String> {
    let methods = client_methods(crate_src)?;
    let mut out = String::new();
    for line in surface_text.lines() {
        out.push_str(line);
        out.push('\n');
        let Some(id) = line
            .split_once(HAND_WRITTEN_MARK)
            .and_then(|(head, _)| head.rsplit_once(" → "))
            .map(|(_, id)| id)
        else {
            continue;
        };
        let serving: Vec<&String> = methods
            .iter()
            .filter(|(name, _)| {
                name == id
                    || name
                        .strip_prefix(id)
                        .is_some_and(|rest| rest.starts_with('_'))
            })
            .map(|(_, signature)| signature)
            .collect();
        if serving.is_empty() {
            return Err(format!(
                "{}: no `pub fn {id}…` in an `impl Client` serves the hand-written `{id}`",
                crate_src.display()
            ));
        }
        for signature in serving {
            out.push_str(&format!("    {signature}\n"));
        }
    }
    Ok(out)
}

/// Name and one-line signature of each `pub` method of an `impl Client` under `dir`, in
/// file-name order.
fn client_methods(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    let mut methods = Vec::new();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "mock") {
                methods.extend(client_methods(&path)?);
            }
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for item in file.items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let syn::Type::Path(ty) = block.self_ty.as_ref() else {
                continue;
            };
            if block.trait_.is_some() || !ty.path.is_ident("Client") {
                continue;
            }
            for item in block.items {
                if let syn::ImplItem::Fn(method) = item
                    && matches!(method.vis, syn::Visibility::Public(_))
                {
                    methods.push((method.sig.ident.to_string(), one_line(&method.sig)));
                }
            }
        }
    }
    Ok(methods)
}

/// `async fn get_token(&self, client_id: &str) -> Result<…>`, as rustfmt would write it on
/// one line.
fn one_line(signature: &syn::Signature) -> String {
    let item: syn::TraitItemFn = syn::parse_quote!(#signature;);
    let file: syn::File = syn::parse_quote!(trait Client { #item });
    let text = prettyplease::unparse(&file);
    let body = text
        .trim()
        .strip_prefix("trait Client {")
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or(&text);
    body.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(", )", ")")
        .trim_end_matches(';')
        .to_owned()
}

/// The success (`success = true`) or error body type, as the generated method returns it.
fn response_type(
    spec: &OpenAPI,
    operation: &openapiv3::Operation,
    id: &str,
    success: bool,
) -> String {
    let mut types: Vec<String> = Vec::new();
    for (status, response) in &operation.responses.responses {
        if is_success(status) != success {
            continue;
        }
        let Some(response) = resolve_response(spec, response) else {
            continue;
        };
        let json = response
            .content
            .iter()
            .find(|(m, _)| vmware_cpn_spec::answer_check::is_json(m));
        let ty = match (json, response.content.is_empty()) {
            (Some((_, media)), _) => media
                .schema
                .as_ref()
                .map(|s| type_name(s, &format!("{id}_response")))
                .unwrap_or_else(|| "?".to_owned()),
            (None, true) => "()".to_owned(),
            (None, false) => format!(
                "ByteStream [{}]",
                response
                    .content
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if !types.contains(&ty) {
            types.push(ty);
        }
    }
    if types.is_empty() {
        "()".to_owned()
    } else {
        types.join(" | ")
    }
}

/// A Rust-like rendering of a schema's type; `inline_name` names inline objects the way
/// progenitor does.
fn type_name(schema: &ReferenceOr<impl AsSchema>, inline_name: &str) -> String {
    match schema {
        ReferenceOr::Reference { reference } => ref_type_name(reference),
        ReferenceOr::Item(schema) => inline_type_name(schema.as_schema(), inline_name),
    }
}

fn inline_type_name(schema: &Schema, inline_name: &str) -> String {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match &s.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
                "DateTime<Utc>".to_owned()
            }
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => "NaiveDate".to_owned(),
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => "Uuid".to_owned(),
            _ => "String".to_owned(),
        },
        SchemaKind::Type(Type::Integer(i)) => match &i.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => "i32".to_owned(),
            _ => "i64".to_owned(),
        },
        SchemaKind::Type(Type::Number(_)) => "f64".to_owned(),
        SchemaKind::Type(Type::Boolean(_)) => "bool".to_owned(),
        SchemaKind::Type(Type::Array(a)) => match &a.items {
            Some(items) => format!("Vec<{}>", type_name(items, &format!("{inline_name}_item"))),
            None => "Vec<Value>".to_owned(),
        },
        SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
            match &o.additional_properties {
                Some(openapiv3::AdditionalProperties::Schema(s)) => {
                    format!("Map<String, {}>", type_name(s.as_ref(), inline_name))
                }
                _ => "Map<String, Value>".to_owned(),
            }
        }
        _ => type_name_of(inline_name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "GET /a → get_a() → A / E\nPOST /order → place_order: hand-written (two media types)\n";

    fn crate_src(source: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("mock")).unwrap();
        std::fs::write(dir.path().join("orders.rs"), source).unwrap();
        // Helpers under mock/ are not the client's methods.
        std::fs::write(
            dir.path().join("mock/orders.rs"),
            "impl Client { pub fn place_order_mock(&self) {} }",
        )
        .unwrap();
        dir
    }

    #[test]
    fn hand_written_operations_show_the_methods_that_serve_them() {
        let dir = crate_src(
            "impl Client {\n pub async fn place_order(&self, order: &Order) -> Result<(), E> { todo!() }\n \
             pub fn place_order_xml(&self, order: &Order, pretty: bool) {}\n \
             fn place_order_private(&self) {}\n pub fn placed(&self) {}\n}\n",
        );
        let text = with_hand_written(TEXT, dir.path()).unwrap();
        assert_eq!(
            text,
            "GET /a → get_a() → A / E\n\
             POST /order → place_order: hand-written (two media types)\n    \
             async fn place_order(&self, order: &Order) -> Result<(), E>\n    \
             fn place_order_xml(&self, order: &Order, pretty: bool)\n"
        );
    }

    #[test]
    fn a_hand_written_operation_no_method_serves_is_an_error() {
        let dir = crate_src("impl Client { pub fn other(&self) {} }");
        let error = with_hand_written(TEXT, dir.path()).unwrap_err();
        assert!(
            error.contains("serves the hand-written `place_order`"),
            "{error}"
        );
    }
}
