#!/usr/bin/env bash
# A provider's day, the tour's ten steps (crates/mock/examples/tour.rs), with `cpn` alone.
#
#   CPN=path/to/cpn SDK_MOCK=path/to/vmware-cpn-mock crates/cli/examples/provider-day.sh
#
# Without CPN_BASE_URL it starts the vmware-cpn-mock binary ($SDK_MOCK) on a free port, reads
# its URLs and credentials, creates an OAuth app there with its API token and logs in with
# the app (`cpn auth login --kind oauth-app`), as a cron job would. Against the real services
# set CPN_BASE_URL, CPN_ORG_ID and a credential: CPN_CLIENT_ID and CPN_CLIENT_SECRET (an OAuth
# app), else CPN_REFRESH_TOKEN (and VCPP_BASE_URL, VCPP_CLIENT_ID, VCPP_CLIENT_SECRET,
# CPN_MSP_SUBSCRIPTION_ID); nothing is created there unless TOUR_WRITE=1, and no order placed
# unless TOUR_PLACE_ORDER=1.
# It stops at the first failing step, with cpn's exit code.
set -euo pipefail

CPN=${CPN:-cpn}
work=$(mktemp -d)
cleanup() {
    [[ -n "${mock_pid:-}" ]] && kill "$mock_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

if [[ -z "${CPN_BASE_URL:-}" ]]; then
    : "${SDK_MOCK:?set CPN_BASE_URL (real services) or SDK_MOCK (the vmware-cpn-mock binary)}"
    "$SDK_MOCK" --port 0 >"$work/mock.log" 2>&1 &
    mock_pid=$!
    for _ in $(seq 100); do
        grep -q "VCPP client credentials" "$work/mock.log" && break
        sleep 0.1
    done
    said() { sed -n "s|^ *$1: *||p" "$work/mock.log"; }
    export CPN_BASE_URL=$(said "CPHub/Navigator base URL")
    export CPN_ORG_ID=$(said "provider organization")
    export CPN_REFRESH_TOKEN=$(said "refresh token")
    export VCPP_BASE_URL=$(said "VCPP base URL")
    credentials=$(said "VCPP client credentials")
    export VCPP_CLIENT_ID=${credentials%% / *}
    export VCPP_CLIENT_SECRET=${credentials##* / }
    TOUR_WRITE=1 TOUR_PLACE_ORDER=1
    # The mock's usage records are from 2019 (September).
    USAGE_SINCE=2019-01 USAGE_MONTH=2019-09
fi
# Scripts read JSON or single fields; no progress bars in logs.
export CPN_CONFIG="$work/config.json"
cpn() { "$CPN" --quiet "$@"; }
step() { printf '%2s. %-42s ' "$1" "$2"; }
skip() { echo "skipped: $1"; }

step 1 "log in"
if [[ -n "${mock_pid:-}" ]]; then
    # An OAuth app whose secret is chosen here (in a file only this user reads), created with
    # the mock's API token; then the profile holds the app, and the API token is dropped.
    secret="Pd-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')-7z!"
    (umask 077 && printf '{"id": "provider-day", "secret": "%s"}' "$secret" >"$work/app.json")
    cpn auth create-oauth-app --body "$work/app.json" >/dev/null
    printf '%s\n' "$secret" | cpn auth login --kind oauth-app --client-id provider-day
    unset CPN_REFRESH_TOKEN secret
fi
echo "$(cpn auth status --field navigator.kind): $(cpn auth status --field navigator.token)"

step 2 "create a tenant"
if [[ "${TOUR_WRITE:-}" == 1 ]]; then
    tenant=$(cpn tenants create --tenant-type DEFAULT --display-name "Acme $$" \
        --company-name "Acme Inc" --country US --city Atlanta --state GA --zip 30313 \
        --domain acme.example --address-line1 "1 Main St" --field id)
    count=$(cpn tenants list --field id | wc -l)
    echo "tenant $tenant; $count tenant(s)"
else
    skip "set TOUR_WRITE=1"
fi

step 3 "invite a user and change their roles"
if [[ "${TOUR_WRITE:-}" == 1 ]]; then
    user='[{"username":"jane.operator@acme.example"}]'
    cpn users invite --users "$user" --org-roles-to-add msp:provider_support_user >/dev/null
    cpn users set-roles --users "$user" --role-names-to-add msp:provider_admin \
        --role-names-to-remove msp:provider_support_user >/dev/null
    cpn users invitations --field username | grep -qx jane.operator@acme.example
    echo "jane.operator@acme.example invited, roles changed"
else
    skip "set TOUR_WRITE=1"
fi

step 4 "pull subscriptions and a tenant's usage"
subscriptions=$(cpn subscriptions list --all-tenants true -o csv | sed 1d | wc -l)
usage_tenant=$(cpn usage get --field orgId | sed -n 1p)
# Dates as dates: a month (its first day), a day, RFC 3339 or epoch seconds/milliseconds;
# cpn sends each report the unit it takes. The report covers up to six months.
since=${USAGE_SINCE:-$(date -u -d '5 months ago' +%Y-%m 2>/dev/null || date -u -v-5m +%Y-%m)}
# Every tenant's rows of one month in one table with a `tenant` column (also --format jsonl,
# and parquet with cpn's `parquet` feature); a failed tenant fails the step.
month=${USAGE_MONTH:-$(date -u -d 'last month' +%Y-%m 2>/dev/null || date -u -v-1m +%Y-%m)}
cpn usage export --all-tenants --month "$month" --format csv --output "$work/usage-all.csv"
exported="$month: $(sed 1d "$work/usage-all.csv" | wc -l) row(s) of every tenant in one CSV"
if [[ -n "$usage_tenant" ]]; then
    cpn usage get --tenant-id "$usage_tenant" --start-time "$since" >"$work/usage.json"
    cpn usage download --tenant-id "$usage_tenant" --start-time "$since" \
        --output-file "$work/usage.csv"
    echo "$subscriptions subscription(s); $usage_tenant: CSV of $(wc -l <"$work/usage.csv") line(s); $exported"
else
    echo "$subscriptions subscription(s); no usage reported yet; $exported"
fi

step 5 "open a ticket, attach a file, update"
if [[ "${TOUR_WRITE:-}" == 1 ]]; then
    reference="TOUR-$$"
    cpn tickets create --severity "3 - Medium" --category Billing \
        --title "Usage report question" --description "The usage report lists a SKU twice." \
        --internal-ticket-id "$reference"
    ticket=$(cpn tickets list --include-tenant-orgs true --internal-ticket-id "$reference" --field id)
    echo "SKU listed twice: see row 3" >"$work/usage-notes.txt"
    cpn tickets attach --support-request-id "$ticket" --file "$work/usage-notes.txt" >/dev/null
    status=$(cpn tickets update --support-request-id "$ticket" \
        --additional-details "Attached the notes." --support-ticket-action UPDATE --field status)
    echo "ticket $ticket ($status), notes attached"
else
    skip "set TOUR_WRITE=1"
fi

step 6 "get an MSP subscription"
subscription=${CPN_MSP_SUBSCRIPTION_ID:-$(cpn subscriptions search --all --field id | sed -n 1p)}
if [[ -n "$subscription" ]]; then
    echo "$subscription: $(cpn subscriptions get --subscription-id "$subscription" --field status)"
else
    skip "no MSP subscription found; set CPN_MSP_SUBSCRIPTION_ID"
fi

if [[ -z "${VCPP_CLIENT_SECRET:-}" ]]; then
    step 7 "VCPP: token, contracts, order, feed"
    skip "set VCPP_BASE_URL, VCPP_CLIENT_ID and VCPP_CLIENT_SECRET"
    exit 0
fi

step 7 "get a VCPP bearer token"
echo "valid $(( $(cpn vcpp get-token --field expires_in) / 60 )) min"

step 8 "list commit contracts"
contract=$(cpn vcpp list-commit-contracts --field contractNumber | sed -n 1p)
echo "first contract: ${contract:-none}"

step 9 "place an order"
if [[ "${TOUR_PLACE_ORDER:-}" == 1 ]]; then
    cat >"$work/order.json" <<JSON
{"OrderRequest": {"source": "VSPP-EXT-API", "orders": {"order": {
  "originalOrderNumber": "${contract:-12611521}", "resellerInfo": {"ID": "1349347"},
  "poType": "NEW_SERVICE_REQUEST",
  "orderContactList": {"orderContact": {"customerNumber": "9125255974", "emailAddress": "jdoe@vmware.com"}},
  "orderLineList": {"orderLineItem": [{"partNumber": "HCX-ALLCR-03PT0-C1S", "quantity": "1"}]}}}}}
JSON
    request=$(cpn orders place --body "$work/order.json" --field requestId)
    echo "request $request"
else
    skip "set TOUR_PLACE_ORDER=1 (an order is real money)"
fi

step 10 "find the order in the order feed"
if [[ -n "${request:-}" ]]; then
    echo "order number $(cpn orders feed --request-id "$request" --field orderNumber | sed -n 1p)"
else
    echo "$(cpn orders feed --field orderNumber | wc -l) order line(s) in the feed"
fi

echo
echo "The provider's day is over: every step answered."
