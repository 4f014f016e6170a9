#!/usr/bin/env bash
# Compiles services/, schemas/ and bench/ into dist/ (tsconfig.build.json; `make build`). Does nothing when dist/ is
# newer than every source; `--force` always builds. Type errors do not stop it (`make typecheck` judges types, as tsx
# never did); a syntax error or a missing compiler does, with the reason. A lock makes processes started together
# build once. Compiled files whose source is gone are removed, so dist/ never runs deleted code.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"
stamp=dist/.build-stamp

stale() {
  [[ -f $stamp ]] || return 0
  local newer
  local dirs=() dir
  for dir in services schemas bench; do [[ -d $dir ]] && dirs+=("$dir"); done
  newer="$(find "${dirs[@]}" -path bench/out -prune -o \( -name '*.ts' -o -type d \) -newer "$stamp" -print -quit)"
  [[ -n $newer ]] || [[ tsconfig.json -nt $stamp ]] || [[ tsconfig.build.json -nt $stamp ]] || [[ package-lock.json -nt $stamp ]]
}

[[ ${1:-} == --force ]] || stale || exit 0
mkdir -p dist
exec 9>dist/.build-lock
flock 9
[[ ${1:-} == --force ]] || stale || exit 0 # another process built it while we waited

tsc=node_modules/typescript/bin/tsc
if [[ ! -f $tsc ]]; then
  echo "distillguard: dist/ is missing or older than the sources, and the TypeScript compiler is not installed" >&2
  echo "  (npm ci installs it; in an image, build dist/ where it is: see infra/Dockerfile)" >&2
  exit 1
fi
touch "$stamp.next" # sources changed while tsc runs stay newer than the stamp
if ! out="$(node "$tsc" -p tsconfig.build.json 2>&1)"; then
  echo "distillguard: building dist/ failed (node $tsc -p tsconfig.build.json):" >&2
  echo "$out" >&2
  exit 1
fi
while IFS= read -r js; do
  source="${js#dist/}"
  [[ -f ${source%.js}.ts ]] || rm -f "$js" "$js.map"
done < <(find dist -name '*.js')
mv "$stamp.next" "$stamp"
