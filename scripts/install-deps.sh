#!/usr/bin/env bash
# Installs the Debian packages flod needs to build, test and benchmark, and only those that are
# missing. As root it runs apt-get; otherwise it prints the exact command and stops.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libboost-dev libspdlog-dev libcli11-dev nlohmann-json3-dev libxxhash-dev
  libtomlplusplus-dev libsystemd-dev libisal-dev libgtest-dev libgmock-dev libbenchmark-dev
  libgoogle-perftools-dev
  redis-tools python3 python3-redis valgrind
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "flod needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
