//! cphub-core through its client: tenants created, listed, updated and read; a tenant may not
//! create tenants; services listed, enabled, and listed enabled.

use cphub_core::types::{Service, TenantCreate};
use serde_json::json;
use vmware_cpn_test_support::typed;

use crate::common::Sdk;

pub async fn steps(sdk: &Sdk, org: &str) {
    let seeded = sdk.core.list_tenants().org_id(org).send().await.unwrap();
    let answer = sdk
        .core
        .create_tenant()
        .org_id(org)
        .body(typed::<TenantCreate>(json!({
            "tenantType": "DEFAULT", "country": "US", "displayName": "Acme",
            "companyName": "Acme Corp", "city": "Atlanta", "state": "GA", "zip": "30313",
            "domain": "acme.example", "tag": "gold", "addressLine1": "1 Peachtree St",
        })))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201, "the reference's 201 Created");
    let created = answer.into_inner();
    let id = created.id.clone().expect("a created tenant has an id");
    assert_eq!(created.parent_org_id.as_deref(), Some(org));
    assert_eq!(created.address_line1.as_deref(), Some("1 Peachtree St"));

    let listed = sdk.core.list_tenants().org_id(org).send().await.unwrap();
    assert_eq!(listed.len(), seeded.len() + 1);
    assert!(listed.iter().any(|t| t.id.as_deref() == Some(id.as_str())));

    let updated = sdk
        .core
        .update_tenant()
        .org_id(&id)
        .body(typed::<TenantCreate>(json!({
            "tenantType": "DEFAULT", "country": "US", "displayName": "Acme 2",
            "companyName": "Acme Corp", "city": "Atlanta", "state": "GA", "zip": "30313",
            "domain": "acme.example", "addressLine1": "2 Peachtree St",
        })))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.display_name.as_deref(), Some("Acme 2"));
    let fetched = sdk
        .core
        .get_organization()
        .org_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(fetched.display_name.as_deref(), Some("Acme 2"));
    assert_eq!(fetched.address_line1.as_deref(), Some("2 Peachtree St"));
    assert_eq!(
        fetched.tag.as_deref(),
        Some("gold"),
        "a field the update left out is kept"
    );

    let refused = sdk
        .core
        .create_tenant()
        .org_id(&id)
        .body(typed::<TenantCreate>(
            vmware_cpn_test_support::Spec::load("cphub-core").request_example("create_tenant"),
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused.status().map(|s| s.as_u16()),
        Some(403),
        "a valid request from a tenant, which may not create tenants"
    );

    services(sdk, org, &id).await;
}

/// The provider enables a service it has not enabled yet; the list then shows it enabled.
async fn services(sdk: &Sdk, org: &str, tenant: &str) {
    let list = |org: String| async move {
        let answer = sdk.core.list_org_services().org_id(org).send().await;
        answer.map(|a| a.into_inner().into_services())
    };
    let before = list(org.to_owned()).await.unwrap();
    let disabled = before
        .iter()
        .find(|s| s.enabled == Some(false))
        .expect("the seed has a service not enabled yet")
        .clone();
    let id = disabled.id.clone().unwrap();

    let answer = sdk
        .core
        .enable_service()
        .org_id(org)
        .service_definition_id(&id)
        .body(disabled)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 204);

    let after = list(org.to_owned()).await.unwrap();
    assert_eq!(after.len(), before.len());
    let enabled = after.iter().find(|s| s.id.as_deref() == Some(id.as_str()));
    assert_eq!(enabled.and_then(|s| s.enabled), Some(true), "{after:?}");

    assert!(list(tenant.to_owned()).await.unwrap().is_empty());
    let unknown_org = list("no-such-org".to_owned()).await.unwrap_err();
    assert_eq!(unknown_org.status().map(|s| s.as_u16()), Some(404));
    let body: Service = typed(json!({"enabled": true}));
    let unknown_service = sdk
        .core
        .enable_service()
        .org_id(org)
        .service_definition_id("no-such-service")
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(unknown_service.status().map(|s| s.as_u16()), Some(404));
}

/// The provider's subscription records hold only its own unless it asks for its tenants'
/// (`allTenants` defaults to false).
#[tokio::test]
async fn tenants_subscriptions_are_listed_only_when_asked() {
    let mock = vmware_cpn_mock::MockServer::start().await.unwrap();
    let sdk = &Sdk::new(&mock);
    let org = mock.provider_org();
    let list = |all: Option<bool>| async move {
        let request = sdk.billing.list_subscriptions().org_id(org);
        let request = match all {
            Some(all) => request.all_tenants(all),
            None => request,
        };
        request.send().await.unwrap().into_inner()
    };

    let all = list(Some(true)).await;
    assert!(all.iter().any(|r| r.org_id.as_deref() != Some(org)));
    let own = list(None).await;
    assert!(own.len() < all.len(), "{own:?}");
    assert!(own.iter().all(|r| r.org_id.as_deref() == Some(org)));
    assert_eq!(list(Some(false)).await.len(), own.len());
}
