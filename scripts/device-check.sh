#!/usr/bin/env bash
# Checks the accelerator backend on a machine with a GPU: the device tests
# (every kernel against the CPU reference, the MLP trained with Adam and
# AdaFisher against nn and optim) on the first GPU with CI=true, so that a
# missing driver fails instead of skipping; the device benchmarks (GEMM and
# an MLP training step, CPU and OpenCL in one run); and PyTorch's timings of
# the same work on CUDA beside them. Results go to the directory given
# (default device-check/), a summary to stdout.
#
#   scripts/device-check.sh [outdir]
#
# Needs Go, the GPU's OpenCL driver (NVIDIA: the driver's libnvidia-opencl;
# AMD: ROCm's OpenCL; Intel: intel-opencl-icd), ocl-icd-libopencl1,
# libclblast1 and, for the PyTorch column, a CUDA build of torch.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-device-check}
mkdir -p "$out"
status=0

echo "== devices"
if command -v clinfo >/dev/null 2>&1; then
  clinfo -l 2>&1 | tee "$out/clinfo.txt"
else
  echo "clinfo is not installed (apt-get install clinfo); the tests list the devices too"
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L | tee "$out/nvidia-smi.txt"

echo "== tests (CI=true: no skipping)"
if CI=true CGO_ENABLED=0 go test -count=1 -v ./device/... >"$out/tests.txt" 2>&1; then
  echo "device tests: PASS"
else
  echo "device tests: FAIL (see $out/tests.txt)"
  status=1
fi
grep -E "^(ok|FAIL|---)" "$out/tests.txt" | grep -v "^--- PASS" | head -40
grep -m1 "opencl:" "$out/tests.txt" || true

echo "== benchmarks (CPU and OpenCL in the same run)"
CGO_ENABLED=0 go test -run '^$' -bench . -benchtime 2s ./device/opencl 2>&1 | tee "$out/bench.txt" | grep -E "Benchmark|ok|FAIL"

echo "== PyTorch, the same GEMMs and MLP step"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if "$py" -c 'import torch' >/dev/null 2>&1; then
  "$py" scripts/device_bench_torch.py | tee "$out/torch.jsonl"
else
  echo "no PyTorch for $py: skipped"
fi

echo "== landscape bench --device opencl"
if go run ./cmd/landscape bench --help 2>&1 | grep -q -- '-device'; then
  go run ./cmd/landscape bench --device opencl 2>&1 | tee "$out/landscape-bench.txt"
else
  echo "this landscape has no bench --device yet: skipped"
fi
exit $status
