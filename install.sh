#!/usr/bin/env bash
# Installs esc-kube from this checkout: dependencies, build, `esc-kube` on the PATH, then a quick start
# that needs no network (the local-static example environment).
#   ESC_KUBE_BIN_DIR=DIR ./install.sh   puts the esc-kube link in DIR instead of /usr/local/bin or ~/.local/bin
set -euo pipefail
cd "$(dirname "$0")"
repo=$(pwd)

need_node() {
  command -v node >/dev/null 2>&1 || { echo "install.sh: esc-kube needs Node.js 20.19 or later; install it first" >&2; exit 1; }
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    { echo "install.sh: esc-kube needs Node.js 20.19 or later; this is $(node --version)" >&2; exit 1; }
}
need_node

echo "==> installing dependencies"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
echo "==> building"
npm run build --silent

bin_dir=${ESC_KUBE_BIN_DIR:-}
if [ -z "$bin_dir" ]; then
  if [ -w /usr/local/bin ]; then bin_dir=/usr/local/bin; else bin_dir="$HOME/.local/bin"; fi
fi
mkdir -p "$bin_dir"
ln -sf "$repo/bin/esc-kube" "$bin_dir/esc-kube"
echo "==> esc-kube linked into $bin_dir"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "    note: $bin_dir is not on your PATH; add it, e.g. export PATH=\"$bin_dir:\$PATH\"" ;;
esac
export PATH="$bin_dir:$PATH"

echo "==> quick start: esc-kube env open local-static --env-dir examples"
esc-kube env open local-static --env-dir "$repo/examples" >/dev/null
esc-kube env open local-static environmentVariables.AWS_REGION --env-dir "$repo/examples" --format string
echo "==> quick start: esc-kube token --env local-static --cluster demo --env-dir examples"
esc-kube token --env local-static --cluster demo --env-dir "$repo/examples" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const c = JSON.parse(s);
    console.log(`${c.kind} ${c.apiVersion}: token of ${c.status.token.length} bytes, expires ${c.status.expirationTimestamp}`);
  });'
echo "esc-kube $(esc-kube --version) is installed. Next: esc-kube --help"
