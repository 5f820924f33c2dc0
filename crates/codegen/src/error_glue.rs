//! Rewrites progenitor's generated operations onto the SDK's one error type,
//! `vmware_cpn_runtime::Error`, which progenitor's hooks cannot do: a hook can only return
//! progenitor's `Error`, whose non-JSON error answers lose their status and whose hook errors
//! are strings.
//!
//! In every builder's `send`, the hook calls (`pre`, `exec`, `post`) become one
//! `Runtime::send`, and each arm of the status `match` reads its answer through
//! `vmware_cpn_runtime::answer`: a typed success, or the answer kept whole in the error. The crate's
//! `Error` is `vmware_cpn_runtime::Error`. Any shape this does not recognise (a new progenitor) is a
//! generation error, never an operation left on the old path.

use quote::ToTokens;

/// Rewrites `file` in place; the message names what was not recognised.
pub(crate) fn rewrite(file: &mut syn::File) -> Result<(), String> {
    reexport_error(file)?;
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .ok_or("progenitor produced no `builder` module")?;
    for item in &mut builder.1 {
        let syn::Item::Impl(implementation) = item else {
            continue;
        };
        for item in &mut implementation.items {
            match item {
                syn::ImplItem::Fn(function) if function.sig.ident == "send" => {
                    rewrite_send(&mut function.block)?;
                }
                _ => {}
            }
        }
    }
    let left = file.to_token_stream().to_string();
    if left.contains("client . pre (") || left.contains("Error :: ErrorResponse") {
        return Err("an operation still calls progenitor's hooks or error types".into());
    }
    Ok(())
}

/// `pub use progenitor_client::{…, Error, …}` loses `Error`; `vmware_cpn_runtime::Error` takes its
/// place, so the builders' `Error::InvalidRequest` and signatures name the SDK's type.
fn reexport_error(file: &mut syn::File) -> Result<(), String> {
    let mut found = false;
    for item in &mut file.items {
        let syn::Item::Use(item) = item else { continue };
        let syn::UseTree::Path(path) = &mut item.tree else {
            continue;
        };
        if path.ident != "progenitor_client" || !matches!(item.vis, syn::Visibility::Public(_)) {
            continue;
        }
        let syn::UseTree::Group(group) = path.tree.as_mut() else {
            continue;
        };
        let before = group.items.len();
        group.items = std::mem::take(&mut group.items)
            .into_iter()
            .filter(|tree| !matches!(tree, syn::UseTree::Name(name) if name.ident == "Error"))
            .collect();
        found |= group.items.len() < before;
    }
    if !found {
        return Err("progenitor's generated code no longer re-exports `Error`".into());
    }
    file.items.push(syn::parse_quote! {
        /// The error of every operation: what the server said, typed (see `vmware_cpn_runtime::Error`).
        pub use ::vmware_cpn_runtime::Error;
    });
    Ok(())
}

fn text(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

fn rewrite_send(block: &mut syn::Block) -> Result<(), String> {
    let hooks = [
        "client . pre (& mut request , & info) . await ? ;",
        "let result = client . exec (request , & info) . await ;",
        "client . post (& result , & info) . await ? ;",
        "let response = result ? ;",
    ];
    let start = block
        .stmts
        .iter()
        .position(|stmt| text(stmt) == hooks[0])
        .ok_or("a `send` without progenitor's `pre` hook call")?;
    let found: Vec<String> = block.stmts[start..].iter().take(4).map(text).collect();
    if found != hooks {
        return Err(format!("unexpected hook calls in `send`: {found:?}"));
    }
    // The hooks were `info`'s only readers: it gives way to the operation's constant, so an
    // operation id the glue does not know fails to compile.
    let info = block.stmts[..start]
        .iter()
        .rposition(|stmt| text(stmt).starts_with("let info = OperationInfo {"))
        .ok_or("a `send` without progenitor's `OperationInfo`")?;
    let id = operation_id(&block.stmts[info])?;
    let constant = quote::format_ident!("{}", crate::runtime_glue::constant_name(&id));
    block.stmts.splice(
        start..start + 4,
        [
            syn::parse_quote!(let operation = super::operations::#constant;),
            syn::parse_quote!(let response = client.inner.send(request, &operation).await?;),
        ],
    );
    block.stmts.remove(info);
    let Some(syn::Stmt::Expr(syn::Expr::Match(answer), None)) = block.stmts.last_mut() else {
        return Err("a `send` that does not end in a match on the status".into());
    };
    for arm in &mut answer.arms {
        rewrite_arm(arm)?;
    }
    Ok(())
}

/// The string of `let info = OperationInfo { operation_id: "…" };`.
fn operation_id(stmt: &syn::Stmt) -> Result<String, String> {
    let syn::Stmt::Local(syn::Local {
        init: Some(init), ..
    }) = stmt
    else {
        return Err(format!("not a `let info`: {}", text(stmt)));
    };
    let syn::Expr::Struct(info) = init.expr.as_ref() else {
        return Err(format!("`info` is not a struct: {}", text(stmt)));
    };
    info.fields
        .iter()
        .find(|field| matches!(&field.member, syn::Member::Named(name) if name == "operation_id"))
        .and_then(|field| match &field.expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(id),
                ..
            }) => Some(id.value()),
            _ => None,
        })
        .ok_or_else(|| format!("`info` names no operation_id string: {}", text(stmt)))
}

fn rewrite_arm(arm: &mut syn::Arm) -> Result<(), String> {
    let body = text(unblock(&arm.body));
    let new_body: syn::Expr = if body.contains("Error :: ErrorResponse")
        || body.contains("Error :: UnexpectedResponse")
    {
        syn::parse_quote!(Err(::vmware_cpn_runtime::answer::error(
            response, &operation
        )
        .await))
    } else if body == "ResponseValue :: from_response (response) . await" {
        syn::parse_quote!(::vmware_cpn_runtime::answer::json(response, &operation).await)
    } else if body == "Ok (ResponseValue :: empty (response))"
        || body == "Ok (ResponseValue :: stream (response))"
    {
        return Ok(());
    } else {
        return Err(format!(
            "an answer arm this SDK does not know: {} => {body}",
            text(&arm.pat)
        ));
    };
    *arm.body = new_body;
    Ok(())
}

/// The expression of a block that holds only it (`{ expr }`), else the expression itself.
fn unblock(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Block(block) => match block.block.stmts.as_slice() {
            [syn::Stmt::Expr(inner, None)] => unblock(inner),
            _ => expr,
        },
        _ => expr,
    }
}
