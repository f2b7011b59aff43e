#!/usr/bin/env bash
# The whole book from an empty cache on a CUDA GPU, timed, with its headline numbers set against
# a CPU build's. A benchmark, not a test: run it on a machine with a GPU.
#
#   bash bench/gpu_book.sh [PYTHON] [CPU_RESULTS_JSON] [OUT_DIR]
#
# PYTHON is an interpreter with requirements.txt's packages and a CUDA build of torch (the
# project's .venv holds the CPU wheel and fails the CUDA check below). The build runs in a
# scratch copy of the work tree with its own data and empty cache, so nothing here is touched.
# OUT_DIR (default: the scratch copy) receives the log, results.json, report.pdf and timings.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(realpath "${1:-.venv/bin/python}")
cpu_results=${2:+$(realpath "$2")}
"$python" -c 'import sys, torch; torch.cuda.is_available() or sys.exit("no CUDA GPU visible to this torch: nothing to measure")'

scratch=$(mktemp -d)
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$scratch"
out=$(mkdir -p "${3:-$scratch}" && realpath "${3:-$scratch}")
cd "$scratch"
git init -q && git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm "scratch copy"
"$python" -c 'import torch; print("GPU:", torch.cuda.get_device_name(0), "| torch", torch.__version__)' | tee "$out/timings.txt"

started=$(date +%s)
make -j2 report PYTHON="$python" 2>&1 | tee "$out/build.log"
echo "make -j2 report from an empty cache: $(( $(date +%s) - started )) s" | tee -a "$out/timings.txt"
grep -h "^Executed " "$out/build.log" | tee -a "$out/timings.txt"
cp build/results.json report.pdf "$out/"
if [ -n "$cpu_results" ]; then
  "$python" -m bench.compare_results build/results.json "$cpu_results" --labels GPU CPU | tee "$out/comparison.md"
fi
