#!/usr/bin/env bash
# Builds every image of the platform, tagged `latest` and $VERSION (default: git describe).
#
#   scripts/build-images.sh [--push REGISTRY] [--only NAME[,NAME...]] [--builder docker|buildah]
#
# The C++ services share one build stage (identical in every Dockerfile), so the first image
# compiles the C++ and the others reuse that cached stage. The frontend is built when frontend/
# exists. --push REGISTRY (e.g. ghcr.io/acme) pushes <REGISTRY>/rent-to-own/<name>:{latest,VERSION}.
# Labels: org.opencontainers.image.version/revision from VERSION and the git commit.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

REGISTRY="" ONLY="" BUILDER=""
while [ $# -gt 0 ]; do
  case $1 in
    --push) REGISTRY=${2:?--push needs a registry}; shift 2 ;;
    --only) ONLY=${2:?}; shift 2 ;;
    --builder) BUILDER=${2:?}; shift 2 ;;
    *) echo "usage: $0 [--push REGISTRY] [--only NAMES] [--builder docker|buildah]" >&2; exit 2 ;;
  esac
done
if [ -z "$BUILDER" ]; then
  if docker info > /dev/null 2>&1; then BUILDER=docker; elif command -v buildah > /dev/null; then BUILDER=buildah; else
    echo "build-images: neither a Docker engine nor buildah is available" >&2; exit 1; fi
fi
VERSION=${VERSION:-$(git describe --tags --always --dirty 2> /dev/null || echo dev)}
REVISION=$(git rev-parse HEAD 2> /dev/null || echo unknown)

# name | Dockerfile (C++ images first: the first one fills the shared build stage's cache)
IMAGES=(
  "api-gateway|services/api-gateway/Dockerfile"
  "user-service|services/user-service/Dockerfile"
  "vehicle-service|services/vehicle-service/Dockerfile"
  "credit-service|services/credit-service/Dockerfile"
  "payment-service|services/payment-service/Dockerfile"
  "telematics-service|services/telematics-service/Dockerfile"
  "support-service|services/support-service/Dockerfile"
  "mobile-money-sim|tools/mobile-money-sim/Dockerfile"
  "frontend|deploy/docker/frontend.Dockerfile"
)

build() { # name dockerfile tag...
  local name=$1 file=$2
  shift 2
  local tags=()
  for t in "$@"; do tags+=(-t "$t"); done
  case $BUILDER in
    docker) DOCKER_BUILDKIT=1 docker build -f "$file" --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" "${tags[@]}" . ;;
    buildah) buildah bud --layers --isolation chroot -f "$file" --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" "${tags[@]}" . ;;
  esac
}
push() { case $BUILDER in docker) docker push "$1" ;; buildah) buildah push "$1" "docker://$1" ;; esac; }

built=()
for line in "${IMAGES[@]}"; do
  IFS='|' read -r name file <<< "$line"
  if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$name,"* ]]; then continue; fi
  case $name in
    frontend) [ -f frontend/package.json ] || { echo "build-images: frontend/ not present; skipped"; continue; } ;;
    *) src=$(dirname "$file"); [ -f "$src/CMakeLists.txt" ] || { echo "build-images: $src not present; skipped"; continue; } ;;
  esac
  repo=rent-to-own/$name
  [ -n "$REGISTRY" ] && repo=$REGISTRY/rent-to-own/$name
  echo "build-images: $repo:$VERSION ($file, $BUILDER)"
  build "$name" "$file" "$repo:latest" "$repo:$VERSION"
  built+=("$repo")
done
if [ -n "$REGISTRY" ]; then
  for repo in "${built[@]}"; do push "$repo:$VERSION"; push "$repo:latest"; done
fi
echo "build-images: ${#built[@]} image(s), version $VERSION"
