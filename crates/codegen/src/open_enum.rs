//! The Rust code of the open enums the spec crate finds ([`vmware_cpn_spec::open_enum`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use vmware_cpn_spec::open_enum::{OpenEnum, UNKNOWN};

/// Traits the generated open enums implement, as progenitor needs to know them.
pub const IMPLS: &[progenitor::TypeImpl] = &[
    progenitor::TypeImpl::Display,
    progenitor::TypeImpl::FromStr,
    progenitor::TypeImpl::FromStringIrrefutable,
];

/// The enum, its conversions and its serde impls.
pub fn tokens(open: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", open.type_name);
    let unknown = format_ident!("{}", UNKNOWN);
    let doc = open
        .description
        .clone()
        .unwrap_or_else(|| format!("`{}` values.", open.schema_name));
    let doc_forward = format!(
        "Forward compatible: a value the server adds later deserializes into \
         [`{}::{UNKNOWN}`] and serializes back unchanged.",
        open.type_name
    );
    let doc_unknown = format!(
        "A value this version of the SDK does not know; kept verbatim so it \
         survives a round trip. Known values: {}.",
        open.variants
            .iter()
            .map(|(v, _)| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let idents: Vec<_> = open
        .variants
        .iter()
        .map(|(_, v)| format_ident!("{}", v))
        .collect();
    let values: Vec<_> = open.variants.iter().map(|(v, _)| v.as_str()).collect();
    let variant_docs: Vec<_> = values.iter().map(|v| format!("`{v}`")).collect();
    quote! {
        #[doc = #doc]
        ///
        #[doc = #doc_forward]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        // A value the spec adds later becomes a variant; matches outside the crate keep
        // compiling because they already need a wildcard arm.
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #idents, )*
            #[doc = #doc_unknown]
            #unknown(::std::string::String),
        }

        impl #name {
            /// Every value the spec documents, in spec order.
            pub const KNOWN: &'static [&'static str] = &[#(#values),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #values, )*
                    Self::#unknown(value) => value.as_str(),
                }
            }

            /// Whether this is a value the spec does not document.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#idents, )*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#idents, )*
                    _ => Self::#unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::std::string::String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
