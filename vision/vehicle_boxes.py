"""One box per vehicle before tracking.

A detector's non-maximum suppression works per class, so a van or a pickup that looks like both a
car and a truck comes back twice: a "vehicle" box and a "truck" box on the same pixels (COCO
detectors do this on real streets all the time; so does a car/bus pair mapped to one label). Two
boxes on one vehicle give the tracker two objects, whose ids then take turns owning it, and each box
hides the other from the rules (`vision.rules.views`). Nothing is seen clearly and no stay lasts.

`one_box_per_vehicle` keeps the best-scored box of such a pair. Its label is "truck" if either box
was one: the mud-truck rule then still sees every vehicle the detector thought might be a truck (it
needs its own mud or open-load signs before a case), and the parking rule treats both labels alike.
Only near-identical boxes merge (`SAME_VEHICLE_IOU`, above any detector's own NMS threshold): two
vehicles that overlap on the picture, one behind the other, keep their boxes.
"""

from __future__ import annotations

from domain.types import Detections
from vision.rules.common import VEHICLE_LABELS, iou

SAME_VEHICLE_IOU = 0.8
TRUCK = "truck"


def one_box_per_vehicle(detections: Detections, same_iou: float = SAME_VEHICLE_IOU) -> Detections:
    """The detections with each vehicle boxed once (see the module's docstring); other labels,
    and their order, as they were."""
    vehicles = [i for i, label in enumerate(detections.labels) if label in VEHICLE_LABELS]
    if len(vehicles) < 2:
        return detections
    labels = list(detections.labels)
    dropped: set[int] = set()
    for i in sorted(vehicles, key=lambda k: -float(detections.scores[k])):  # the best box of a pair stays
        if i in dropped:
            continue
        for j in vehicles:
            if j != i and j not in dropped and iou(detections.boxes[i], detections.boxes[j]) >= same_iou:
                dropped.add(j)
                if labels[j] == TRUCK:
                    labels[i] = TRUCK
    if not dropped:
        return detections
    keep = [i for i in range(len(labels)) if i not in dropped]
    return Detections(
        detections.boxes[keep].reshape(-1, 4),
        detections.scores[keep],
        tuple(labels[i] for i in keep),
        detections.track_ids[keep],
    )
