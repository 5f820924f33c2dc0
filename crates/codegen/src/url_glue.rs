//! Rewrites how each generated `send` builds its URL. progenitor writes
//! `format!("{}/orgs/{}", client.baseurl, encode_path(&org_id.to_string()))`: per parameter,
//! two strings and a formatting pass, on every call. It becomes one string, with each
//! parameter percent-encoded straight into it (`vmware_cpn_runtime::push_path_segment`, the
//! same encoding). A URL built any other way (a new progenitor) is a generation error.

use syn::punctuated::Punctuated;

/// Room reserved per parameter, beyond the path's own text: a UUID, the ids' usual form.
const PARAMETER_ROOM: usize = 36;

/// Rewrites the `let url = format!(…);` of a `send` body.
pub(crate) fn rewrite(block: &mut syn::Block) -> Result<(), String> {
    let url = block
        .stmts
        .iter_mut()
        .find_map(|stmt| match stmt {
            syn::Stmt::Local(local)
                if matches!(&local.pat, syn::Pat::Ident(name) if name.ident == "url") =>
            {
                local.init.as_mut()
            }
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
