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

/// Rewrites `file` in place, each `send` with how it builds its request
/// ([`request_glue`](crate::request_glue)) too; the message names what was not recognised.
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
                    crate::request_glue::rewrite(&mut function.block)?;
                }
                _ => {}
            }
        }
    }
    // Every `send` was rewritten or refused above: a send without the hook calls, or with an
    // answer arm not known here, is an error, so none is left on progenitor's path.
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
    // The four statements progenitor 0.15 writes around the request, matched as syntax.
    let hooks: [syn::Stmt; 4] = [
        syn::parse_quote!(client.pre(&mut request, &info).await?;),
        syn::parse_quote!(let result = client.exec(request, &info).await;),
        syn::parse_quote!(client.post(&result, &info).await?;),
        syn::parse_quote!(let response = result?;),
    ];
    let start = block
        .stmts
        .iter()
        .position(|stmt| *stmt == hooks[0])
        .ok_or("a `send` without progenitor's `pre` hook call")?;
    let found = &block.stmts[start..(start + 4).min(block.stmts.len())];
    if found != hooks.as_slice() {
        let found: Vec<String> = found.iter().map(text).collect();
        return Err(format!("unexpected hook calls in `send`: {found:?}"));
    }
    // The hooks were `info`'s only readers: it gives way to the operation's constant, so an
    // operation id the glue does not know fails to compile.
    let info = block.stmts[..start]
        .iter()
        .rposition(|stmt| local_init(stmt).is_some_and(|init| is_struct_of(init, "OperationInfo")))
        .ok_or("a `send` without progenitor's `OperationInfo`")?;
    let id = operation_id(&block.stmts[info])?;
    let constant = quote::format_ident!("{}", crate::runtime_glue::constant_name(&id));
    block.stmts.splice(
        start..start + 4,
        [
            // A reference to the constant, promoted to a static: the future holds a pointer
            // rather than a copy of the operation.
            syn::parse_quote!(let operation = &super::operations::#constant;),
            syn::parse_quote!(let response = client.inner.send(request, operation).await?;),
        ],
    );
    block.stmts.remove(info);
    for stmt in &mut block.stmts {
        if let syn::Stmt::Local(syn::Local {
            init: Some(init), ..
        }) = stmt
        {
            rewrite_form_body(&mut init.expr);
        }
    }
    let Some(syn::Stmt::Expr(syn::Expr::Match(answer), None)) = block.stmts.last_mut() else {
        return Err("a `send` that does not end in a match on the status".into());
    };
    for arm in &mut answer.arms {
        rewrite_arm(arm)?;
    }
    Ok(())
}

/// `….form_urlencoded(&body)?` in the request's method chain: progenitor's extension method
/// fails with progenitor's `Error`, which `?` cannot turn into the SDK's; it becomes the SDK's
/// `Error::InvalidRequest` (a body that does not serialize as a form is never sent).
fn rewrite_form_body(expr: &mut syn::Expr) {
    match expr {
        syn::Expr::MethodCall(call) => {
            rewrite_form_body(&mut call.receiver);
            call.args.iter_mut().for_each(rewrite_form_body);
        }
        syn::Expr::Try(attempt) => match attempt.expr.as_mut() {
            syn::Expr::MethodCall(call) if call.method == "form_urlencoded" => {
                rewrite_form_body(&mut call.receiver);
                let receiver = &call.receiver;
                let args = &call.args;
                *attempt.expr = syn::parse_quote!(
                    ::progenitor_client::RequestBuilderExt::<()>::form_urlencoded(#receiver, #args)
                        .map_err(|error| Error::InvalidRequest(error.to_string()))
                );
            }
            inner => rewrite_form_body(inner),
        },
        _ => {}
    }
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
    let body = unblock(&arm.body);
    let typed_success: syn::Expr = syn::parse_quote!(ResponseValue::from_response(response).await);
    let empty: syn::Expr = syn::parse_quote!(Ok(ResponseValue::empty(response)));
    let stream: syn::Expr = syn::parse_quote!(Ok(ResponseValue::stream(response)));
    let new_body: syn::Expr = if is_error_answer(body) {
        syn::parse_quote!(Err(::vmware_cpn_runtime::answer::error(
            response, operation
        )
        .await))
    } else if *body == typed_success {
        syn::parse_quote!(::vmware_cpn_runtime::answer::json(response, operation).await)
    } else if *body == empty {
        syn::parse_quote!(::vmware_cpn_runtime::answer::empty(response, operation).await)
    } else if *body == stream {
        // A stream is read by the caller, who builds no error from it.
        syn::parse_quote!(Ok(ResponseValue::stream(response.into_response())))
    } else {
        return Err(format!(
            "an answer arm this SDK does not know: {} => {}",
            text(&arm.pat),
            text(body)
        ));
    };
    *arm.body = new_body;
    Ok(())
}

/// `Err(Error::ErrorResponse(…))` or `Err(Error::UnexpectedResponse(…))`: progenitor's error
/// answers, whatever they wrap.
fn is_error_answer(body: &syn::Expr) -> bool {
    let syn::Expr::Call(err) = body else {
        return false;
    };
    let [inner] = err.args.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let syn::Expr::Call(variant) = inner else {
        return false;
    };
    path_is(&err.func, &["Err"])
        && (path_is(&variant.func, &["Error", "ErrorResponse"])
            || path_is(&variant.func, &["Error", "UnexpectedResponse"]))
}

/// Whether `expr` is the path `segments` (`Error::ErrorResponse`).
fn path_is(expr: &syn::Expr, segments: &[&str]) -> bool {
    let syn::Expr::Path(path) = expr else {
        return false;
    };
    path.qself.is_none()
        && path.path.segments.len() == segments.len()
        && path
            .path
            .segments
            .iter()
            .zip(segments)
            .all(|(segment, name)| segment.ident == name && segment.arguments.is_none())
}

/// The initializer of a `let`, if `stmt` is one.
fn local_init(stmt: &syn::Stmt) -> Option<&syn::Expr> {
    match stmt {
        syn::Stmt::Local(syn::Local {
            init: Some(init), ..
        }) => Some(&init.expr),
        _ => None,
    }
}

/// Whether `expr` is a struct literal of the type named `name`.
fn is_struct_of(expr: &syn::Expr, name: &str) -> bool {
    matches!(expr, syn::Expr::Struct(s) if s.path.is_ident(name))
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
