#!/usr/bin/env bash
# One GPU job (a lent H100): street-v2 in two variants (backbone frozen / all layers) and, when its
# data is carried, aerial-v2; all trainings share the GPU at once. Run from the repository root with
# var/device (real images, base weights, font) and .whl (ultralytics wheels) carried.
#   bash scripts/street_v2/device_job.sh HOURS
set -uo pipefail
HOURS=${1:-0.09}
OUT=${OUT:-/tmp/out}
PY=${PY:-python3}  # a local dry run: PY=.venv/bin/python SYNTH_TRAIN=8 SYNTH_VAL=2 EXTRA="--device cpu --epochs 1 --imgsz 160"
SYNTH_TRAIN=${SYNTH_TRAIN:-3000}
SYNTH_VAL=${SYNTH_VAL:-300}
EXTRA=${EXTRA:-}
$PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD YOLO_OFFLINE=1 YOLO_CONFIG_DIR=/tmp/ycfg PYTHONUNBUFFERED=1
export ENFORCE_CJK_FONT=$PWD/var/device/fonts/wqy-microhei.ttc
nvidia-smi -L
start=$(date +%s)
$PY scripts/street_v2/train_street_v2.py --real var/device/street_real --base var/device/street-v2-base.pt \
  --out /tmp/v2a --render-only --synth /tmp/street_synth --synth-train $SYNTH_TRAIN --synth-val $SYNTH_VAL || exit 1
echo "street synth rendered after $(( $(date +%s) - start )) s"
$PY scripts/street_v2/train_street_v2.py --real var/device/street_real --base var/device/street-v2-base.pt \
  --out /tmp/v2a --synth /tmp/street_synth --freeze ${FREEZE_A:-10} --hours "$HOURS" --workers ${WORKERS_A:-6} --real-repeats ${REPEATS_A:-2} $EXTRA >/tmp/v2a.log 2>&1 &
A=$!
if [ -n "${ONLY_A:-}" ]; then wait $A; echo "v2a exit $?"; cp /tmp/v2a/best.pt $OUT/v2a.pt; cp /tmp/v2a/results.csv $OUT/v2a.csv
  tr '\r' '\n' </tmp/v2a.log | grep -v "━" | tail -30; exit 0; fi
$PY scripts/street_v2/train_street_v2.py --real var/device/street_real --base var/device/street-v2-base.pt \
  --out /tmp/v2b --synth /tmp/street_synth --freeze 0 --hours "$HOURS" --workers 6 $EXTRA >/tmp/v2b.log 2>&1 &
B=$!
C=""
if [ -f var/device/aerial_job.sh ]; then
  bash var/device/aerial_job.sh "$HOURS" >/tmp/aerial.log 2>&1 &
  C=$!
fi
wait $A; echo "v2a exit $?"; wait $B; echo "v2b exit $?"
[ -n "$C" ] && { wait $C; echo "aerial exit $?"; }
echo "all done after $(( $(date +%s) - start )) s"
for v in v2a v2b; do
  cp /tmp/$v/best.pt $OUT/$v.pt 2>/dev/null; cp /tmp/$v/results.csv $OUT/$v.csv 2>/dev/null
  tr '\r' '\n' </tmp/$v.log | grep -v "━\|──" | tail -40
done
[ -n "$C" ] && { cp /tmp/aerial/best.pt $OUT/aerial.pt 2>/dev/null; cp /tmp/aerial/results.csv $OUT/aerial.csv 2>/dev/null; tr '\r' '\n' </tmp/aerial.log | grep -v "━\|──" | tail -25; }
tr '\r' '\n' </tmp/v2a.log | grep -v "━" > $OUT/logs.txt; tr '\r' '\n' </tmp/v2b.log | grep -v "━" >> $OUT/logs.txt
ls -la $OUT
