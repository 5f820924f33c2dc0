#!/usr/bin/env bash
# Every publishable crate packages and builds from its packaged contents alone (cargo's
# verification), then a project outside the workspace builds against those `.crate` files and
# calls the mock with a client. Run from the workspace root with CARGO_TARGET_DIR set.
set -euo pipefail

: "${CARGO_TARGET_DIR:?set CARGO_TARGET_DIR}"
dev_only=(--exclude xtask --exclude vmware-cpn-tests --exclude vmware-cpn-test-support)
# Verification unpacks the packages of cargo's temporary registry under
# $CARGO_HOME/registry/src/-<hash of that registry's path>/ and reuses an unpacked copy of the
# same name and version even when the package changed, so a second run in the same place would
# verify against the first run's sources: drop our own unpacked copies first.
for unpacked in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/; do
    rm -rf "$unpacked"/{vmware-cpn-*,cphub-*,navigator-msp-*,vcpp-*}
done
cargo package --workspace --locked "${dev_only[@]}"

scratch="$CARGO_TARGET_DIR/scratch"
rm -rf "$scratch"
mkdir -p "$scratch/crates"
cp -r .ci/scratch/. "$scratch/"
{
    echo
    echo "[patch.crates-io]"
    for crate in "$CARGO_TARGET_DIR"/package/*.crate; do
        tar -xzf "$crate" -C "$scratch/crates"
        dir=$(basename "$crate" .crate)
        name=${dir%-*}
        case "$name" in xtask | vmware-cpn-tests | vmware-cpn-test-support) continue ;; esac
        echo "$name = { path = \"crates/$dir\" }"
    done
} >>"$scratch/Cargo.toml"
# The scratch project resolves its own dependencies from crates.io, as a user's would; it
# shares the target directory so the registry crates built above are reused.
(cd "$scratch" && cargo run --quiet)
