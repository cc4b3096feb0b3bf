"""Which INT8 weights suit this CPU: full 8-bit weights need VNNI (or AMX), whose int8 dot products
accumulate without the 16-bit saturation of plain AVX2/AVX-512 (ONNX Runtime's u8s8 path, OpenVINO's
"saturation issue"); elsewhere 7-bit (reduce-range) weights are the safe choice."""

from __future__ import annotations

import functools
import os
from pathlib import Path

# /proc/cpuinfo flags whose int8 products do not saturate: AVX-512 VNNI, AVX-VNNI (its 256-bit form), AMX
VNNI_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})
OVERRIDE_ENV = "ENFORCE_INT8_VNNI"  # "1"/"0": trust or distrust the CPU's VNNI (containers that hide flags)


def cpuinfo_flags(text: str) -> frozenset[str]:
    """The feature flags of the first processor in /proc/cpuinfo's `text` (x86 `flags`, or Arm `Features`)."""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def has_vnni_flags(flags: frozenset[str]) -> bool:
    return not VNNI_FLAGS.isdisjoint(flags)


@functools.cache
def _cpu_has_vnni(cpuinfo: Path) -> bool:
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux: the 7-bit weights, right everywhere
        return False
    return has_vnni_flags(cpuinfo_flags(text))


def cpu_has_vnni(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True where full 8-bit INT8 weights run without saturating; `ENFORCE_INT8_VNNI` (1/0) overrides."""
    override = os.environ.get(OVERRIDE_ENV, "").strip()
    if override in ("0", "1"):
        return override == "1"
    if override:
        raise ValueError(f"{OVERRIDE_ENV} must be 1 or 0, not {override!r}")
    return _cpu_has_vnni(cpuinfo)
