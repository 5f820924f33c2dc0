//! A bad spec is an error naming the file and the place, never a panic.

use vmware_cpn_codegen::generate_from_str;
use vmware_cpn_spec::{SURFACES, Surface};

fn surface(name: &str) -> &'static Surface {
    SURFACES.iter().find(|s| s.name == name).unwrap()
}

fn core_spec() -> String {
    std::fs::read_to_string(vmware_cpn_spec::spec_path("cphub-core")).unwrap()
}

fn errors_of(surface_name: &str, text: &str) -> String {
    match generate_from_str(surface(surface_name), text) {
        Ok(_) => panic!("expected the spec to be rejected"),
        Err(errors) => errors.to_string(),
    }
}

/// The one-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn yaml_syntax_error_names_file_line_and_column() {
    let text = core_spec().replacen(
        "      summary: Create a tenant organization",
        "      summary: Create: a tenant organization",
        1,
    );
    let line = line_of(&text, "summary: Create: a tenant");
    let message = errors_of("cphub-core", &text);
    assert!(
        message.starts_with(&format!("specs/cphub-core.yaml:{line}:")),
        "{message}"
    );
    assert!(
        message.contains("mapping values are not allowed"),
        "{message}"
    );
}

#[test]
fn structure_error_names_file_and_line() {
    let text = core_spec().replacen("  version: \"1.0\"", "  version: [1, 0]", 1);
    let line = line_of(&text, "version: [1, 0]");
    let message = errors_of("cphub-core", &text);
    assert!(
        message.starts_with(&format!("specs/cphub-core.yaml:{line}:")),
        "{message}"
    );
}

#[test]
fn openapi_3_1_is_rejected_at_its_line() {
    let text = core_spec().replacen("openapi: 3.0.3", "openapi: 3.1.0", 1);
    let message = errors_of("cphub-core", &text);
    assert!(
        message.starts_with("specs/cphub-core.yaml:1:1: OpenAPI 3.1.0 is not supported"),
        "{message}"
    );
}

/// A spec with one extra operation appended under `paths`.
fn with_extra_operation(operation: &str) -> String {
    let text = core_spec();
    let at = text.find("components:\n").unwrap();
    format!("{}{operation}{}", &text[..at], &text[at..])
}

#[test]
fn default_beside_success_is_rejected_naming_the_operation_and_line() {
    let text = with_extra_operation(
        "  /extra:
    get:
      operationId: get_extra
      summary: x
      responses:
        \"200\":
          description: ok
        default:
          description: anything else
",
    );
    let line = line_of(&text, "        default:");
    let message = errors_of("cphub-core", &text);
    assert!(
        message.contains(&format!(
            "specs/cphub-core.yaml:{line}:9: GET /extra (get_extra): a `default` response"
        )),
        "{message}"
    );
}

#[test]
fn two_request_media_types_are_rejected_with_the_way_out() {
    let text = with_extra_operation(
        "  /extra:
    post:
      operationId: post_extra
      summary: x
      requestBody:
        content:
          application/json:
            schema:
              type: object
          application/xml:
            schema:
              type: string
      responses:
        \"204\":
          description: ok
",
    );
    let message = errors_of("cphub-core", &text);
    assert!(
        message.contains("POST /extra (post_extra): request body in 2 media types"),
        "{message}"
    );
    assert!(message.contains("x-hand-written"), "{message}");
}

#[test]
fn success_codes_with_different_bodies_are_rejected() {
    let text = with_extra_operation(
        "  /extra:
    get:
      operationId: get_extra
      summary: x
      responses:
        \"200\":
          description: ok
          content:
            application/json:
              schema:
                type: string
        \"204\":
          description: empty
",
    );
    let message = errors_of("cphub-core", &text);
    assert!(
        message.contains("GET /extra (get_extra): success responses have different bodies"),
        "{message}"
    );
}

#[test]
fn operation_id_rules() {
    let text = with_extra_operation(
        "  /extra:
    get:
      operationId: getExtra
      responses:
        \"204\":
          description: ok
    post:
      operationId: list_tenants
      responses:
        \"204\":
          description: ok
    put:
      responses:
        \"204\":
          description: ok
",
    );
    let message = errors_of("cphub-core", &text);
    assert!(
        message.contains("operationId `getExtra` is not snake_case"),
        "{message}"
    );
    assert!(
        message.contains("operationId `list_tenants` is used twice"),
        "{message}"
    );
    assert!(
        message.contains("PUT /extra (<no operationId>): operationId is missing"),
        "{message}"
    );
}

#[test]
fn inline_enum_is_rejected_at_its_place() {
    let text = core_spec().replacen(
        "        companyName:\n          type: string\n          description: The company the tenant",
        "        companyName:\n          type: string\n          enum: [A, B]\n          description: The company the tenant",
        1,
    );
    let message = errors_of("cphub-core", &text);
    assert!(
        message.contains(
            "inline enum at components > schemas > TenantCreate > properties > companyName"
        ),
        "{message}"
    );
    let line = line_of(&text, "enum: [A, B]") - 2;
    assert!(
        message.starts_with(&format!("specs/cphub-core.yaml:{line}:")),
        "{message}"
    );
}

#[test]
fn a_hand_written_operation_says_why() {
    let text = std::fs::read_to_string(vmware_cpn_spec::spec_path("cphub-support"))
        .unwrap()
        .replace(
            "x-hand-written: multipart/form-data request body",
            "x-hand-written: \"\"",
        );
    let message = errors_of("cphub-support", &text);
    let line = line_of(&text, "x-hand-written: \"\"");
    assert!(
        message.contains(&format!("specs/cphub-support.yaml:{line}:"))
            && message.contains("`x-hand-written` must say"),
        "{message}"
    );
}

#[test]
fn malformed_paging_is_an_error_at_its_place() {
    let spec = std::fs::read_to_string(vmware_cpn_spec::spec_path("cphub-support")).unwrap();
    for (from, to, expected) in [
        (
            "start: pageStart",
            "start: pageFirst",
            "`pageFirst`, which is not an integer query",
        ),
        (
            "items: supportTickets",
            "items: tickets",
            "items `tickets` is not an array property",
        ),
        (
            "default-limit: 100",
            "default-limit: 0",
            "default-limit is 0",
        ),
        ("style: offset", "style: cursor", "`x-paging` is malformed"),
    ] {
        let text = spec.replace(from, to);
        let message = errors_of("cphub-support", &text);
        let line = line_of(&text, "x-paging:");
        assert!(
            message.contains(&format!("specs/cphub-support.yaml:{line}:"))
                && message.contains(expected),
            "{to}: {message}"
        );
    }
}

#[test]
fn hand_written_operations_stay_in_the_surface_but_not_in_the_code() {
    let text = std::fs::read_to_string(vmware_cpn_spec::spec_path("cphub-support")).unwrap();
    let generated = generate_from_str(surface("cphub-support"), &text).unwrap();
    assert!(generated.surface.contains(
        "POST /cphub/api/support/v1/orgs/{orgId}/support-requests/{supportRequestId}/upload → upload_attachment: "
    ));
    assert!(
        generated
            .surface
            .contains("hand-written (multipart/form-data request body)")
    );
    assert!(!generated.code.contains("fn upload_attachment"));
    assert!(generated.code.contains("fn get_support_request"));
}

#[test]
fn unknown_surface_is_an_error() {
    let message = vmware_cpn_codegen::generate("nope")
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("specs/nope.yaml: unknown surface `nope`"),
        "{message}"
    );
}

#[test]
fn property_named_extra_is_rejected() {
    let text = core_spec().replacen(
        "        tag:\n          type: string\n          description: A unique identifier",
        "        extra:\n          type: string\n        tag:\n          type: string\n          description: A unique identifier",
        1,
    );
    let message = errors_of("cphub-core", &text);
    assert!(
        message.contains("schema TenantCreate: a property named `extra` collides"),
        "{message}"
    );
}

#[test]
fn property_named_extra_in_an_inline_object_is_rejected_at_its_place() {
    let text = std::fs::read_to_string(vmware_cpn_spec::spec_path("vcpp"))
        .unwrap()
        .replacen(
            "            ID:\n              type: string\n",
            "            ID:\n              type: string\n            extra:\n              type: string\n",
            1,
        );
    let message = errors_of("vcpp", &text);
    assert!(
        message.contains("schema Order.properties.resellerInfo: a property named `extra`"),
        "{message}"
    );
    assert!(message.starts_with("specs/vcpp.yaml:"), "{message}");
}
