//! Lists the mock's tenants with the packaged `cphub-core`, as a user's program would.

use vmware_cpn_runtime::{Auth, Runtime};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = vmware_cpn_mock::MockServer::start().await?;
    let runtime = Runtime::builder()
        .auth(Auth::csp_refresh_token(
            mock.base_url(),
            mock.refresh_token().to_owned(),
        ))
        .build()?;
    let core = cphub_core::Client::with_runtime(mock.base_url(), runtime);
    let tenants = core.list_tenants().org_id(mock.provider_org()).send().await?;
    if tenants.is_empty() {
        return Err("the mock lists no tenants".into());
    }
    println!("packaged cphub-core listed {} tenant(s) from the mock", tenants.len());
    Ok(())
}
