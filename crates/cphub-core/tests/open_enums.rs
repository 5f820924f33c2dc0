//! Server-sent enums are forward compatible: a value added later by the server deserializes
//! and survives re-serialization; unknown properties are kept the same way.

use cphub_core::types::{Organization, TenantType};

#[test]
fn unknown_enum_value_and_unknown_property_deserialize() {
    let body = serde_json::json!({
        "id": "6ee16f54-ed2e-44af-b505-3c4cbc6fbc33",
        "tenantType": "RESELLER",
        "status": "SUSPENDED",
        "featureFlags": {"new": true}
    });
    let org: Organization = serde_json::from_value(body).unwrap();
    assert_eq!(
        org.tenant_type,
        Some(TenantType::Unknown("RESELLER".to_owned()))
    );
    assert!(org.tenant_type.as_ref().unwrap().is_unknown());

    let back = serde_json::to_value(&org).unwrap();
    assert_eq!(back["tenantType"], "RESELLER");
    assert_eq!(back["status"], "SUSPENDED");
    // The property this SDK does not know is kept and written back.
    assert_eq!(back["featureFlags"], serde_json::json!({"new": true}));
    assert_eq!(org.extra["featureFlags"], serde_json::json!({"new": true}));
}

#[test]
fn known_values_map_to_their_variants_both_ways() {
    let t: TenantType = serde_json::from_str("\"INTERNAL\"").unwrap();
    assert_eq!(t, TenantType::Internal);
    assert_eq!(
        serde_json::to_string(&TenantType::Default).unwrap(),
        "\"DEFAULT\""
    );
    assert_eq!(
        "DEFAULT".parse::<TenantType>().unwrap(),
        TenantType::Default
    );
    assert_eq!(TenantType::from("NEW".to_owned()).to_string(), "NEW");
    // The reference's spelling INTENRAL is known beside the guide's INTERNAL.
    assert_eq!(TenantType::KNOWN, &["DEFAULT", "INTERNAL", "INTENRAL"]);
    let t: TenantType = serde_json::from_str("\"INTENRAL\"").unwrap();
    assert!(!t.is_unknown());
}

#[test]
fn a_non_string_enum_value_is_still_an_error() {
    let error = serde_json::from_str::<TenantType>("42").unwrap_err();
    assert!(error.to_string().contains("expected a string"), "{error}");
}
