#!/usr/bin/env bash
# Installs what the notebooks need on a Debian 12 machine with Go 1.26, and
# registers the Go kernel with Jupyter:
#
#   - Debian's jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client
#     (what the tests run) and jupyter-notebook (the browser interface; not
#     with --no-server);
#   - gonb (the kernel), goimports and gopls, at the versions notebooks/tools/go.mod
#     pins as tools (gonb v0.11.1, gopls v0.23.0: later gopls needs Go 1.27),
#     with "go install tool" into $(go env GOBIN) or $(go env GOPATH)/bin. The
#     module proxy refuses gonb's version list, so
#     "go install github.com/janpfeifer/gonb@v0.11.1" fails; installing from
#     that tools module works;
#   - the kernel registration (gonb --install: ~/.local/share/jupyter/kernels/gonb).
#
# Usage: notebooks/setup.sh [--no-server]
# Safe to run again: it installs only what is missing or at another version.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")"
server=1
for a in "$@"; do
  case "$a" in
    --no-server) server=0 ;;
    -h|--help) sed -n '2,17p' "$self"; exit 0 ;;
    *) echo "setup.sh: unknown argument $a (want --no-server)" >&2; exit 2 ;;
  esac
done
command -v go >/dev/null || { echo "setup.sh: go is not on PATH" >&2; exit 1; }
gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH | cut -d: -f1)/bin"
user_path="$PATH"
export PATH="$PATH:$gobin"

# Debian's packages.
pkgs=(jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client)
[ "$server" = 1 ] && pkgs+=(jupyter-notebook)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "setup.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# gonb, goimports and gopls at the pinned versions: "go version -m" names the
# module version each binary was built from.
built() { # binary module -> the version of module the binary was built from
  go version -m "$gobin/$1" 2>/dev/null | awk -v m="$2" '($1 == "mod" || $1 == "dep") && $2 == m { print $3; exit }'
}
pinned() { (cd tools && go list -m -f '{{.Version}}' "$1"); }
stale=0
for t in "gonb github.com/janpfeifer/gonb" "goimports golang.org/x/tools" "gopls golang.org/x/tools/gopls"; do
  set -- $t
  if [ "$(built "$1" "$2")" != "$(pinned "$2")" ]; then
    stale=1
  fi
done
if [ "$stale" = 1 ]; then
  echo "setup.sh: installing gonb $(pinned github.com/janpfeifer/gonb), goimports and gopls $(pinned golang.org/x/tools/gopls) into $gobin"
  (cd tools && GOBIN="$gobin" go install tool)
fi

# The kernel registration: kernel.json pointing at this gonb.
spec="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels/gonb/kernel.json"
if ! grep -qs "\"$gobin/gonb\"" "$spec"; then
  log="$(mktemp)"
  if ! "$gobin/gonb" --install >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  echo "setup.sh: registered the Go (gonb) kernel in $spec"
fi

case ":$user_path:" in
  *":$gobin:"*) ;;
  *) echo "setup.sh: add $gobin to your PATH before starting Jupyter: the kernel runs gonb's goimports and gopls, and go, from PATH" ;;
esac
echo "setup.sh: ready ($(jupyter nbconvert --version 2>/dev/null | sed 's/^/nbconvert /'), $("$gobin/gonb" -V), $("$gobin/gopls" version | head -1 | sed 's/.* //' | sed 's/^/gopls /'))"
