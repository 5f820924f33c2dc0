//! The Rust-level contract of the generated types: every struct with named fields is
//! `#[non_exhaustive]`, so a property the spec adds later is a minor release, not a break of
//! every user's struct literal. Users build them with progenitor's builders
//! (`Type::builder()`) or read them from answers; the crate itself still writes literals.

/// Marks every struct with named fields directly in `types` (not the builders in
/// `types::builder`, whose fields are private already).
pub fn mark(types: &mut [syn::Item]) {
    for item in types {
        if let syn::Item::Struct(item) = item
            && matches!(item.fields, syn::Fields::Named(_))
            && !item
                .attrs
                .iter()
                .any(|a| a.path().is_ident("non_exhaustive"))
        {
            item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
}
