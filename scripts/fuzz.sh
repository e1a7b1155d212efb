#!/usr/bin/env bash
# Runs every fuzz target of the module (the Fuzz functions in */fuzz_test.go)
# for N seconds each (default 3), one after another, and fails on the first
# crash; Go writes the crashing input to the package's testdata/fuzz/FuzzName/,
# where it becomes part of the seed corpus that plain `go test` replays.
#
#   scripts/fuzz.sh        # 3 s per target
#   scripts/fuzz.sh 60     # a minute per target
set -euo pipefail
secs="${1:-3}"
cd "$(dirname "$0")/.."

start=$(date +%s)
count=0
while IFS= read -r file; do
	pkg="./$(dirname "$file")"
	for name in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
		echo "fuzz: $pkg $name (${secs}s)"
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "${secs}s" "$pkg"
		count=$((count + 1))
	done
done < <(find . -name fuzz_test.go -not -path './node_modules/*' | sed 's|^\./||' | sort)
echo "fuzz: $count targets, $(($(date +%s) - start)) s in all"
