#!/bin/bash
# The whole test suite: unit tests, then kernel tests (*IT) that run as root on this kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
mvn -B verify "$@"
