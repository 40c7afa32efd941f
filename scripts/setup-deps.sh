#!/usr/bin/env bash
# Installs every Debian package the platform needs to build, run and test.
# Idempotent: packages already present are skipped; apt is only called when something is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git openssl curl ca-certificates procps tzdata jq
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libpqxx-dev librabbitmq-dev libsodium-dev libcpp-jwt-dev nlohmann-json3-dev prometheus-cpp-dev
  libspdlog-dev libfmt-dev libprotobuf-dev libicu-dev libabsl-dev libssl-dev libpq-dev
  libjemalloc-dev libpng-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-16 libclang-rt-16-dev  # the fuzzers (libFuzzer, make fuzz)
  postgresql-15 rabbitmq-server wrk
  docker-compose prometheus python3-yaml mmdebstrap
  nodejs chromium chromium-driver
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PHONE_DIR="$ROOT/.deps/libphonenumber"

# libphonenumber-dev in Debian 12 depends on the Boost 1.74 -dev packages, which cannot be
# installed next to Boost 1.81 (needed for JSON and URL). The library itself does not use Boost,
# so its headers and the static archive the services link (see CMakeLists.txt) are taken from
# the -dev package without installing it; protobuf, ICU and Abseil come from their -dev packages.
install_phonenumber_headers() {
  [ -f "$PHONE_DIR/usr/include/phonenumbers/phonenumberutil.h" ] && return 0
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download libphonenumber-dev >/dev/null 2>&1) || { apt-get update -qq; (cd "$tmp" && apt-get download libphonenumber-dev >/dev/null 2>&1); }
  mkdir -p "$PHONE_DIR"
  dpkg-deb -x "$tmp"/libphonenumber-dev_*.deb "$PHONE_DIR"
  rm -rf "$tmp"
  echo "setup-deps: libphonenumber headers in $PHONE_DIR"
}

if [ ${#missing[@]} -eq 0 ]; then
  install_phonenumber_headers
  echo "setup-deps: all packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-deps: missing packages (${missing[*]}); run as root or install them" >&2
  exit 1
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A stale or absent package list makes apt-get fail to find packages; refresh it once.
apt-get update -qq
# The image may have no policy-rc.d; make sure installing rabbitmq-server/postgresql does not start system daemons.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_phonenumber_headers
