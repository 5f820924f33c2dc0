//! The command-line model of the six specs, generated at build time by
//! `vmware_cpn_codegen::cli_model` (see `build.rs`): every operation with its parameters and body fields.

/// One spec, as a `cpn` subcommand group.
#[derive(Debug)]
pub struct SurfaceModel {
    /// The spec's file stem, such as `cphub-core`.
    pub name: &'static str,
    /// The subcommand, such as `core`.
    pub command: &'static str,
    /// The spec's title.
    pub title: &'static str,
    /// The spec's description.
    pub description: &'static str,
    /// Every operation, hand-written ones included.
    pub operations: &'static [Op],
    /// Properties marked `format: password`: redacted in every answer printed.
    pub secrets: &'static [&'static str],
    /// Properties the spec marks as times (see `vmware_cpn_codegen::cli_model`'s time rule):
    /// tables show them as UTC dates.
    pub times: &'static [(&'static str, TimeUnit)],
}

/// One operation of a spec.
#[derive(Debug)]
pub struct Op {
    /// The `operationId`.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// The spec's summary.
    pub summary: &'static str,
    /// The spec's description.
    pub description: &'static str,
    /// Whether it takes the provider's token.
    pub takes_token: bool,
    /// Served by hand-written code in the client crate (the spec's `x-hand-written`).
    pub hand_written: bool,
    /// How its answers page (the spec's `x-paging`), if they do: `--all` follows it.
    pub paging: Option<Paging>,
    /// Path, query and header parameters.
    pub params: &'static [Param],
    /// The request body, if any.
    pub body: Option<Body>,
    /// Media types of its success answers.
    pub success_media: &'static [&'static str],
    /// The default table columns of its list answer (see `vmware_cpn_codegen::cli_model`'s
    /// column rule); empty when the spec gives no list item schema.
    pub columns: &'static [&'static str],
}

/// An operation's offset paging, as its spec's `x-paging` declares it.
#[derive(Debug)]
pub struct Paging {
    /// The query parameter of a page's 1-based start.
    pub start: &'static str,
    /// The query parameter of a page's size.
    pub limit: &'static str,
    /// The answer's property holding a page's items (a bare array answer is the items).
    pub items: &'static str,
    /// The page size the service uses when none is asked for.
    pub default_limit: i32,
}

impl Paging {
    /// The items of one page's answer, or `None` when it holds none where the spec says.
    pub fn items_of(&self, page: serde_json::Value) -> Option<Vec<serde_json::Value>> {
        match page {
            serde_json::Value::Array(items) => Some(items),
            serde_json::Value::Object(mut fields) => match fields.remove(self.items)? {
                serde_json::Value::Array(items) => Some(items),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A path, query or header parameter.
#[derive(Debug)]
pub struct Param {
    /// The name the API uses.
    pub name: &'static str,
    /// The `--flag`.
    pub flag: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Whether the spec requires it.
    pub required: bool,
    /// How to read it.
    pub kind: Kind,
    /// Enum values, if any.
    pub values: &'static [&'static str],
    /// The spec's description.
    pub description: &'static str,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
}

/// How a value given on the command line becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A repeated flag, a list of strings.
    StringList,
    /// A repeated flag, a list of integers.
    IntegerList,
    /// A JSON value given as text.
    Json,
    /// A date or time: taken as RFC 3339, `YYYY-MM-DD`, `YYYY-MM` or epoch seconds or
    /// milliseconds, and sent in this unit.
    Time(TimeUnit),
}

/// How the API writes a date or time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Seconds since the UNIX epoch, an integer.
    EpochSeconds,
    /// Milliseconds since the UNIX epoch, an integer.
    EpochMillis,
    /// An epoch integer whose unit the spec does not give: read by its size (answers only).
    EpochGuess,
    /// An RFC 3339 date-time string (`format: date-time`).
    Rfc3339,
    /// An HTTP date (RFC 9110 IMF-fixdate), `Fri, 11 Nov 2016 20:34:35 GMT`.
    HttpDate,
}

impl TimeUnit {
    /// Whether the value is a JSON string (else an integer).
    pub fn is_text(self) -> bool {
        matches!(self, TimeUnit::Rfc3339 | TimeUnit::HttpDate)
    }
}

/// A request body.
#[derive(Debug)]
pub struct Body {
    /// Whether the spec requires it.
    pub required: bool,
    /// Its media type (the JSON one when there are several).
    pub media_type: &'static str,
    /// The top-level properties of a JSON object body.
    pub fields: &'static [Field],
}

/// A top-level property of a JSON body.
#[derive(Debug)]
pub struct Field {
    /// The property name.
    pub name: &'static str,
    /// The `--flag`.
    pub flag: &'static str,
    /// Whether the schema requires it.
    pub required: bool,
    /// How to read it.
    pub kind: Kind,
    /// Enum values, if any.
    pub values: &'static [&'static str],
    /// The schema's description.
    pub description: &'static str,
    /// `format: password`: never taken on the command line.
    pub secret: bool,
}

include!(concat!(env!("OUT_DIR"), "/cli_model.rs"));

/// The parameter that defaults to the configured organization.
pub const ORG_PARAM: &str = "orgId";

impl Op {
    /// The subcommand: the operation id in kebab case.
    pub fn command(&self) -> String {
        self.id.replace('_', "-")
    }

    /// Whether the success answer is something other than JSON (a CSV download).
    pub fn raw_answer(&self) -> bool {
        !self.success_media.is_empty()
            && self
                .success_media
                .iter()
                .all(|m| !m.contains("json") && !m.contains("xml"))
    }

    /// The tenant filter, when the operation takes one: `--all-tenants` fans out over it,
    /// unless the API has an `allTenants` of its own (billing's subscriptions), which then
    /// owns the flag: the service does the fan-out itself.
    pub fn tenant_param(&self) -> Option<&'static Param> {
        if self.params.iter().any(|p| p.flag == "all-tenants") {
            return None;
        }
        self.params
            .iter()
            .find(|p| p.location == Location::Query && matches!(p.name, "tenantId" | "tenant_id"))
    }
}

/// The surface whose subcommand is `command`.
pub fn surface(command: &str) -> Option<&'static SurfaceModel> {
    SURFACES.iter().find(|s| s.command == command)
}

/// The operation `id` of a surface.
pub fn operation(surface: &'static SurfaceModel, id: &str) -> Option<&'static Op> {
    surface.operations.iter().find(|o| o.id == id)
}
