#!/usr/bin/env bash
# build.sh: the action's first step. Puts a covaudit binary in a folder of its own and writes its
# path to $GITHUB_OUTPUT as covaudit=PATH (run.sh reads it as $COVAUDIT).
#
# INPUT_VERSION empty: build from the action's own checkout (the folder above this script, which
# GitHub also names $GITHUB_ACTION_PATH), so the binary is the same commit as run.sh and knows
# every flag run.sh passes. INPUT_VERSION set (v1.2.3, latest, a commit): go install that module
# version instead. Either way needs Go (the action's setup-go step) and the module proxy.
#
# Runs outside GitHub too: without RUNNER_TEMP the binary goes to a new temporary folder, without
# GITHUB_OUTPUT its path is printed on stdout only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${GITHUB_ACTION_PATH:-$here/..}
version=${INPUT_VERSION:-}

if [ -n "${RUNNER_TEMP:-}" ]; then
  bin=$RUNNER_TEMP/covaudit-bin
else
  bin=$(mktemp -d "${TMPDIR:-/tmp}/covaudit-bin.XXXXXX")
fi
mkdir -p "$bin"
exe=covaudit
case "$(uname -s)" in MINGW* | MSYS* | CYGWIN*) exe=covaudit.exe ;; esac

if ! command -v go >/dev/null 2>&1; then
  echo "::error title=covaudit::go is not on PATH: keep the action's setup-go input true, or set up Go before this step"
  exit 2
fi

# A static binary, as the Dockerfile builds it; CGO_ENABLED from the caller wins (a local build
# cache made with cgo on is then reused).
export CGO_ENABLED=${CGO_ENABLED:-0}
if [ -z "$version" ]; then
  echo "covaudit: building from $src"
  (cd "$src" && go build -o "$bin/$exe" ./cmd/covaudit)
else
  echo "covaudit: go install github.com/covaudit/covaudit/cmd/covaudit@$version"
  GOBIN=$bin go install "github.com/covaudit/covaudit/cmd/covaudit@$version"
fi

"$bin/$exe" version
echo "covaudit=$bin/$exe"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "covaudit=$bin/$exe" >>"$GITHUB_OUTPUT"
fi
