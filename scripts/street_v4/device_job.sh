#!/usr/bin/env bash
# One GPU job (a lent H100): street-v4's new-class head in several variants, trained side by side on
# the same rendered scenes. Run from the repository root with var/device (real images, base weights,
# font) and .whl (ultralytics wheels; no polars, see train_street_v4.py) carried.
#   VARIANTS="w32r2:32:2 w32r4:32:4" bash scripts/street_v4/device_job.sh HOURS
# each variant is name:head width:real repeats (base weights var/device/street-v4-base-wWIDTH.pt).
set -uo pipefail
HOURS=${1:-0.08}
OUT=${OUT:-/tmp/out}
PY=${PY:-python3}
VARIANTS=${VARIANTS:-"w32r2:32:2 w24r2:24:2"}
SYNTH_TRAIN=${SYNTH_TRAIN:-3000}
SYNTH_VAL=${SYNTH_VAL:-300}
$PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD YOLO_OFFLINE=1 YOLO_CONFIG_DIR=/tmp/ycfg PYTHONUNBUFFERED=1
export ENFORCE_CJK_FONT=$PWD/var/device/fonts/wqy-microhei.ttc
nvidia-smi -L
start=$(date +%s)
$PY scripts/street_v4/train_street_v4.py --real var/device/street_real --out /tmp/render --render-only \
  --synth /tmp/street_synth --synth-train $SYNTH_TRAIN --synth-val $SYNTH_VAL || exit 1
echo "rendered after $(( $(date +%s) - start )) s"
pids=""
for v in $VARIANTS; do
  IFS=: read -r name w repeats <<<"$v"
  $PY scripts/street_v4/train_street_v4.py --real var/device/street_real --base var/device/street-v4-base-w$w.pt \
    --out /tmp/$name --synth /tmp/street_synth --synth-train $SYNTH_TRAIN --synth-val $SYNTH_VAL \
    --real-repeats "$repeats" --hours "$HOURS" --workers 7 >/tmp/$name.log 2>&1 &
  pids="$pids $!"
done
for p in $pids; do wait $p; echo "exit $?"; done
echo "all done after $(( $(date +%s) - start )) s"
for v in $VARIANTS; do
  name=${v%%:*}
  cp /tmp/$name/best.pt $OUT/$name.pt 2>/dev/null; cp /tmp/$name/results.csv $OUT/$name.csv 2>/dev/null
  tr '\r' '\n' </tmp/$name.log | grep -v "━\|──" | tail -22
  tr '\r' '\n' </tmp/$name.log | grep -v "━" > $OUT/$name-log.txt
done
ls -la $OUT
