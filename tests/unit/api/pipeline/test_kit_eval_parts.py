"""The pieces of `enforce eval --real` that need no kit: YOLO label reading, the clips' zones and the
judges that turn an outcome into pass/fail."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.pipeline.kit_clips import KIT_CLIPS, ClipOutcome, kit_clip
from api.pipeline.kit_datasets import read_labels
from api.pipeline.real_clips import clip_camera
from api.pipeline.real_eval import select_clips
from ingest.config import load_config

CLASS_MAP = {2: "vehicle", 7: "truck"}


def test_yolo_boxes_and_polygons_become_pixel_boxes(tmp_path: Path) -> None:
    labels = tmp_path / "a.txt"
    labels.write_text("2 0.5 0.5 0.2 0.4\n0 0.1 0.1 0.1 0.1\n\n7 0.1 0.2 0.3 0.2 0.3 0.6 0.1 0.6\n")
    truth = read_labels(labels, 200, 100, CLASS_MAP)
    assert truth.labels == ("vehicle", "truck")  # class 0 is not in the map: ignored
    np.testing.assert_allclose(truth.boxes, [[80, 30, 120, 70], [20, 20, 60, 60]], atol=1e-4)


def test_a_missing_label_file_is_an_image_without_objects(tmp_path: Path) -> None:
    truth = read_labels(tmp_path / "none.txt", 200, 100, CLASS_MAP)
    assert truth.labels == () and truth.boxes.shape == (0, 4)


@pytest.mark.parametrize(
    ("line", "message"), [("car 0.5 0.5 0.1 0.1", "not a YOLO label line"), ("2 0.5 0.5 0.1", "got 3")]
)
def test_a_bad_label_line_is_named(tmp_path: Path, line: str, message: str) -> None:
    labels = tmp_path / "b.txt"
    labels.write_text(f"2 0.5 0.5 0.1 0.1\n{line}\n")
    with pytest.raises(ValueError, match=f"b.txt:2: .*{message}"):
        read_labels(labels, 10, 10, CLASS_MAP)


@pytest.mark.parametrize("clip", KIT_CLIPS, ids=lambda c: c.name)
def test_every_kit_clip_is_a_valid_camera(clip, tmp_path: Path) -> None:  # noqa: ANN001
    camera = clip_camera(clip, clip.analysis_fps, tmp_path)
    assert [z.name for z in camera.zones] == [z.name for z in clip.zones]
    assert camera.source == f"file:{tmp_path}/clips/{clip.name}.mp4"


def test_every_kit_clip_names_a_detector_of_the_cameras_file() -> None:
    detectors = load_config(Path(__file__).resolve().parents[4] / "configs" / "cameras.yaml").detectors
    named = {clip.name: clip.camera_detector for clip in KIT_CLIPS}
    assert {name: d for name, d in named.items() if d not in detectors} == {}
    assert named["overhead_parking_lot_car_parks"] == named["overhead_lot_lane_cars_passing"] == "street-topdown"
    assert named["street_elevated_traffic_with_parked_cars"] == "street"


def test_the_lot_needs_seven_parked_from_the_start_and_nothing_later() -> None:
    judge = kit_clip("overhead_parking_lot_car_parks").judge
    assert judge(ClipOutcome(parking={"lot": (0.0,) * 7}))
    assert not judge(ClipOutcome(parking={"lot": (0.0,) * 6}))  # one parked car missed
    assert not judge(ClipOutcome(parking={"lot": (0.0,) * 8}))  # one car cased twice, or a phantom
    assert not judge(ClipOutcome(parking={"lot": (0.0,) * 7 + (3.4,)}))  # the hatchback, still for 0.75 s
    assert not judge(ClipOutcome(parking={"lot": (0.0,) * 6 + (3.4,)}))  # a later case in place of a parked car


def test_moving_traffic_passes_only_without_cases() -> None:
    judge = kit_clip("motorway_overpass_along_axis").judge
    assert judge(ClipOutcome(parking={"lanes-5s": (), "lanes-20s": ()}))
    assert not judge(ClipOutcome(parking={"lanes-5s": (2.0,), "lanes-20s": ()}))


def test_the_street_needs_both_parked_cars_and_no_lane_case() -> None:
    judge = kit_clip("street_elevated_traffic_with_parked_cars").judge
    assert judge(ClipOutcome(parking={"service-road": (0.0, 0.5), "main-lanes": ()}))
    assert not judge(ClipOutcome(parking={"service-road": (0.0,), "main-lanes": ()}))
    assert not judge(ClipOutcome(parking={"service-road": (0.0, 0.5), "main-lanes": (4.0,)}))


def test_the_grill_must_be_seen_while_it_is_on_screen() -> None:
    judge = kit_clip("bbq_charcoal_grill_montage").judge
    assert judge(ClipOutcome(seen_at={"grill": (3.0, 18.5)}))
    assert not judge(ClipOutcome(seen_at={"grill": (3.0, 30.0), "smoke": (18.0,)}))


def test_clip_selection() -> None:
    assert select_clips(None) == KIT_CLIPS
    assert select_clips(["none"]) == ()
    assert [c.name for c in select_clips(["bbq_charcoal_grill_montage"])] == ["bbq_charcoal_grill_montage"]
    with pytest.raises(KeyError, match="no kit clip \\['nope'\\]"):
        select_clips(["nope"])


def test_weights_with_the_same_stem_are_told_apart_by_their_folder() -> None:
    from api.pipeline.real_eval import weights_names

    names = weights_names([Path("a/m.onnx"), Path("shipped/m_openvino_model"), Path("new/m_openvino_model")])
    assert names == ["m", "shipped/m_openvino_model", "new/m_openvino_model"]


def test_the_same_weights_twice_is_refused() -> None:
    from api.pipeline.real_eval import weights_names

    with pytest.raises(ValueError, match="same model twice"):
        weights_names([Path("a/m.onnx"), Path("a/m.onnx")])
