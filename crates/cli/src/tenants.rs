//! The organization's tenants, listed once for a run over every tenant (`--all-tenants`).

use serde_json::Value;

use crate::error::CliError;
use crate::exec::{Call, Context, json_answer, send};
use crate::model::ORG_PARAM;
use crate::output::list_items;
use crate::sdk::Target;

/// A tenant: its id and display name.
pub type Tenant = (String, String);

/// The organization's tenants.
pub async fn list_tenants(ctx: &Context, call: &Call) -> Result<Vec<Tenant>, CliError> {
    let list = Target::from_operation(&cphub_core::operations::LIST_TENANTS)
        .ok_or_else(|| CliError::Other("cpn's model lacks the tenants list".into()))?;
    let org = call
        .path
        .get(ORG_PARAM)
        .cloned()
        .or_else(|| ctx.settings.org_id.clone())
        .ok_or_else(|| CliError::Usage("--org-id is required".into()))?;
    let mut tenants_call = Call::default();
    tenants_call.path.insert(ORG_PARAM, org);
    let answer = json_answer(send(ctx, &list, &tenants_call).await?)
        .await?
        .unwrap_or(Value::Null);
    Ok(list_items(&answer)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            let id = t.get("id")?.as_str()?.to_owned();
            let name = t.get("displayName").and_then(Value::as_str).unwrap_or("");
            Some((id, name.to_owned()))
        })
        .collect())
}
