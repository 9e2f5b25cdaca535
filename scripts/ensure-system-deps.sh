#!/usr/bin/env bash
# Checks the Debian packages Runlog's build and tests need and installs the missing ones
# (as root), or prints the exact command to run (otherwise). A fast no-op when all are present.
#
#   chromium         the browser the integration, e2e and start checks drive (/usr/bin/chromium)
#   libkrb5-dev      code-server's `kerberos` native module compiles against it
#   ripgrep          code-server's @vscode/ripgrep would download rg; Debian's is used instead
#   build-essential  node-gyp builds code-server's native modules (node-pty, kerberos, …)
#   python3 (+venv)  node-gyp, and the Python client's tests
#   git              vsce and the tests
#   docker-registry  the real OCI registry the promotion tests and benchmark push to (on loopback)
#   skopeo           an independent client that reads back what promotion pushed
#   apache2-utils    htpasswd -B, for the registry's basic-auth test
set -euo pipefail

missing=()

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
have_pkg libkrb5-dev || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
if ! have_pkg build-essential; then
  # A machine may have a compiler toolchain without the meta package; that is enough for node-gyp.
  { command -v make && command -v g++; } >/dev/null 2>&1 || missing+=(build-essential)
fi
if ! command -v python3 >/dev/null 2>&1; then
  missing+=(python3 python3-venv)
elif ! python3 -m venv --help >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
command -v git >/dev/null 2>&1 || missing+=(git)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "[runlog] missing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "[runlog] please install them, then run this again:"
  echo "  sudo apt-get install -y ${missing[*]}"
  exit 1
fi

echo "[runlog] installing: apt-get install -y ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
echo "[runlog] system packages installed"
