#!/usr/bin/env bash
# Lint the Go code with golangci-lint (configuration: .golangci.yml).
# Installs the pinned version into $(go env GOPATH)/bin when it is missing;
# it builds from the Go module proxy (about a minute on a new machine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION="${GOLANGCI_LINT_VERSION:-v2.15.0}"
bin="$(go env GOPATH)/bin/golangci-lint"
if ! [[ -x $bin ]] || ! "$bin" version 2>/dev/null | grep -q "version ${VERSION#v}"; then
  echo "==> installing golangci-lint $VERSION"
  GOFLAGS= go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$VERSION"
fi
echo "==> golangci-lint run ($("$bin" version 2>/dev/null | head -n 1))"
"$bin" run ./...
