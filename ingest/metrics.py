"""Prometheus exposition of camera health snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ingest.health import CameraHealthSnapshot, WorkerState

STATES: tuple[WorkerState, ...] = (
    "starting",
    "running",
    "reconnecting",
    "stalled",
    "finished",
    "failed",
    "crashed",
    "stopped",
)


class CameraHealthCollector(Collector):
    """Reads snapshots at scrape time from `source` (a live supervisor, or the database)."""

    def __init__(self, source: Callable[[], Iterable[CameraHealthSnapshot]]):
        self.source = source

    def collect(self) -> Iterator[Metric]:
        snaps = list(self.source())
        labels = ["camera"]
        gauges = {
            "input_fps": GaugeMetricFamily(
                "enforce_camera_input_fps", "Frames decoded per second", labels=labels
            ),
            "analysed_fps": GaugeMetricFamily(
                "enforce_camera_analysed_fps", "Frames analysed per second", labels=labels
            ),
            "clock_offset_s": GaugeMetricFamily(
                "enforce_camera_clock_offset_seconds", "Camera clock minus server clock", labels=labels
            ),
            "last_frame": GaugeMetricFamily(
                "enforce_camera_last_frame_timestamp_seconds", "Capture time of the last frame", labels=labels
            ),
        }
        drift = GaugeMetricFamily(
            "enforce_camera_view_offset_pixels",
            "How far the picture drifted from the view its analysis started on (zones follow it)",
            labels=["camera", "axis"],
        )
        view_lost = GaugeMetricFamily(
            "enforce_camera_view_lost",
            "1 when the camera shows another view than its zones were drawn on (no rule runs)",
            labels=labels,
        )
        clock_flag = GaugeMetricFamily(
            "enforce_camera_clock_flagged", "1 when the camera clock is more than 1 s off", labels=labels
        )
        state = GaugeMetricFamily(
            "enforce_camera_state", "1 for the worker's current state", labels=["camera", "state"]
        )
        counters = {
            "frames_total": CounterMetricFamily("enforce_camera_frames", "Frames decoded", labels=labels),
            "frames_analysed": CounterMetricFamily(
                "enforce_camera_frames_analysed", "Frames analysed", labels=labels
            ),
            "skipped_by_motion": CounterMetricFamily(
                "enforce_camera_skipped_by_motion",
                "Analysed frames without motion (detector skipped)",
                labels=labels,
            ),
            "violations": CounterMetricFamily(
                "enforce_camera_violations", "Violations submitted", labels=labels
            ),
            "reconnects": CounterMetricFamily(
                "enforce_camera_reconnects", "Stream reconnects", labels=labels
            ),
            "restarts": CounterMetricFamily(
                "enforce_camera_worker_restarts", "Worker restarts", labels=labels
            ),
        }
        for s in snaps:
            cam = [s.camera_id]
            gauges["input_fps"].add_metric(cam, s.input_fps)
            gauges["analysed_fps"].add_metric(cam, s.analysed_fps)
            if s.clock_offset_s is not None:
                gauges["clock_offset_s"].add_metric(cam, s.clock_offset_s)
            if s.last_frame_at is not None:
                gauges["last_frame"].add_metric(cam, s.last_frame_at.timestamp())
            clock_flag.add_metric(cam, 1.0 if s.clock_flagged else 0.0)
            if s.view_lost is not None:
                view_lost.add_metric(cam, 1.0 if s.view_lost else 0.0)
            if s.view_offset_px is not None:
                drift.add_metric([s.camera_id, "x"], s.view_offset_px[0])
                drift.add_metric([s.camera_id, "y"], s.view_offset_px[1])
            for name in STATES:
                state.add_metric([s.camera_id, name], 1.0 if s.state == name else 0.0)
            for key, family in counters.items():
                value = getattr(s, key)
                if value is not None:
                    family.add_metric(cam, float(value))
        yield from gauges.values()
        yield drift
        yield view_lost
        yield clock_flag
        yield state
        yield from counters.values()


def render(source: Callable[[], Iterable[CameraHealthSnapshot]]) -> bytes:
    """Prometheus text format for the given snapshots."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CameraHealthCollector(source))
    return generate_latest(registry)
