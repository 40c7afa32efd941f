#!/usr/bin/env bash
# Proves what the runtime stage of the service images carries, without a container engine
# (none can run containers on this machine): the runtime stage's RUN step, read from
# deploy/docker/service.Dockerfile.in, is applied to a Debian 12 minbase root file system
# (mmdebstrap, cached under .data/image-cache/), each service binary is copied in as the
# Dockerfile's COPY does, `ldd` inside the root must resolve every shared library, and the
# service is started from the root (chroot, user 10001 as in the image, the Dockerfile's ENV)
# against the test PostgreSQL and RabbitMQ until GET /health answers 200 (and /ready, for the
# services with a database). Then prints what each image would hold: the runtime root, shared by
# every service image (once), and each image's own files (its binary, the gateway's routes.json,
# the vehicle service's image directory), uncompressed (as tar streams) and gzip-compressed (as a
# registry stores layers); the root's figures are cached with it. What the figures cover and
# leave out: docs/deployment.md, "Image sizes".
#
#   tests/deploy/image-rootfs.sh [BUILD_DIR]      (run as root, test infrastructure running)
#
# The binaries are the ones `make test` built (sanitizer builds): their sanitizer runtimes
# (libasan8, libubsan1) are added, for this test only, to a copy of the root (the sizes are the
# root's without them); the release binaries the images carry do not need them, and are smaller. Exit 0 only when every service passed; when the
# base root file system cannot be made (no Debian mirror reachable), it says SKIPPED and exits 0.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BUILD_DIR=${1:-build/test}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
CACHE=$ROOT/.data/image-cache
STAGE=$ROOT/.data/test/image-root
TEMPLATE=deploy/docker/service.Dockerfile.in
SHIFT=${RTO_PORT_SHIFT:-0}
log() { echo "image-rootfs: $*"; }
fail() { echo "image-rootfs: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "must run as root (chroot)"

# The runtime stage's package RUN step, exactly as the Dockerfiles have it.
RUN_STEP=$(sed -n '/@RUNTIME_PACKAGES_BEGIN@/,/@RUNTIME_PACKAGES_END@/p' "$TEMPLATE" | grep -v '^#' | sed 's/^RUN //' | sed 's/\\$//' | tr '\n' ' ')
[ -n "$RUN_STEP" ] || fail "no runtime RUN step between the markers in $TEMPLATE"
SAN_PKGS=""
# ldd's whole output first: `ldd | grep -q` under pipefail fails when grep stops reading early.
linked=$(ldd "$BUILD_DIR/services/user-service/user-service" 2> /dev/null || true)
if grep -q libasan <<< "$linked"; then SAN_PKGS="libasan8 libubsan1"; fi
key=$(printf '%s' "$RUN_STEP" | sha256sum | cut -c1-16)

mkdir -p "$CACHE"
BASE=$CACHE/debian-bookworm-minbase.tar
RUNTIME=$CACHE/runtime-$key.tar       # what the service images hold below their own files
TESTROOT=$RUNTIME                     # what the services are started from here
[ -z "$SAN_PKGS" ] || TESTROOT=$CACHE/runtime-$key-sanitizers.tar
SIZES=$STAGE.sizes # per-image figures of this run
mounted=()
cleanup() {
  local m
  for m in "${mounted[@]}"; do umount -l "$m" 2> /dev/null || true; done
  for p in "${pids[@]:-}" "${size_pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2> /dev/null || true; done
}
pids=() size_pids=()
trap cleanup EXIT
# Removes the staging root; never through a mount left behind by an interrupted run (/dev is
# bind-mounted into it while services run).
clear_stage() {
  local m
  for m in $(awk -v p="$STAGE/" 'index($2, p) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m" || true; done
  rm -rf --one-file-system "$STAGE"
  mkdir -p "$STAGE"
}

if [ ! -f "$RUNTIME" ]; then
  if [ ! -f "$BASE" ]; then
    command -v mmdebstrap > /dev/null || fail "mmdebstrap not installed (scripts/setup-deps.sh installs it)"
    log "making the Debian 12 minbase root file system (once, cached in $BASE)"
    t0=$(date +%s)
    # mmdebstrap picks the output format from the name: keep .tar at the end.
    if ! mmdebstrap --quiet --variant=minbase bookworm "$CACHE/partial-base.tar" > "$CACHE/mmdebstrap.log" 2>&1; then
      tail -5 "$CACHE/mmdebstrap.log" >&2
      rm -rf "$CACHE/partial-base.tar"
      log "SKIPPED: no Debian 12 base could be made (mirror unreachable?)"
      exit 0
    fi
    mv "$CACHE/partial-base.tar" "$BASE"
    log "base made in $(($(date +%s) - t0)) s, $(du -h "$BASE" | cut -f1)"
  fi
  log "applying the runtime stage's RUN step to the base (once, cached in $RUNTIME)"
  clear_stage
  tar -xf "$BASE" -C "$STAGE"
  cp /etc/resolv.conf "$STAGE/etc/resolv.conf"
  mount -t proc proc "$STAGE/proc" && mounted+=("$STAGE/proc")
  chroot "$STAGE" /bin/sh -c "set -e; export DEBIAN_FRONTEND=noninteractive; $RUN_STEP" > "$CACHE/runtime.log" 2>&1 ||
    { tail -20 "$CACHE/runtime.log" >&2; fail "the runtime RUN step failed in the staging root"; }
  umount -l "$STAGE/proc" && mounted=()
  tar -C "$STAGE" -cf "$CACHE/partial-runtime.tar" . && mv "$CACHE/partial-runtime.tar" "$RUNTIME"
fi
if [ ! -f "$TESTROOT" ]; then
  log "adding the test-only $SAN_PKGS to a copy of the runtime root (once, cached in $TESTROOT)"
  clear_stage
  tar -xf "$RUNTIME" -C "$STAGE"
  cp /etc/resolv.conf "$STAGE/etc/resolv.conf"
  mount -t proc proc "$STAGE/proc" && mounted+=("$STAGE/proc")
  chroot "$STAGE" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $SAN_PKGS && rm -rf /var/lib/apt/lists/*" \
    >> "$CACHE/runtime.log" 2>&1 || { tail -20 "$CACHE/runtime.log" >&2; fail "installing $SAN_PKGS failed"; }
  umount -l "$STAGE/proc" && mounted=()
  tar -C "$STAGE" -cf "$CACHE/partial-runtime.tar" . && mv "$CACHE/partial-runtime.tar" "$TESTROOT"
fi
clear_stage
tar -xf "$TESTROOT" -C "$STAGE"
rm -rf "$SIZES" && mkdir -p "$SIZES"

# The runtime root's figures, computed once per root (cached beside it, in bytes): its tar stream
# and that stream through gzip -6 (the compression registries apply to layers); then the same
# without what the debian:12-slim base of the real images does not carry: documentation, man
# pages and locales (its dpkg configuration leaves them out), and the usrmerge package with the
# full perl it needs (the Debian images are merged-/usr without it).
slim_like() { # the runtime root's tar stream without those files
  python3 - "$RUNTIME" << 'PY'
import fnmatch, sys, tarfile
skip_dirs = ("usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/locale/")
perl_pkgs = ("usrmerge", "perl", "libperl5.*", "perl-modules-5.*", "libfile-find-rule-perl",
             "libnumber-compare-perl", "libtext-glob-perl")
merged = {"bin": "usr/bin", "sbin": "usr/sbin", "lib": "usr/lib", "lib64": "usr/lib64"}
def norm(path):
    path = path[2:] if path.startswith("./") else path.lstrip("/")
    top, _, rest = path.partition("/")
    return merged[top] + "/" + rest if top in merged and rest else path
with tarfile.open(sys.argv[1]) as tar:
    members = tar.getmembers()
    perl_files = set()
    for m in members:
        name = norm(m.name)
        if m.isreg() and name.startswith("var/lib/dpkg/info/") and name.endswith(".list"):
            pkg = name[len("var/lib/dpkg/info/"):-len(".list")].split(":")[0]
            if any(fnmatch.fnmatch(pkg, p) for p in perl_pkgs):
                perl_files.update(norm(l.strip()) for l in tar.extractfile(m).read().decode().splitlines() if l.strip())
    with tarfile.open(fileobj=sys.stdout.buffer, mode="w|", format=tar.format) as out:
        for m in members:
            name = norm(m.name)
            if not m.isdir() and (name.startswith(skip_dirs) or name in perl_files):
                continue
            out.addfile(m, tar.extractfile(m) if m.isreg() else None)
PY
}
if [ ! -f "$RUNTIME.sizes" ]; then
  log "measuring the runtime root (once per root)"
  printf '%s %s %s %s\n' "$(stat -c %s "$RUNTIME")" "$(gzip -c < "$RUNTIME" | wc -c)" \
    "$(slim_like | wc -c)" "$(slim_like | gzip -c | wc -c)" > "$RUNTIME.sizes.tmp"
  mv "$RUNTIME.sizes.tmp" "$RUNTIME.sizes"
fi
read -r root_raw root_gz slim_raw slim_gz < "$RUNTIME.sizes"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
log "runtime root (Debian 12 minbase + the runtime stage's packages): $(mb "$root_raw"), $(mb "$root_gz") gzipped${SAN_PKGS:+; started from a copy with the test-only $SAN_PKGS}"
mount -t proc proc "$STAGE/proc" && mounted+=("$STAGE/proc")
mount --bind /dev "$STAGE/dev" && mounted+=("$STAGE/dev")
getent passwd 10001 > /dev/null 2>&1 || true
chroot "$STAGE" id rto > /dev/null || fail "the runtime step did not create user rto (10001)"

# Environment of each service: scripts/platform.sh's definitions, expanded as it does.
set -a
# shellcheck disable=SC1091
. "$ROOT/.data/test/secrets.env"
# shellcheck disable=SC1091
. "$ROOT/.data/test/infra.env"
set +a
eval "$(sed -n '/^MOMO_CREDENTIALS=/p; /^SERVICES=(/,/^)/p' scripts/platform.sh)"
ENV_DIR=/tmp
BASE_PORT=$((17000 + SHIFT))
i=0
for line in "${SERVICES[@]}"; do
  IFS='|' read -r name _ _ _ _ <<< "$line"
  declare "PORT_${name//-/_}=$((BASE_PORT + i))"
  i=$((i + 1))
done
expand() {
  local s=$1 out="" v
  while [[ $s =~ ^([^$]*)\$\{([A-Za-z_][A-Za-z0-9_]*)\}(.*)$ ]]; do
    v=${BASH_REMATCH[2]}
    out+=${BASH_REMATCH[1]}${!v:-}
    s=${BASH_REMATCH[3]}
  done
  printf '%s' "$out$s"
}

ok=0
for line in "${SERVICES[@]}"; do
  IFS='|' read -r name _ bin envs test_envs <<< "$line"
  [ -x "$BUILD_DIR/$bin" ] || { log "$name: no binary $BUILD_DIR/$bin (not built); skipped"; continue; }
  install -m 755 "$BUILD_DIR/$bin" "$STAGE/usr/local/bin/$name"
  # The Dockerfile's COPY/ENV lines for this service.
  extra=()
  own=("usr/local/bin/$name")
  case $name in
    api-gateway) install -D -m 644 services/api-gateway/routes.json "$STAGE/etc/rto/routes.json"; extra+=(GATEWAY_ROUTES_FILE=/etc/rto/routes.json); own+=(etc/rto/routes.json) ;;
    vehicle-service) install -d -o 10001 -g 10001 "$STAGE/var/lib/rto/images"; extra+=(IMAGE_DIR=/var/lib/rto/images); own+=(var/lib/rto/images) ;;
  esac
  # The image's own files as the layers above the root would hold them; gzip works meanwhile.
  tar -C "$STAGE" -cf - "${own[@]}" | wc -c > "$SIZES/$name.raw"
  (tar -C "$STAGE" -cf - "${own[@]}" | gzip -c | wc -c > "$SIZES/$name.gz") &
  size_pids+=($!)
  missing=$(chroot "$STAGE" ldd "/usr/local/bin/$name" | grep 'not found' || true)
  [ -z "$missing" ] || fail "$name: shared libraries missing from the runtime root: $missing"
  port_var=PORT_${name//-/_}
  port=${!port_var}
  # As scripts/platform.sh starts them: the test environment (the simulator over http), public
  # keys everywhere, the service secret everywhere but the gateway and the simulator.
  env_args=(HOST=127.0.0.1 PORT="$port" TZDIR=/usr/share/zoneinfo LOG_LEVEL=info DEPLOY_ENV=test
    "JWT_PUBLIC_KEYS=$JWT_PUBLIC_KEYS") # AMQP_URL and the database URLs: the service's own, in its line
  case $name in
    api-gateway | mobile-money-sim) ;;
    *) env_args+=("SERVICE_TOKEN_SECRET=$SERVICE_TOKEN_SECRET") ;;
  esac
  for kv in $envs $test_envs; do env_args+=("$(expand "$kv")"); done
  env_args+=("${extra[@]}")
  [ "$name" = mobile-money-sim ] && env_args+=(SIM_PORT="$port")
  chroot --userspec=10001:10001 "$STAGE" /usr/bin/env -i "${env_args[@]}" "/usr/local/bin/$name" > "$ROOT/.data/test/logs/image-$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  t0=$(date +%s.%N)
  want=/health
  code=""
  for _ in $(seq 1 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port$want" || true)
    if [ "$code" = 200 ] && [ "$want" = /health ] && [[ $envs == *DATABASE_URL* ]]; then want=/ready; continue; fi
    [ "$code" = 200 ] && break
    kill -0 "$pid" 2> /dev/null || { tail -5 "$ROOT/.data/test/logs/image-$name.log" >&2; fail "$name exited when started from the runtime root"; }
    sleep 0.2
  done
  [ "$code" = 200 ] || { tail -5 "$ROOT/.data/test/logs/image-$name.log" >&2; fail "$name: GET $want answered '${code:-nothing}' from the runtime root"; }
  user=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo "?")
  log "$name: libraries resolved, GET $want 200 after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f s", b-a}') as uid $user; binary $(du -h "$BUILD_DIR/$bin" | cut -f1)"
  kill "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  ok=$((ok + 1))
done
[ "$ok" -gt 0 ] || fail "no service binary found in $BUILD_DIR"
log "ok: $ok services started from the runtime root"

for p in "${size_pids[@]}"; do wait "$p" || fail "measuring an image's own files failed"; done
size_pids=()
kind=release
[ -z "$SAN_PKGS" ] || kind="sanitizer (make test)"
log "image sizes, uncompressed / gzip -6 (MB = 10^6 bytes; $kind binaries from $BUILD_DIR):"
log "  runtime root, shared by every service image: $(mb "$root_raw") / $(mb "$root_gz");"
log "    without the docs, man pages, locales and usrmerge's perl debian:12-slim has not: $(mb "$slim_raw") / $(mb "$slim_gz")"
log "  image = runtime root + own files:        own files             image               image, slim-like root"
for f in "$SIZES"/*.raw; do
  name=$(basename "$f" .raw)
  raw=$(cat "$f") gz=$(cat "$SIZES/$name.gz")
  log "$(printf '  %-18s %21s   %21s   %21s' "$name" "$(mb "$raw") / $(mb "$gz")" \
    "$(mb $((root_raw + raw))) / $(mb $((root_gz + gz)))" "$(mb $((slim_raw + raw))) / $(mb $((slim_gz + gz)))")"
done
