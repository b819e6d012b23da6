#!/bin/sh
# `npm run example`: Strata's main job on the bundled examples, offline.
#  1. hello: pack a tree into a signed RPM, verify it, publish a signed repository, query it back.
#  2. ExampleOS (examples/distro): `strata build` renders its 9 components, builds what changed,
#     publishes the signed repository, composes the container, distroless and WSL images, writes
#     their SBOMs and signed provenance; `strata verify` then re-checks the container image.
# Keys are throwaway ones made in examples/out on first run (never committed).
set -eu
cd "$(dirname "$0")/.."
strata() { node src/cli/main.ts "$@"; }
out=examples/out

node examples/hello/prepare.ts "$out"
strata pack examples/hello/pack.toml -o table --output-dir "$out/repo" --sign-key "$out/example-key.asc"
strata rpm verify --key "$out/example-key.pub" "$out"/repo/*.rpm
strata repo publish --sign-key "$out/example-key.asc" "$out/repo"
strata repo query --repo "$out/repo" --key "$out/example-key.pub" --verify-packages --qf '%{name}-%{evr}.%{arch}: %{summary}'

[ -f "$out/example.dsse.key" ] || strata key generate-dsse example --output-dir "$out"
# The example images run the build host's statically linked busybox, packed with `strata pack`.
node examples/images/busybox/prepare.ts
strata pack examples/images/busybox/pack.toml -q --output-dir examples/distro/out/rpms
strata build -C examples/distro --sign-key "$out/example-key.asc" --provenance-key "$out/example.dsse.key" --dist .eos1
strata verify --key "$out/example.dsse.pub" examples/distro/out/images/container-base
