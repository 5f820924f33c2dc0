//! `stream()` and `stream_in_pages_of(n)` on the builder of every operation the spec marks
//! `x-paging`, walking the runtime's offset pages. progenitor pages only Dropshot's token
//! style, so the methods are written here, from the extension and from the code progenitor
//! generated (the builder's setters, its `send`'s types, the answer's fields), and added to
//! the `builder` module.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, GenericArgument, Item, PathArguments, Type};

use vmware_cpn_spec::load::operations;
use vmware_cpn_spec::{LoadedSpec, Paging, SpecError, SpecErrors};

/// Adds the paging methods of every `x-paging` operation to `file`'s `builder` module.
pub(crate) fn add(loaded: &LoadedSpec, file: &mut syn::File) -> Result<(), SpecErrors> {
    let mut impls = Vec::new();
    for op in operations(&loaded.spec) {
        let Some(paging) = op.paging(loaded).map_err(SpecErrors::single)? else {
            continue;
        };
        if op.hand_written().is_some() {
            continue;
        }
        let at = |message: String| {
            SpecErrors::single(loaded.error_at(
                &[
                    "paths",
                    op.path,
                    op.method,
                    vmware_cpn_spec::extensions::PAGING,
                ],
                format!("{}: {message}", op.label()),
            ))
        };
        impls.push(paging_impl(file, op.id(), &paging).map_err(at)?);
    }
    if impls.is_empty() {
        return Ok(());
    }
    let builder = module_items(file, "builder").ok_or_else(|| {
        SpecErrors::single(SpecError::without_location(
            loaded.file.clone(),
            "progenitor produced no `builder` module",
        ))
    })?;
    for tokens in impls {
        let item: syn::File = syn::parse2(tokens).map_err(|e| {
            SpecErrors::single(SpecError::without_location(
                loaded.file.clone(),
                format!("the paging methods do not parse: {e}"),
            ))
        })?;
        builder.extend(item.items);
    }
    Ok(())
}

fn paging_impl(file: &syn::File, id: &str, paging: &Paging) -> Result<TokenStream, String> {
    let builder_name = id.to_upper_camel_case();
    let builder = find_in(file, "builder", |item| match item {
        Item::Impl(block) if self_type_is(&block.self_ty, &builder_name) => Some(block.clone()),
        _ => None,
    })
    .ok_or_else(|| format!("progenitor generated no builder `{builder_name}`"))?;
    let method = |name: &str| {
        builder.items.iter().find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f.clone()),
            _ => None,
        })
    };
    let setters = [&paging.start, &paging.limit].map(|param| {
        let setter = param.to_snake_case();
        method(&setter)
            .map(|_| format_ident!("{setter}"))
            .ok_or_else(|| {
                format!("builder `{builder_name}` has no setter `{setter}` for `{param}`")
            })
    });
    let [start, limit] = setters;
    let (start, limit) = (start?, limit?);
    let send = method("send").ok_or_else(|| format!("builder `{builder_name}` has no `send`"))?;
    let (answer, error) = send_types(&send.sig.output).ok_or_else(|| {
        format!("`{builder_name}::send` does not return Result<ResponseValue<_>, _>")
    })?;
    let answer_name = last_segment(&answer)
        .ok_or_else(|| format!("`{builder_name}::send` answers no named type"))?;
    let (item, extract) = items_of(file, &answer_name, &paging.items)?;
    let item = in_builder(file, item);
    let default_limit = proc_macro2::Literal::i32_unsuffixed(paging.default_limit);
    let start_param = &paging.start;
    let limit_param = &paging.limit;
    let doc_stream = format!(
        " Every item this request finds, fetched as the stream is read in pages of \
         [`Self::DEFAULT_PAGE_LIMIT`] (`{limit_param}`), the service's default."
    );
    let doc_pages = [
        format!(
            " As [`stream`](Self::stream), in pages of `page_limit` items (at least 1); this \
             replaces any `{start_param}` and `{limit_param}` set on the request."
        ),
        String::new(),
        format!(
            " `{start_param}` is the 1-based index of a page's first item. Paging stops after a \
             page shorter than `page_limit`, an empty one included. A failed page is yielded as \
             an error item, and the stream ends there."
        ),
    ];
    let builder_ident = format_ident!("{builder_name}");
    Ok(quote! {
        impl<'a> #builder_ident<'a> {
            /// The page size the service uses when none is asked for (the spec's `x-paging`).
            pub const DEFAULT_PAGE_LIMIT: i32 = #default_limit;

            #[doc = #doc_stream]
            pub fn stream(
                self,
            ) -> impl ::vmware_cpn_runtime::paging::Stream<Item = ::std::result::Result<#item, #error>> + Unpin + 'a
            {
                self.stream_in_pages_of(Self::DEFAULT_PAGE_LIMIT)
            }

            #(#[doc = #doc_pages])*
            pub fn stream_in_pages_of(
                self,
                page_limit: i32,
            ) -> impl ::vmware_cpn_runtime::paging::Stream<Item = ::std::result::Result<#item, #error>> + Unpin + 'a
            {
                ::std::boxed::Box::pin(::vmware_cpn_runtime::paging::offset_pages(
                    page_limit,
                    move |start, limit| {
                        let page = self.clone().#start(start).#limit(limit).send();
                        async move {
                            page.await.map(|answer| {
                                let page: #answer = answer.into_inner();
                                #extract
                            })
                        }
                    },
                ))
            }
        }
    })
}

/// The item type and an expression taking `page` (the answer) to its `Vec` of items.
fn items_of(file: &syn::File, answer: &str, items: &str) -> Result<(Type, TokenStream), String> {
    let field = format_ident!("{}", items.to_snake_case());
    let found = find_in(file, "types", |item| match item {
        Item::Struct(s) if s.ident == answer => Some(Item::Struct(s.clone())),
        Item::Enum(e) if e.ident == answer => Some(Item::Enum(e.clone())),
        _ => None,
    })
    .ok_or_else(|| format!("the answer type `{answer}` is not in the generated types"))?;
    match found {
        Item::Struct(s) => {
            let (item, take) = field_items(&s, &field).ok_or_else(|| {
                format!("`{answer}` has no `{field}: Vec<_>` field for `{items}`")
            })?;
            Ok((item, quote!(page #take)))
        }
        Item::Enum(e) => {
            let answer_ident_plain = format_ident!("{answer}");
            let answer_ident = quote!(types::#answer_ident_plain);
            let mut arms = Vec::new();
            let mut item_type = None;
            for variant in &e.variants {
                let variant_ident = &variant.ident;
                let form = match &variant.fields {
                    Fields::Unnamed(f) if f.unnamed.len() == 1 => last_segment(&f.unnamed[0].ty),
                    _ => None,
                }
                .ok_or_else(|| format!("`{answer}::{variant_ident}` holds no one named form"))?;
                let form_struct = find_in(file, "types", |item| match item {
                    Item::Struct(s) if s.ident == form => Some(s.clone()),
                    _ => None,
                })
                .ok_or_else(|| format!("the form `{form}` of `{answer}` is not generated"))?;
                let (item, take) = match &form_struct.fields {
                    // A bare array form: the items themselves.
                    Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                        vec_item(&f.unnamed[0].ty).map(|item| (item, quote!(.0)))
                    }
                    _ => field_items(&form_struct, &field),
                }
                .ok_or_else(|| format!("the form `{form}` of `{answer}` holds no items"))?;
                item_type.get_or_insert(item);
                arms.push(quote!(#answer_ident::#variant_ident(form) => form #take,));
            }
            let item = item_type.ok_or_else(|| format!("`{answer}` has no forms"))?;
            Ok((item, quote!(match page { #(#arms)* })))
        }
        _ => Err(format!("`{answer}` is neither a struct nor an enum")),
    }
}

/// The item type of a struct's `Vec` (or optional `Vec`) field, and how to take it.
fn field_items(s: &syn::ItemStruct, field: &syn::Ident) -> Option<(Type, TokenStream)> {
    let ty = &s
        .fields
        .iter()
        .find(|f| f.ident.as_ref() == Some(field))?
        .ty;
    if let Some(item) = vec_item(ty) {
        return Some((item, quote!(.#field)));
    }
    let inner = generic_argument(ty, "Option")?;
    vec_item(&inner).map(|item| (item, quote!(.#field.unwrap_or_default())))
}

/// `ty` as the builder module names it: a type of the generated `types` module, written there
/// bare, is `types::…` from the builders.
fn in_builder(file: &syn::File, ty: Type) -> Type {
    let Type::Path(path) = &ty else { return ty };
    let local = path.qself.is_none()
        && path.path.leading_colon.is_none()
        && path.path.segments.len() == 1
        && find_in(file, "types", |item| match item {
            Item::Struct(s) if s.ident == path.path.segments[0].ident => Some(()),
            Item::Enum(e) if e.ident == path.path.segments[0].ident => Some(()),
            _ => None,
        })
        .is_some();
    if !local {
        return ty;
    }
    let name = &path.path.segments[0].ident;
    syn::parse_quote!(types::#name)
}

fn vec_item(ty: &Type) -> Option<Type> {
    generic_argument(ty, "Vec")
}

/// `T` of a type whose last path segment is `name<T>`.
fn generic_argument(ty: &Type, name: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    }
}

/// `A` and `E` of `Result<ResponseValue<A>, E>`.
fn send_types(output: &syn::ReturnType) -> Option<(Type, Type)> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(path) = ty.as_ref() else {
        return None;
    };
    let segment = path.path.segments.last()?;
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    });
    let (value, error) = (types.next()?, types.next()?);
    Some((generic_argument(&value, "ResponseValue")?, error))
}

fn last_segment(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn self_type_is(ty: &Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|last| last == name)
}

fn find_in<T>(file: &syn::File, module: &str, pick: impl Fn(&Item) -> Option<T>) -> Option<T> {
    file.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == module => m.content.as_ref()?.1.iter().find_map(&pick),
        _ => None,
    })
}

fn module_items<'f>(file: &'f mut syn::File, module: &str) -> Option<&'f mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == module => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}
