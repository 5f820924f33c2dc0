#!/usr/bin/env bash
# Schemathesis (PyPI) against the vmware-cpn-mock binary for all six specs: a fixed seed, a bounded
# number of examples, every check. Fails on any server error, non-conforming answer or auth
# finding. Usage: .ci/schemathesis.sh PATH-TO-ST PATH-TO-SDK-MOCK
set -euo pipefail
cd "$(dirname "$0")/.."
st=$1
mock_bin=$2

log=$(mktemp)
"$mock_bin" --port 0 >"$log" 2>&1 &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q '^mock serving on ' "$log" && break; sleep 0.1; done
field() { sed -n "s/^ *$1: *//p" "$log" | head -n 1; }
base=$(field 'CPHub\/Navigator base URL')
vcpp_base=$(field 'VCPP base URL')
refresh_token=$(field 'refresh token')
credentials=$(field 'VCPP client credentials')
csp_token_url=$(field 'CSP token URL')
vcpp_token_url=$(field 'VCPP token URL')
vcpp_token_server=$(field 'VCPP token server')
[ -n "$base" ] || { cat "$log"; echo "vmware-cpn-mock did not start" >&2; exit 1; }
export VCPP_CLIENT_ID=${credentials%% / *}
export VCPP_CLIENT_SECRET=${credentials##* / }

# Tokens from the mock's own exchanges, read with the standard library only.
token() {
    python3 - "$@" <<'PY'
import base64, json, sys, urllib.request
url, kind, a, b = sys.argv[1:5]
if kind == "csp":
    request = urllib.request.Request(url, data=json.dumps({"refreshToken": a}).encode(),
                                     headers={"content-type": "application/json"})
else:
    basic = base64.b64encode(f"{a}:{b}".encode()).decode()
    request = urllib.request.Request(url, data=b"", headers={"authorization": f"Basic {basic}"})
body = json.load(urllib.request.urlopen(request))
print(body.get("accessToken") or body.get("access_token"))
PY
}
export CSP_ACCESS_TOKEN
CSP_ACCESS_TOKEN=$(token "$csp_token_url" csp "$refresh_token" -)
export VCPP_ACCESS_TOKEN
VCPP_ACCESS_TOKEN=$(token "$vcpp_token_url" vcpp "$VCPP_CLIENT_ID" "$VCPP_CLIENT_SECRET")

status=0
run() {
    printf '\n--- schemathesis: %s\n' "$*"
    "$st" --config-file .ci/schemathesis.toml run "$@" \
        --workers 1 --no-color --suppress-health-check all || status=1
}
for spec in specs/cphub-*.yaml specs/navigator-msp.yaml; do
    run "$spec" --url "$base"
done
# Schemathesis serves every operation from --url; the VCPP token has a server of its own.
run specs/vcpp.yaml --url "$vcpp_base" --exclude-operation-id get_token
# The stateful phase follows the spec's links, none of which starts or ends at get_token.
run specs/vcpp.yaml --url "$vcpp_token_server" --include-operation-id get_token \
    --phases examples,coverage,fuzzing
exit $status
