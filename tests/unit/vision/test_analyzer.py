from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from domain.types import Detections, Frame, Violation
from ingest.config.camera import CameraConfig, Location
from tests.support.plates import VEHICLE, street_with_vehicle
from tests.support.sway import moved, street
from tests.support.yolo_test_model import COCO_STREET_MAP, IMAGE_SIZE, BuiltModel, scene
from vision.analyzer import StreetAnalyzer
from vision.camera_setup import CameraSetup
from vision.detection_window import detection_window
from vision.detectors import build_detector
from vision.detectors.config import OnnxDetectorConfig
from vision.plates import PlateReader
from vision.view_memory import RememberedView, zones_key

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 5, 1, 9, 0, tzinfo=TZ)
PLACE = Location(lat=30.27, lon=120.15, address="人民路 128号", grid_code="330102001003", responsible_unit="一中队")


def camera(*zones: Mapping[str, object]) -> CameraSetup:
    return CameraConfig.model_validate(
        {"id": "cam-1", "name": "test", "source": "file:x.mp4", "location": PLACE, "zones": list(zones)}
    ).analysis_setup()


PARKING = {
    "name": "curb",
    "kind": "no_parking",
    "polygon": [(0.3, 0.5), (0.9, 0.5), (0.9, 0.95), (0.3, 0.95)],
    "dwell_seconds": 20,
    "photo_interval_seconds": 5,
}

GATE = {
    "name": "gate",
    "kind": "worksite_exit",
    "polygon": [(0.3, 0.35), (0.7, 0.35), (0.7, 0.75), (0.3, 0.75)],
    "exit_direction": "down",
}


class ScriptedDetector:
    """Plays back detections by call number: the rules' input is exactly known."""

    detector_type = "scripted"
    model_name = "scripted"
    weights_sha256 = "0" * 64
    labels: tuple[str, ...] = ("license_plate", "mud", "truck", "vehicle")

    def __init__(self, script: Callable[[int], Detections]):
        self.script = script
        self.calls = 0

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        self.calls += 1
        return self.script(self.calls - 1)


def boxes(*items: tuple[str, tuple[float, ...]]) -> Detections:
    return Detections(
        np.array([box for _, box in items], np.float32).reshape(-1, 4),
        np.full(len(items), 0.9, np.float32),
        tuple(label for label, _ in items),
    )


def play(
    analyzer: StreetAnalyzer, image: npt.NDArray[np.uint8], seconds: float, detect: Callable[[int], bool]
) -> list[Violation]:
    violations = []
    for index in range(int(seconds * 2) + 1):
        frame = Frame("cam-1", index, START + timedelta(seconds=index / 2), image)
        violations += analyzer.process(frame, detect=detect(index))
    return violations


def test_static_scene_confirms_parking_from_carried_detections_with_the_plate() -> None:
    detector = ScriptedDetector(lambda call: boxes(("vehicle", VEHICLE)))
    analyzer = StreetAnalyzer(camera(PARKING), detector, PlateReader("rapidocr"))
    violations = play(analyzer, street_with_vehicle("浙A·12345"), 25, detect=lambda i: i == 0)
    assert detector.calls == 1  # the motion gate said static after the first frame
    [violation] = violations
    assert violation.confirmed_at - violation.first_seen_at == timedelta(seconds=20.5)
    assert violation.plate is not None and violation.plate.text == "浙A12345"
    assert violation.plate.votes >= 3 and violation.plate.confidence >= 0.5
    assert violation.plate.crop is not None
    assert violation.zone_polygon == tuple(PARKING["polygon"])  # type: ignore[arg-type]
    assert violation.episode_key.startswith("cam-1:curb:illegal_parking:20260501T010000Z@")


def test_detector_runs_on_every_frame_when_asked() -> None:
    detector = ScriptedDetector(lambda call: boxes(("vehicle", VEHICLE)))
    analyzer = StreetAnalyzer(camera(PARKING), detector)
    violations = play(analyzer, np.zeros((720, 1280, 3), np.uint8), 25, detect=lambda i: True)
    assert detector.calls == 51
    assert len(violations) == 1 and violations[0].plate is None  # no plate reader configured


def scored(*items: tuple[str, float, tuple[float, ...]]) -> Detections:
    return Detections(
        np.array([box for _, _, box in items], np.float32).reshape(-1, 4),
        np.array([score for _, score, _ in items], np.float32),
        tuple(label for label, _, _ in items),
    )


def test_a_van_the_detector_boxes_as_vehicle_and_as_truck_is_one_parked_vehicle() -> None:
    """Per-class NMS leaves a "vehicle" and a "truck" box on one van: each hid the other from the rules."""
    x1, y1, x2, y2 = VEHICLE
    again = (x1 + 3, y1 - 2, x2 - 3, y2 + 2)
    detector = ScriptedDetector(
        lambda call: scored(("vehicle", 0.6, VEHICLE), ("truck", 0.45 + 0.1 * (call % 2), again))
    )
    analyzer = StreetAnalyzer(camera(PARKING), detector)
    [violation] = play(analyzer, np.zeros((720, 1280, 3), np.uint8), 25, detect=lambda i: True)
    assert violation.object_label == "truck"
    assert analyzer.last_detections is not None and len(analyzer.last_detections) == 1


def test_a_mud_truck_boxed_twice_is_one_case() -> None:
    def truck(call: int) -> Detections:
        box = (500.0, 60.0 + 40 * call, 740.0, 220.0 + 40 * call)
        again = (box[0] + 4, box[1] + 2, box[2] - 4, box[3])
        mud = (box[0] + 20, box[3] - 30, box[0] + 80, box[3] + 5)
        return scored(("vehicle", 0.7, box), ("truck", 0.5, again), ("mud", 0.8, mud))

    analyzer = StreetAnalyzer(camera(GATE), ScriptedDetector(truck))
    [violation] = play(analyzer, np.zeros((720, 1280, 3), np.uint8), 8, detect=lambda i: True)
    assert violation.violation_type == "mud_truck" and violation.details.mud_signs == ("mud",)


def test_plates_are_read_for_stopped_vehicles_only_not_for_traffic_passing_the_zone() -> None:
    """Parking asks for a plate once a stay has counted a quarter of the stop time (5 s here): a car
    driving through the no-parking zone costs no read, one standing in it is read from then on."""
    image = street_with_vehicle("浙A·12345")

    def passing(call: int) -> Detections:  # 60 px per analysed frame, through the zone and out
        return boxes(("vehicle", (VEHICLE[0] - 300 + 60 * call, VEHICLE[1], VEHICLE[2] - 300 + 60 * call, VEHICLE[3])))

    driving = StreetAnalyzer(camera(PARKING), ScriptedDetector(passing), PlateReader("rapidocr"))
    assert play(driving, image, 7, detect=lambda i: True) == []
    assert driving.plates is not None and driving.plates.reads == 0
    survey = StreetAnalyzer(  # measuring the plate path on traffic: every vehicle in the zone is read
        camera(PARKING), ScriptedDetector(passing), PlateReader("rapidocr"), plates_for_every_vehicle=True
    )
    play(survey, image, 7, detect=lambda i: True)
    assert survey.plates is not None and survey.plates.reads > 0

    standing = StreetAnalyzer(
        camera(PARKING), ScriptedDetector(lambda call: boxes(("vehicle", VEHICLE))), PlateReader("rapidocr")
    )
    play(standing, image, 4.5, detect=lambda i: True)
    assert standing.plates is not None and standing.plates.reads == 0  # may still be a short stop
    for i in range(3):
        standing.process(Frame("cam-1", 10 + i, START + timedelta(seconds=5 + i / 2), image))
    assert standing.plates.reads >= 1
    [reading] = standing.plates.readings().values()
    assert reading.text == "浙A12345"


def test_plate_read_on_the_photos_when_the_track_had_no_vote() -> None:
    detector = ScriptedDetector(lambda call: boxes(("vehicle", VEHICLE)))
    analyzer = StreetAnalyzer(camera(PARKING), detector, PlateReader("rapidocr"), plate_interval_seconds=3600)
    image = street_with_vehicle("", colour="green")  # the same car, its plate not yet readable
    plated = street_with_vehicle("粤B·D12345", colour="green")
    violations = []
    for index in range(42):  # the plate only becomes readable on the confirmation frame
        frame = Frame("cam-1", index, START + timedelta(seconds=index / 2), plated if index == 41 else image)
        violations += analyzer.process(frame, detect=index == 0)
    [violation] = violations
    assert violation.plate is not None and violation.plate.text == "粤BD12345" and violation.plate.votes == 1


def test_mud_truck_through_the_analyzer() -> None:
    def truck(call: int) -> Detections:
        box = (500.0, 60.0 + 40 * call, 740.0, 220.0 + 40 * call)
        return boxes(("truck", box), ("mud", (box[0] + 20, box[3] - 30, box[0] + 80, box[3] + 5)))

    analyzer = StreetAnalyzer(camera(GATE), ScriptedDetector(truck))
    [violation] = play(analyzer, np.zeros((720, 1280, 3), np.uint8), 8, detect=lambda i: True)
    assert violation.violation_type == "mud_truck" and violation.details.mud_signs == ("mud",)


def test_a_coco_model_through_a_class_map_reaches_the_rules(coco_test_model: BuiltModel) -> None:
    """The path for any COCO-trained Ultralytics model: path + class map, no retraining. The self-built
    model's vehicle boxes pile on top of each other, so none gives the clear, whole view a parking stay
    needs to start (one vehicle, one stay): they are tracked and judged, and no case comes of them."""
    detector = build_detector(
        OnnxDetectorConfig(type="onnx", weights=coco_test_model.onnx, image_size=IMAGE_SIZE, class_map=COCO_STREET_MAP)
    )
    whole_image = {**PARKING, "polygon": [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]}
    analyzer = StreetAnalyzer(camera(whole_image), detector)
    violations = play(analyzer, scene(12), 21, detect=lambda i: True)
    last = analyzer.last_detections
    assert last is not None
    assert set(last.labels) <= {"vehicle", "truck", "person"}
    tracked = [int(t) for t, label in zip(last.track_ids, last.labels, strict=True) if label in ("vehicle", "truck")]
    assert tracked and min(tracked) >= 0, "the class-mapped vehicles are tracked for the rules"
    assert violations == []


def test_every_demo_camera_gets_a_rule_per_zone() -> None:
    from ingest.config.loader import load_config
    from tests.conftest import REPO
    from vision.rules.barbecue import BarbecueRule
    from vision.rules.mud_truck import MudTruckRule
    from vision.rules.parking import ParkingRule

    kinds = {"no_parking": ParkingRule, "worksite_exit": MudTruckRule, "barbecue_watch": BarbecueRule}
    config = load_config(REPO / "configs" / "cameras.yaml")
    for cam in config.cameras:
        analyzer = StreetAnalyzer(cam.analysis_setup(), ScriptedDetector(lambda call: boxes()))
        assert [type(r) for r in analyzer.rules] == [kinds[z.kind] for z in cam.zones]
        frame = Frame(cam.id, 0, START, np.zeros((72, 128, 3), np.uint8))
        assert analyzer.process(frame) == []


class PeopleScriptedDetector(ScriptedDetector):
    """A scripted detector whose model also has people."""

    labels = ("license_plate", "mud", "person", "truck", "vehicle")


BARBECUE = {
    "name": "square",
    "kind": "barbecue_watch",
    "polygon": [(0.3, 0.5), (0.6, 0.5), (0.6, 0.9), (0.3, 0.9)],
    "persistence_seconds": 60,
}


def test_motion_explained_by_things_no_rule_reads_only() -> None:
    person, vehicle = (100.0, 360.0, 160.0, 540.0), VEHICLE
    detector = PeopleScriptedDetector(lambda call: boxes(("person", person), ("vehicle", vehicle)))
    parking = StreetAnalyzer(camera(PARKING), detector)
    assert parking.explained_motion() == []  # nothing detected yet
    play(parking, np.zeros((720, 1280, 3), np.uint8), 0, detect=lambda i: True)
    assert parking.explained_motion() == [pytest.approx((100 / 1280, 0.5, 160 / 1280, 0.75))]  # the pedestrian
    barbecue = StreetAnalyzer(camera(BARBECUE), PeopleScriptedDetector(lambda call: boxes(("person", person))))
    play(barbecue, np.zeros((720, 1280, 3), np.uint8), 0, detect=lambda i: True)
    assert barbecue.explained_motion() == []  # the barbecue rule counts people: their moves matter


class WindowedScriptedDetector(ScriptedDetector):
    """A scripted detector that can resize its input: it records what it was shown and at what size,
    and answers in the coordinates of the image it got."""

    image_size = 640

    def __init__(self, script: Callable[[int], Detections]):
        super().__init__(script)
        self.seen: list[tuple[tuple[int, ...], int]] = []

    def detect(self, image: npt.NDArray[np.uint8]) -> Detections:
        return self.detect_at_size(image, self.image_size)

    def detect_at_size(self, image: npt.NDArray[np.uint8], image_size: int) -> Detections:
        self.seen.append((image.shape, image_size))
        return super().detect(image)


def test_the_detector_sees_the_zones_window_and_its_boxes_come_back_in_frame_pixels() -> None:
    detector = WindowedScriptedDetector(lambda call: boxes(("vehicle", (10, 20, 110, 90))))
    analyzer = StreetAnalyzer(camera(PARKING), detector)
    image = np.zeros((1080, 1920, 3), np.uint8)
    analyzer.process(Frame("cam-1", 0, START, image))
    window = detection_window([PARKING["polygon"]], 1920, 1080, 640)  # type: ignore[list-item]
    assert window is not None
    assert detector.seen == [((window.bottom - window.top, window.right - window.left, 3), window.image_size)]
    assert window.image_size < 640  # the whole frame's scale: fewer pixels
    assert analyzer.last_detections is not None
    assert analyzer.last_detections.boxes.tolist() == [
        [10 + window.left, 20 + window.top, 110 + window.left, 90 + window.top]
    ]


def test_a_camera_without_zones_or_a_zone_over_the_frame_detects_the_whole_frame() -> None:
    whole = {**PARKING, "polygon": [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]}
    image = np.zeros((720, 1280, 3), np.uint8)
    for setup in (camera(), camera(whole)):
        detector = WindowedScriptedDetector(lambda call: boxes(("vehicle", (10, 20, 110, 90))))
        StreetAnalyzer(setup, detector).process(Frame("cam-1", 0, START, image))
        assert detector.seen == [((720, 1280, 3), 640)]


def test_detection_zoom_magnifies_the_window_up_to_the_cameras_pixels() -> None:
    far = {**PARKING, "polygon": [(0.02, 0.31), (0.145, 0.31), (0.145, 0.46), (0.02, 0.46)]}
    setup = CameraConfig.model_validate(
        {"id": "cam-1", "name": "t", "source": "file:x.mp4", "location": PLACE, "zones": [far], "detection_zoom": 2}
    ).analysis_setup()
    detector = WindowedScriptedDetector(lambda call: Detections.empty())
    StreetAnalyzer(setup, detector).process(Frame("cam-1", 0, START, np.zeros((720, 1280, 3), np.uint8)))
    ((shape, size),) = detector.seen
    assert size >= max(shape[:2]) and size < 640  # the window at (at least) its own pixels, not 640


def test_a_detection_zoom_below_one_or_above_four_is_refused_naming_the_field() -> None:
    from pydantic import ValidationError

    for zoom in (0.5, 5):
        with pytest.raises(ValidationError, match="detection_zoom"):
            CameraConfig.model_validate(
                {"id": "cam-1", "name": "t", "source": "file:x.mp4", "location": PLACE, "detection_zoom": zoom}
            )


@pytest.mark.parametrize(("left_in_crop", "top_in_crop", "cases"), [(218.0, None, 1), (0.0, None, 1), (0.0, 0.0, 0)])
def test_rules_see_the_window_so_a_vehicle_cut_by_its_edges_is_judged_by_the_others(
    left_in_crop: float, top_in_crop: float | None, cases: int
) -> None:
    """The detector answers in the window's pixels: a car inside it is confirmed; one reaching its left edge
    (its anchor inside the zone, the car may go on beyond what the detector saw) is judged by its other
    edges, and its case names no cut side (its photos are of the whole picture); one reaching the window's
    left and top edges starts no stay (how much of it lies outside cannot be told)."""
    window = detection_window([PARKING["polygon"]], 1280, 720, 640)  # type: ignore[list-item]
    assert window is not None and window.left > 0 and window.top > 0
    top = 300.0 - window.top if top_in_crop is None else top_in_crop
    box = (left_in_crop, top, left_in_crop + 300, 560.0 - window.top)
    assert 0.3 * 1280 < window.left + left_in_crop + 150  # the anchor is inside the zone either way
    detector = WindowedScriptedDetector(lambda call: boxes(("vehicle", box)))
    analyzer = StreetAnalyzer(camera(PARKING), detector)
    violations = play(analyzer, np.zeros((720, 1280, 3), np.uint8), 25, detect=lambda i: True)
    assert len(violations) == cases
    assert all(v.details.cut_by_picture == () for v in violations)  # type: ignore[union-attr]


@pytest.mark.parametrize("steady", [True, False])
def test_a_parked_car_stays_parked_while_the_camera_drifts(steady: bool, caplog: pytest.LogCaptureFixture) -> None:
    """The camera drifts 3 px right and 1 px down per look, 120 and 40 px in all, while a car stands
    in the zone: more than its stop tolerance (a quarter of its size, about 70 px) on the picture. Judged
    on the picture, the car moved and no case is made; judged against the camera's reference view, it
    stood still, and the photos mark it where it shows on each picture."""
    scene = street(3)
    x1, y1, x2, y2 = (int(v) for v in VEHICLE)
    scene[y1:y2, x1:x2] = (40, 40, 170)  # a red car body
    scene[y1 + 30 : y1 + 120, x1 + 20 : x2 - 20] = (70, 60, 50)  # its windscreen

    def drift(look: int) -> tuple[float, float]:
        return 3.0 * min(look, 40), 1.0 * min(look, 40)

    def car(look: int) -> tuple[float, ...]:
        dx, dy = drift(look)
        return (VEHICLE[0] + dx, VEHICLE[1] + dy, VEHICLE[2] + dx, VEHICLE[3] + dy)

    analyzer = StreetAnalyzer(
        camera(PARKING), ScriptedDetector(lambda call: boxes(("vehicle", car(call)))), steady=steady
    )
    violations, shown = [], {}
    for look in range(51):
        frame = Frame("cam-1", look, START + timedelta(seconds=look / 2), moved(scene, *drift(look)))
        shown[frame.captured_at] = car(look)
        violations += analyzer.process(frame)
    if not steady:
        assert violations == []
        return
    [violation] = violations
    assert violation.confirmed_at - violation.first_seen_at >= timedelta(seconds=20)
    for photo in violation.photos:
        [marked] = photo.marks
        assert np.allclose(marked.box, shown[photo.frame.captured_at], atol=3.0)  # the picture's car
    drift = [r.getMessage() for r in caplog.records if "has drifted" in r.getMessage()]
    assert len(drift) == 1 and "camera cam-1 has drifted +" in drift[0]  # once, for the integrator
    x1, y1, x2, y2 = shown[violation.confirmed_at]  # where a restart or a re-check will look for it
    assert violation.identity is not None
    assert np.allclose(violation.identity.box, (x1 / 1280, y1 / 720, x2 / 1280, y2 / 720), atol=0.004)


def test_a_camera_turned_to_another_street_makes_no_case_there(caplog: pytest.LogCaptureFixture) -> None:
    """A PTZ camera sent to another preset: a car stands where the zone falls on the new picture for
    longer than the stop time. No rule runs there; back at its preset, the car standing in the zone is
    counted from its return, not from before the turn."""
    home, elsewhere = street(3), street(4)
    x1, y1, x2, y2 = (int(v) for v in VEHICLE)
    for picture in (home, elsewhere):
        picture[y1:y2, x1:x2] = (40, 40, 170)
        picture[y1 + 30 : y1 + 120, x1 + 20 : x2 - 20] = (70, 60, 50)
    analyzer = StreetAnalyzer(camera(PARKING), ScriptedDetector(lambda call: boxes(("vehicle", VEHICLE))))

    def show(picture: npt.NDArray[np.uint8], looks: range) -> list[Violation]:
        found = []
        for look in looks:
            found += analyzer.process(Frame("cam-1", look, START + timedelta(seconds=look / 2), picture))
        return found

    assert show(home, range(0, 10)) == []  # 5 s at home: under the 20 s stop time
    assert show(elsewhere, range(10, 80)) == []  # 35 s on the other street
    assert analyzer.view_lost
    lost = [r.getMessage() for r in caplog.records if "no longer shows the view" in r.getMessage()]
    assert len(lost) == 1 and "camera cam-1" in lost[0]
    [violation] = show(home, range(80, 140))
    assert not analyzer.view_lost
    assert violation.first_seen_at >= START + timedelta(seconds=40)  # counted from the return


class KeptViews:
    """A view memory in a dict: what the database keeps between processes (`api.db.view_memory`)."""

    def __init__(self) -> None:
        self.kept: dict[str, RememberedView] = {}
        self.writes = 0

    def recall(self, camera_id: str) -> RememberedView | None:
        return self.kept.get(camera_id)

    def remember(self, camera_id: str, view: RememberedView) -> None:
        self.kept[camera_id] = view
        self.writes += 1


def parked_car_on(picture: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    x1, y1, x2, y2 = (int(v) for v in VEHICLE)
    picture[y1:y2, x1:x2] = (40, 40, 170)
    picture[y1 + 30 : y1 + 120, x1 + 20 : x2 - 20] = (70, 60, 50)
    return picture


def test_a_camera_turned_while_the_product_was_down_makes_no_case_after_the_restart(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The first run remembers its view (and refreshes it every 10 minutes of capture time, not on every
    look); the camera is turned while the product is down; the next run's zones do not fall on the new
    street, so a car standing there past the stop time makes no case. Pointed back, the car in the zone
    is counted from then."""
    home, elsewhere = parked_car_on(street(3)), parked_car_on(street(4))
    views = KeptViews()

    def run(pictures: list[npt.NDArray[np.uint8]], first: int = 0) -> tuple[StreetAnalyzer, list[Violation]]:
        analyzer = StreetAnalyzer(
            camera(PARKING), ScriptedDetector(lambda call: boxes(("vehicle", VEHICLE))), views=views
        )
        found: list[Violation] = []
        for look, picture in enumerate(pictures, first):
            found += analyzer.process(Frame("cam-1", look, START + timedelta(seconds=look / 2), picture))
        return analyzer, found

    run([home] * 20)  # 10 s at home
    assert views.writes == 1 and views.kept["cam-1"].zones_key == zones_key(camera(PARKING).zones)
    analyzer, found = run([elsewhere] * 80, first=100)  # restarted: 40 s on the other street
    assert found == [] and analyzer.view_lost
    assert any("no longer shows the view" in r.getMessage() for r in caplog.records)
    assert views.writes == 1  # another view is never remembered as the view
    analyzer, found = run([elsewhere] * 10 + [home] * 60, first=200)
    [violation] = found
    assert violation.first_seen_at >= START + timedelta(seconds=105)  # counted from the return
    assert not analyzer.view_lost and views.writes == 2


def test_a_remembered_view_of_other_zones_is_not_used() -> None:
    """Zones redrawn since (for a camera re-aimed on purpose): this run's first picture is the view."""
    views = KeptViews()
    views.kept["cam-1"] = RememberedView("0" * 64, cv2.imencode(".jpg", street(3))[1].tobytes(), START)
    analyzer = StreetAnalyzer(camera(PARKING), ScriptedDetector(lambda call: Detections.empty()), views=views)
    for look in range(12):
        analyzer.process(Frame("cam-1", look, START + timedelta(seconds=look / 2), street(4)))
    assert not analyzer.view_lost
    assert views.kept["cam-1"].zones_key == zones_key(camera(PARKING).zones)


def test_a_turn_to_a_quiet_street_is_seen_on_frames_the_motion_gate_calls_static() -> None:
    """The turn wakes the detector once; the street it now shows does not change, so the frames after
    it carry the last detections forward. The view is checked on them too."""
    home, elsewhere = street(3), street(4)
    analyzer = StreetAnalyzer(camera(PARKING), ScriptedDetector(lambda call: boxes(("vehicle", VEHICLE))))
    for look in range(30):
        picture, detect = (home, look == 0) if look < 10 else (elsewhere, look == 10)
        analyzer.process(Frame("cam-1", look, START + timedelta(seconds=look / 2), picture), detect=detect)
    assert analyzer.view_lost and analyzer.detector.calls == 2


@pytest.mark.parametrize(("knocked", "fooled"), [((60.0, -30.0), None), ((0.0, 0.0), (141.0, -2.0))])
def test_the_steady_view_is_put_right_by_feature_matching(
    knocked: tuple[float, float], fooled: tuple[float, float] | None, caplog: pytest.LogCaptureFixture
) -> None:
    """A camera knocked 60 px (more than the steady view believes of itself) is followed once the view
    check measures it; a steady view locked one period of a repeating pattern off is put back."""
    caplog.set_level("INFO", logger="vision.analyzer")
    scene = street(3)
    analyzer = StreetAnalyzer(camera(PARKING), ScriptedDetector(lambda call: Detections.empty()))
    for look in range(24):
        picture = scene if look < 12 else moved(scene, *knocked)
        if look == 12 and fooled is not None and analyzer.steady is not None:
            analyzer.steady.correct(fooled)
        analyzer.process(Frame("cam-1", look, START + timedelta(seconds=look / 2), picture))
    assert np.allclose(analyzer.view_offset(), knocked, atol=3.0), analyzer.view_offset()
    assert not analyzer.view_lost
    assert any("feature matching measures" in r.getMessage() for r in caplog.records)
