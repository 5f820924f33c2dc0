//! Every operation of the six specs, called through `cpn` against the mock: the mock's
//! journal must show each one answered with a success status at least once. A spec gaining an
//! operation fails this test until a command here calls it.

mod common;

use std::collections::BTreeSet;

use common::Env;
use serde_json::Value;

/// The first value of `field` in a JSON list (or in the list under `key`).
fn first(list: &Value, key: Option<&str>, field: &str) -> String {
    let items = match key {
        Some(key) => &list[key],
        None => list,
    };
    items[0][field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {list}"))
        .to_owned()
}

#[test]
fn every_operation_answers_with_success_through_cpn() {
    let env = Env::start_with(vmware_cpn_mock::Config::default().record_journal(true));
    let run = |args: &[&str]| env.json(args);
    let ok = |args: &[&str]| {
        env.ok(args);
    };

    // cphub-core
    let tenants = run(&["core", "list-tenants"]);
    let tenant = first(&tenants, None, "id");
    run(&[&["core", "create-tenant"][..], common::TENANT].concat());
    run(&[
        &["core", "update-tenant", "--org-id", &tenant][..],
        common::TENANT,
    ]
    .concat());
    run(&["core", "get-organization", "--org-id", &tenant]);
    let services = run(&["core", "list-org-services"]);
    let service = first(&services, None, "id");
    ok(&[
        "core",
        "enable-service",
        "--service-definition-id",
        &service,
    ]);

    // cphub-auth: the two token exchanges that take no flag for their secret (the CSP API
    // token, accepted by the mock's CSP gateway as its refresh token, is read from stdin).
    run(&["auth", "get-access-token"]);
    let out = env
        .cpn()
        .env("CSP_BASE_URL", env.mock.base_url())
        .args(["auth", "exchange-csp-api-token"])
        .write_stdin(format!("{}\n", env.mock.refresh_token()))
        .output()
        .unwrap();
    env.assert_no_secret(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let user = run(&["auth", "get-logged-in-user"]);
    let user_id = user["id"].as_str().expect("the user has an id").to_owned();
    run(&["auth", "list-logged-in-user-orgs"]);
    run(&["auth", "list-logged-in-user-service-roles"]);
    run(&["auth", "list-users"]);
    run(&["auth", "list-available-org-roles"]);
    run(&["auth", "get-user-org-roles", "--user-id", &user_id]);
    run(&["auth", "list-user-service-roles", "--user-id", &user_id]);
    let role = ["--role-id", "msp:provider_account_admin"];
    run(&[
        "auth",
        "update-org-roles-of-user",
        "--user-id",
        &user_id,
        "--role-names-to-add",
        "msp:provider_billing_user",
    ]);
    let bind = format!(r#"{{"orgsToAdd":["{tenant}"]}}"#);
    run(&[
        &[
            "auth",
            "update-org-roles-with-binding",
            "--user-id",
            &user_id,
        ][..],
        &role,
        &[
            "--org-role-items",
            r#"{"roleNamesToAdd":["msp:provider_account_admin"]}"#,
            "--org-items",
            &bind,
        ],
    ]
    .concat());
    run(&[
        &["auth", "get-org-bindings-for-role", "--user-id", &user_id][..],
        &role,
    ]
    .concat());
    run(&[
        &[
            "auth",
            "update-org-bindings-for-role",
            "--user-id",
            &user_id,
        ][..],
        &role,
        &["--orgs-to-add", &tenant],
    ]
    .concat());
    let invite = |command: &str, username: &str| {
        let users = format!(r#"[{{"username":"{username}"}}]"#);
        run(&[
            "auth",
            command,
            "--users",
            &users,
            "--org-roles-to-add",
            "msp:provider_support_user",
        ]);
    };
    invite("add-users-post", "post@acme.example");
    invite("add-users", "patch@acme.example");
    invite("add-users-v2", "v2@acme.example");
    run(&["auth", "list-invitations"]);
    run(&[
        "auth",
        "resend-invitations",
        "--emails",
        "post@acme.example",
    ]);
    run(&[
        "auth",
        "revoke-invitations",
        "--emails",
        "patch@acme.example",
    ]);
    let me = format!(r#"[{{"username":"{}"}}]"#, user["email"].as_str().unwrap());
    run(&[
        "auth",
        "update-user-org-roles",
        "--users",
        &me,
        "--role-names-to-add",
        "msp:provider_support_user",
    ]);
    run(&[
        "auth",
        "assign-missing-vcp-vui-service-roles",
        "--users",
        &me,
    ]);
    run(&["auth", "delete-users", "--users", &me]);

    // cphub-auth: an OAuth app (secrets only in a body file: cpn has no flag for a secret),
    // its token exchange in JSON, its roles as a client, an enterprise group's roles.
    run(&["auth", "list-allowed-oauth-scopes"]);
    let app = env.dir.path().join("oauth-app.json");
    std::fs::write(
        &app,
        r#"{"id": "cpn-app", "secret": "Cpn-Secret-1!", "displayName": "cpn"}"#,
    )
    .unwrap();
    run(&["auth", "create-oauth-app", "--body", app.to_str().unwrap()]);
    run(&["auth", "get-oauth-app", "--oauth-app-id", "cpn-app"]);
    let update = ["--oauth-app-id", "cpn-app", "--description", "From cpn"];
    run(&[&["auth", "update-oauth-app"][..], &update].concat());
    let credentials = env.dir.path().join("client-credentials.json");
    std::fs::write(
        &credentials,
        r#"{"clientId": "cpn-app", "clientSecret": "Cpn-Secret-1!"}"#,
    )
    .unwrap();
    run(&[
        "auth",
        "get-oauth-app-access-token",
        "--body",
        credentials.to_str().unwrap(),
    ]);
    // The HTTP Basic exchange: the app's client id from the environment, its secret on stdin.
    let out = env
        .cpn()
        .env("CPN_CLIENT_ID", "cpn-app")
        .args([
            "auth",
            "authorize-oauth-app",
            "--access-token-validity-seconds",
            "600",
        ])
        .write_stdin("Cpn-Secret-1!\n")
        .output()
        .unwrap();
    env.assert_no_secret(&out);
    let text = format!("{out:?}");
    assert!(
        out.status.success() && !text.contains("Cpn-Secret-1!"),
        "{text}"
    );
    let billing = r#"[{"name": "msp:provider_billing_user"}]"#;
    run(&[
        "auth",
        "assign-client-roles",
        "--ids",
        "cpn-app",
        "--organization-roles",
        billing,
    ]);
    run(&["auth", "get-oauth-client", "--client-id", "cpn-app"]);
    ok(&[
        "auth",
        "update-client-roles",
        "--client-id",
        "cpn-app",
        "--org-role-binding-orgs",
        &bind,
    ]);
    run(&[
        "auth",
        "get-client-org-bindings-for-role",
        "--client-id",
        "cpn-app",
        "--role-id",
        "msp:provider_billing_user",
    ]);
    let group = "3f2b1c9e-5d6a-4e7f-8a9b-0c1d2e3f4a5b";
    ok(&[
        "auth",
        "assign-group-roles",
        "--ids",
        group,
        "--org-role-items",
        r#"{"roleNamesToAdd": ["msp:provider_support_user"]}"#,
    ]);
    run(&["auth", "get-group-roles", "--group-id", group]);
    ok(&["auth", "delete-groups", "--ids", group]);

    // cphub-billing
    run(&["billing", "get-usage-report"]);
    let report = env.dir.path().join("usage.csv");
    ok(&[
        "billing",
        "download-usage-report",
        "--output-file",
        report.to_str().unwrap(),
    ]);
    run(&["billing", "list-subscriptions"]);

    // cphub-support
    ok(&[
        "support",
        "create-support-request",
        "--severity",
        "3 - Medium",
        "--category",
        "Billing",
        "--title",
        "Usage",
        "--description",
        "A SKU twice",
    ]);
    let tickets = run(&["support", "list-support-requests"]);
    // The list comes as `{"supportTickets": […]}` or as a bare array (see the spec).
    let ticket = first(
        tickets.get("supportTickets").unwrap_or(&tickets),
        None,
        "id",
    );
    run(&[
        "support",
        "get-support-request",
        "--support-request-id",
        &ticket,
    ]);
    let file = env.dir.path().join("notes.txt");
    std::fs::write(&file, "SKU listed twice\n").unwrap();
    run(&[
        "support",
        "upload-attachment",
        "--support-request-id",
        &ticket,
        "--file",
        file.to_str().unwrap(),
    ]);
    run(&[
        "support",
        "update-support-request",
        "--support-request-id",
        &ticket,
        "--additional-details",
        "Attached",
        "--support-ticket-action",
        "UPDATE",
    ]);
    run(&["support", "get-support-metadata"]);
    run(&["support", "list-close-reasons"]);

    // navigator-msp
    let found = run(&["msp", "search-subscriptions"]);
    let subscription = first(&found, Some("results"), "id");
    run(&[
        "msp",
        "get-subscription",
        "--subscription-id",
        &subscription,
    ]);
    run(&[
        "msp",
        "get-subscription-history",
        "--subscription-id",
        &subscription,
    ]);

    // vcpp
    run(&["vcpp", "get-token"]);
    let contracts = run(&["vcpp", "list-commit-contracts"]);
    let contract = first(&contracts, Some("contractList"), "contractNumber");
    for command in [
        "get-commit-contract",
        "list-contract-users",
        "list-core-coreless-products",
    ] {
        run(&["vcpp", command, "--contract-number", &contract]);
    }
    let instances = run(&[
        "vcpp",
        "list-contract-service-instances",
        "--contract-number",
        &contract,
    ]);
    let instance = instances
        .pointer("/serviceList/commitServicesVOList/0/serviceInstanceID")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no service instance in {instances}"))
        .to_owned();
    run(&[
        "vcpp",
        "get-service-instance",
        "--service-instance-id",
        &instance,
    ]);
    run(&[
        "vcpp",
        "list-addon-products",
        "--service-instance-id",
        &instance,
    ]);
    let order = env.dir.path().join("order.json");
    std::fs::write(&order, common::ORDER).unwrap();
    run(&["vcpp", "place-order", "--body", order.to_str().unwrap()]);
    run(&["vcpp", "get-order-feed", "--json"]);

    let served: BTreeSet<String> = env
        .mock
        .journal()
        .into_iter()
        .filter(|e| (200..300).contains(&e.status))
        .map(|e| e.operation_id)
        .collect();
    let never: Vec<_> = cpn::model::SURFACES
        .iter()
        .flat_map(|s| s.operations)
        .map(|op| op.id)
        .filter(|id| !served.contains(*id))
        .collect();
    assert!(
        never.is_empty(),
        "never answered with success through cpn: {never:?}"
    );
}
