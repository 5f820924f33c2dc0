//! Rewrites how each generated `send` builds its request, which progenitor does with more
//! work per call than the request needs:
//! - its URL: `format!("{}/orgs/{}", client.baseurl, encode_path(&org_id.to_string()))`, two
//!   strings and a formatting pass per parameter, becomes one string with each parameter
//!   percent-encoded straight into it (`vmware_cpn_runtime::push_path_segment`, the same
//!   encoding). A URL built any other way (a new progenitor) is a generation error;
//! - its fixed headers (`api-version`): appended to a `HeaderMap` of their own, then merged
//!   into the request's, they become `.header(…)` calls on the request itself. Headers
//!   appended conditionally (optional parameters) keep progenitor's form.

use syn::punctuated::Punctuated;

/// Room reserved per parameter, beyond the path's own text: a UUID, the ids' usual form.
const PARAMETER_ROOM: usize = 36;

/// Rewrites the URL and the fixed headers of a `send` body.
pub(crate) fn rewrite(block: &mut syn::Block) -> Result<(), String> {
    rewrite_url(block)?;
    rewrite_fixed_headers(block);
    Ok(())
}

/// Rewrites the `let url = format!(…);` of a `send` body.
fn rewrite_url(block: &mut syn::Block) -> Result<(), String> {
    let url = block
        .stmts
        .iter_mut()
        .find_map(|stmt| match stmt {
            syn::Stmt::Local(local) if binds(local, "url") => local.init.as_mut(),
            _ => None,
        })
        .ok_or("a `send` without progenitor's `let url`")?;
    let syn::Expr::Macro(format) = url.expr.as_ref() else {
        return Err("a `let url` that is not a `format!`".into());
    };
    if !format.mac.path.is_ident("format") {
        return Err("a `let url` that is not a `format!`".into());
    }
    let args = format
        .mac
        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .map_err(|e| format!("a `let url = format!` that does not parse: {e}"))?;
    let mut args = args.into_iter();
    let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    })) = args.next()
    else {
        return Err("a `let url = format!` without its template".into());
    };
    let template = template.value();
    let base: syn::Expr = syn::parse_quote!(client.baseurl);
    if args.next().as_ref() != Some(&base) {
        return Err(format!(
            "the URL `{template}` does not start at `client.baseurl`"
        ));
    }
    let values = args.map(parameter).collect::<Result<Vec<_>, _>>()?;
    // "{}" (the base), then the path's text between the parameters' "{}"s.
    let texts: Vec<&str> = template.split("{}").collect();
    if texts.first() != Some(&"")
        || texts.len() != values.len() + 2
        || texts.iter().any(|text| text.contains(['{', '}']))
    {
        return Err(format!(
            "the URL template `{template}` does not fit its {} parameters",
            values.len()
        ));
    }
    let texts = &texts[1..];
    let room = texts.iter().map(|text| text.len()).sum::<usize>() + PARAMETER_ROOM * values.len();
    let mut pushes: Vec<syn::Stmt> = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        if !text.is_empty() {
            pushes.push(syn::parse_quote!(url.push_str(#text);));
        }
        if let Some(value) = values.get(i) {
            pushes.push(syn::parse_quote!(
                ::vmware_cpn_runtime::push_path_segment(&mut url, &#value);
            ));
        }
    }
    *url.expr = syn::parse_quote!({
        let mut url = ::std::string::String::with_capacity(client.baseurl.len() + #room);
        url.push_str(&client.baseurl);
        #(#pushes)*
        url
    });
    Ok(())
}

/// Headers the request builder's chain may set before progenitor's `.headers(header_map)`
/// (which replaces them, where `.header` appends): a header map naming one of them keeps
/// progenitor's form.
const SET_BY_THE_CHAIN: &[&str] = &["accept", "content-type"];

/// `let mut header_map = …; header_map.append(K, V); … .headers(header_map)` → `.header(K, V)`
/// in the chain, when every statement on `header_map` is such an append, of a static name.
fn rewrite_fixed_headers(block: &mut syn::Block) {
    let is_map =
        |expr: &syn::Expr| matches!(expr, syn::Expr::Path(p) if p.path.is_ident("header_map"));
    let mut declared = None;
    let mut appends = Vec::new();
    for (i, stmt) in block.stmts.iter().enumerate() {
        match stmt {
            syn::Stmt::Local(local) if binds(local, "header_map") => {
                declared = Some(i);
            }
            syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_))
                if call.method == "append" && is_map(&call.receiver) =>
            {
                let [name, value] = call.args.iter().collect::<Vec<_>>()[..] else {
                    return;
                };
                let fixed = static_name(name)
                    .is_some_and(|name| !SET_BY_THE_CHAIN.contains(&name.as_str()));
                if !fixed {
                    return;
                }
                appends.push((i, name.clone(), value.clone()));
            }
            // Any other use of the map (a conditional append): progenitor's form stays.
            other if mentions(other, "header_map") && !is_request(other) => {
                return;
            }
            _ => {}
        }
    }
    let Some(declared) = declared else { return };
    let Some(request) = block.stmts.iter_mut().find(|stmt| is_request(stmt)) else {
        return;
    };
    let syn::Stmt::Local(syn::Local {
        init: Some(init), ..
    }) = request
    else {
        return;
    };
    if !replace_merge(&mut init.expr, &appends) {
        return;
    }
    // From the last, so that each index still points at its statement.
    for i in appends.iter().map(|(i, ..)| *i).rev() {
        block.stmts.remove(i);
    }
    block.stmts.remove(declared);
}

/// Replaces `.headers(header_map)` in the method chain of `expr` by one `.header(K, V)` per
/// append; whether it was found.
fn replace_merge(expr: &mut syn::Expr, appends: &[(usize, syn::Expr, syn::Expr)]) -> bool {
    match expr {
        syn::Expr::Try(attempt) => replace_merge(&mut attempt.expr, appends),
        syn::Expr::MethodCall(call)
            if call.method == "headers"
                && matches!(call.args.first(), Some(syn::Expr::Path(p)) if p.path.is_ident("header_map")) =>
        {
            let mut chain = (*call.receiver).clone();
            for (_, name, value) in appends {
                chain = syn::parse_quote!(#chain.header(#name, #value));
            }
            *expr = chain;
            true
        }
        syn::Expr::MethodCall(call) => replace_merge(&mut call.receiver, appends),
        _ => false,
    }
}

/// The lower-case text of `HeaderName::from_static("…")`.
fn static_name(expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Call(call) = expr else {
        return None;
    };
    let syn::Expr::Path(function) = call.func.as_ref() else {
        return None;
    };
    let last = function.path.segments.last()?;
    match call.args.iter().collect::<Vec<_>>()[..] {
        [
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            }),
        ] if last.ident == "from_static" => Some(name.value().to_ascii_lowercase()),
        _ => None,
    }
}

/// Whether `stmt` is the `let mut request = …` that builds the request.
fn is_request(stmt: &syn::Stmt) -> bool {
    matches!(stmt, syn::Stmt::Local(local) if binds(local, "request"))
}

/// Whether `local` is `let name = …` (or `let mut name`).
fn binds(local: &syn::Local, name: &str) -> bool {
    matches!(&local.pat, syn::Pat::Ident(pat) if pat.ident == name)
}

/// Whether the identifier `name` appears anywhere in `stmt`.
fn mentions(stmt: &syn::Stmt, name: &str) -> bool {
    quote::ToTokens::to_token_stream(stmt)
        .into_iter()
        .any(|token| contains_ident(token, name))
}

fn contains_ident(token: proc_macro2::TokenTree, name: &str) -> bool {
    match token {
        proc_macro2::TokenTree::Ident(ident) => ident == name,
        proc_macro2::TokenTree::Group(group) => group
            .stream()
            .into_iter()
            .any(|token| contains_ident(token, name)),
        _ => false,
    }
}

/// `value` of `encode_path(&value.to_string())`.
fn parameter(arg: syn::Expr) -> Result<syn::Expr, String> {
    let unexpected = || {
        format!(
            "a URL parameter not written `encode_path(&….to_string())`: {}",
            quote::ToTokens::to_token_stream(&arg)
        )
    };
    let syn::Expr::Call(call) = &arg else {
        return Err(unexpected());
    };
    let syn::Expr::Path(function) = call.func.as_ref() else {
        return Err(unexpected());
    };
    let [syn::Expr::Reference(reference)] = call.args.iter().collect::<Vec<_>>()[..] else {
        return Err(unexpected());
    };
    match reference.expr.as_ref() {
        syn::Expr::MethodCall(to_string)
            if function.path.is_ident("encode_path")
                && to_string.method == "to_string"
                && to_string.args.is_empty() =>
        {
            Ok(*to_string.receiver.clone())
        }
        _ => Err(unexpected()),
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::rewrite;

    fn rewritten(url: syn::Stmt) -> Result<String, String> {
        let mut block: syn::Block = syn::parse_quote!({
            let Self { client, org_id } = self;
            #url
            let request = client.client.get(url).build()?;
        });
        rewrite(&mut block)?;
        Ok(block.stmts[1].to_token_stream().to_string())
    }

    #[test]
    fn each_parameter_is_pushed_encoded_between_the_paths_texts() {
        let url = rewritten(syn::parse_quote!(
            let url = format!(
                "{}/users/{}/orgs/{}/roles",
                client.baseurl,
                encode_path(&user_id.to_string()),
                encode_path(&org_id.to_string()),
            );
        ))
        .unwrap();
        let expected: syn::Stmt = syn::parse_quote!(
            let url = {
                let mut url = ::std::string::String::with_capacity(client.baseurl.len() + 91usize);
                url.push_str(&client.baseurl);
                url.push_str("/users/");
                ::vmware_cpn_runtime::push_path_segment(&mut url, &user_id);
                url.push_str("/orgs/");
                ::vmware_cpn_runtime::push_path_segment(&mut url, &org_id);
                url.push_str("/roles");
                url
            };
        );
        assert_eq!(url, expected.to_token_stream().to_string());
    }

    /// A `send` body's statements after the rewrite, as text, from progenitor's header lines.
    fn with_headers(headers: Vec<syn::Stmt>) -> Vec<String> {
        let mut block: syn::Block = syn::parse_quote!({
            let url = format!("{}/order", client.baseurl,);
            #(#headers)*
            #[allow(unused_mut)]
            let mut request = client.client.get(url).header(ACCEPT, json()).headers(header_map).build()?;
        });
        rewrite(&mut block).unwrap();
        block.stmts[1..]
            .iter()
            .map(|stmt| stmt.to_token_stream().to_string())
            .collect()
    }

    #[test]
    fn fixed_headers_are_set_on_the_request_itself() {
        let statements = with_headers(vec![
            syn::parse_quote!(let mut header_map = HeaderMap::with_capacity(2usize);),
            syn::parse_quote!(header_map.append(HeaderName::from_static("api-version"), v());),
            syn::parse_quote!(header_map.append(HeaderName::from_static("x-other"), w());),
        ]);
        let expected: syn::Stmt = syn::parse_quote!(
            #[allow(unused_mut)]
            let mut request = client.client.get(url).header(ACCEPT, json())
                .header(HeaderName::from_static("api-version"), v())
                .header(HeaderName::from_static("x-other"), w())
                .build()?;
        );
        assert_eq!(statements, [expected.to_token_stream().to_string()]);
    }

    #[test]
    fn headers_appended_on_a_condition_or_set_by_the_chain_keep_progenitors_merge() {
        let conditional = with_headers(vec![
            syn::parse_quote!(let mut header_map = HeaderMap::with_capacity(2usize);),
            syn::parse_quote!(header_map.append(HeaderName::from_static("api-version"), v());),
            syn::parse_quote!(if let Some(since) = since {
                header_map.append(IF_MODIFIED_SINCE, since);
            }),
        ]);
        assert_eq!(conditional.len(), 4, "{conditional:?}");
        assert!(
            conditional[3].contains(". headers (header_map)"),
            "{conditional:?}"
        );
        let accept = with_headers(vec![
            syn::parse_quote!(let mut header_map = HeaderMap::with_capacity(1usize);),
            syn::parse_quote!(header_map.append(HeaderName::from_static("Accept"), v());),
        ]);
        assert_eq!(accept.len(), 3, "{accept:?}");
        assert!(accept[2].contains(". headers (header_map)"), "{accept:?}");
    }

    #[test]
    fn a_path_without_parameters_is_the_base_and_its_text() {
        let url = rewritten(syn::parse_quote!(
            let url = format!("{}/order", client.baseurl,);
        ))
        .unwrap();
        assert!(url.contains("url . push_str (\"/order\")"), "{url}");
        assert!(!url.contains("push_path_segment"), "{url}");
    }

    #[test]
    fn a_url_built_another_way_is_an_error_not_left_as_it_was() {
        let cases: [(syn::Stmt, &str); 5] = [
            (
                syn::parse_quote!(let url = client.baseurl.clone();),
                "not a `format!`",
            ),
            (
                syn::parse_quote!(let url = format!("{}/a/{}", client.baseurl, org_id);),
                "not written `encode_path",
            ),
            (
                syn::parse_quote!(let url = format!("{}/a/{}", client.baseurl);),
                "does not fit its 0 parameters",
            ),
            (
                syn::parse_quote!(let url = format!("{}/a/{{x}}", client.baseurl);),
                "does not fit",
            ),
            (
                syn::parse_quote!(let url = format!("{}/a", other.baseurl);),
                "does not start at `client.baseurl`",
            ),
        ];
        for (url, expected) in cases {
            let error = rewritten(url).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
        let mut no_url: syn::Block = syn::parse_quote!({
            let request = 1;
        });
        assert!(
            rewrite(&mut no_url)
                .unwrap_err()
                .contains("without progenitor's `let url`")
        );
    }
}
