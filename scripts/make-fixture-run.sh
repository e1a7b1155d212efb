#!/bin/sh
# Regenerates testdata/runs/iris-adafisher, the run directory the typed
# readers' tests read (rundir, train): a tiny AdaFisher run on iris with
# step, eval, epoch, curvature and final records, weight snapshots and
# factor snapshots with full factors. Run from the repository root; the
# timings in metrics.jsonl differ from run to run, nothing else does.
set -e
rm -rf testdata/runs/iris-adafisher
go run ./cmd/landscape train --dataset iris --standardize --test-fraction 0.2 --model mlp --hidden 4 \
	--optimizer adafisher --lr 0.01 --tcov 5 --full-factors --batch-size 32 --steps 20 \
	--snapshot-every 10 --snapshot-factors-every 10 --eval-every 1ns --seed 1 --out testdata/runs/iris-adafisher
