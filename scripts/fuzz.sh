#!/usr/bin/env bash
# Runs every fuzz target of the module (each func FuzzXxx in a _test.go file)
# for N seconds (default 3), one after another, and fails on the first crash;
# Go writes the crashing input to the package's testdata/fuzz/FuzzXxx/, where
# it joins the seed corpus that plain `go test` replays.
#
#   scripts/fuzz.sh        # 3 s per target
#   scripts/fuzz.sh 60     # a minute per target
set -euo pipefail
secs="${1:-3}"
cd "$(dirname "$0")/.."

start=$(date +%s)
count=0
while IFS=: read -r file name; do
	pkg="./$(dirname "$file")"
	echo "fuzz: $pkg $name (${secs}s)"
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "${secs}s" "$pkg"
	count=$((count + 1))
done < <(grep -rHo --include='*_test.go' --exclude-dir=node_modules '^func Fuzz[A-Za-z0-9_]*' . |
	sed 's|^\./||; s|:func |:|' | sort)
echo "fuzz: $count targets, $(($(date +%s) - start)) s in all"
