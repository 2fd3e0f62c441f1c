#!/bin/sh
# Installs the Debian packages the test suite drives (kustomize via kubectl, shellcheck,
# lua5.1, qemu and a real kernel's headers, …) when they are missing. Needs root or sudo
# and apt-get; without them it prints the command to run and exits 0, so `npm run setup`
# still installs and synthesizes. Under CI=true a missing tool is an error.
set -eu

packages="shellcheck lua5.1 qemu-system-x86 busybox-static kmod openssl git linux-headers-amd64 make gcc"
command -v kubectl >/dev/null 2>&1 && kubectl version --client >/dev/null 2>&1 || packages="$packages kubernetes-client"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
# The real-kernel test fetches the kernel image matching the headers with `apt-get download`,
# which needs package lists even when every tool is installed.
lists_present() { ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; }
if [ -z "$missing" ] && lists_present; then
  echo "test tools: all present"
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  if [ -z "$missing" ]; then
    echo "no apt package lists: run 'sudo apt-get update' so the real-kernel test can fetch its kernel image" >&2
    exit 0
  fi
  echo "test tools missing:$missing" >&2
  echo "install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
[ -z "$missing" ] && exit 0
echo "installing test tools:$missing"
# shellcheck disable=SC2086 # word splitting of the package list is intended
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
