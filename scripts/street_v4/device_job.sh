#!/usr/bin/env bash
# One GPU job (a lent H100): street-v4's new-class head at two widths, trained side by side on the
# same rendered scenes. Run from the repository root with var/device (real images, base weights,
# font) and .whl (ultralytics wheels) carried.
#   bash scripts/street_v4/device_job.sh HOURS
set -uo pipefail
HOURS=${1:-0.08}
OUT=${OUT:-/tmp/out}
PY=${PY:-python3}
WIDTHS=${WIDTHS:-"32 24"}
$PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD YOLO_OFFLINE=1 YOLO_CONFIG_DIR=/tmp/ycfg PYTHONUNBUFFERED=1
export ENFORCE_CJK_FONT=$PWD/var/device/fonts/wqy-microhei.ttc
nvidia-smi -L
start=$(date +%s)
$PY scripts/street_v4/train_street_v4.py --real var/device/street_real --out /tmp/render --render-only \
  --synth /tmp/street_synth || exit 1
echo "rendered after $(( $(date +%s) - start )) s"
pids=""
for w in $WIDTHS; do
  $PY scripts/street_v4/train_street_v4.py --real var/device/street_real --base var/device/street-v4-base-w$w.pt \
    --out /tmp/v4w$w --synth /tmp/street_synth --hours "$HOURS" --workers 7 >/tmp/v4w$w.log 2>&1 &
  pids="$pids $!"
done
for p in $pids; do wait $p; echo "exit $?"; done
echo "all done after $(( $(date +%s) - start )) s"
for w in $WIDTHS; do
  cp /tmp/v4w$w/best.pt $OUT/v4w$w.pt 2>/dev/null; cp /tmp/v4w$w/results.csv $OUT/v4w$w.csv 2>/dev/null
  tr '\r' '\n' </tmp/v4w$w.log | grep -v "━\|──" | tail -22
  tr '\r' '\n' </tmp/v4w$w.log | grep -v "━" > $OUT/v4w$w-log.txt
done
ls -la $OUT
