#!/usr/bin/env bash
# Installs what pygrade needs on a Debian or Ubuntu machine, and nothing it
# already has: Debian's libpython3 with its headers and pkg-config file
# (python3-dev), and libseccomp. The tests also validate reports against
# docs/*.schema.json with Debian's python3-jsonschema, and render
# `batch --report` in Debian's headless chromium. The service's embedded
# queue links SQLite (libsqlite3-dev), and its tests start a throw-away
# PostgreSQL cluster from Debian's server binaries (postgresql).
set -euo pipefail

need=()
command -v pkg-config >/dev/null || need+=(pkg-config)
PKG_CONFIG_PATH= pkg-config --exists python3-embed 2>/dev/null || need+=(python3-dev)
[ -f /usr/include/seccomp.h ] || need+=(libseccomp-dev)
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || need+=(python3-jsonschema)
# Headless Chromium renders `batch --report` in the end-to-end tests.
command -v chromium >/dev/null || need+=(chromium)
# The queue: SQLite's headers for GRDB, PostgreSQL's initdb/pg_ctl for the tests.
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)

if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "setup: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
