"""The product's plate path on real plates from the real-data kit (read where they lie; skipped only
when the kit is absent): LPRNet reads real crops exactly, the HyperLPR3 locator finds CCPD plates."""

from __future__ import annotations

import numpy as np
import pytest

from api.pipeline.real_clips import realdata_root
from api.pipeline.real_plates import CCPD_NO_PLATE, CCPD_SUBSETS, ccpd_photos, plate_crops
from vision.plates.formats import plate_format
from vision.plates.hyperlpr import DETECTOR_640, PlateLocator, rectify
from vision.plates.reader import PlateReader

KIT = realdata_root()
pytestmark = pytest.mark.skipif(
    not (KIT / "datasets" / "lprnet_plates_cn").is_dir(), reason=f"real-data kit absent at {KIT}"
)


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    return PlateReader()


def test_real_crops_read_exactly(reader: PlateReader) -> None:
    crops = plate_crops(limit=20)  # the first 20 rows: 京, 川, 沪, 浙, 苏, 豫, 鲁 ... plates
    assert len({text[0] for text, _ in crops}) >= 5
    read = [(text, candidate.text if (candidate := reader.read_plate(image)) else None) for text, image in crops]
    assert [r for r in read if r[0] != r[1]] == []


def test_read_plate_refuses_what_is_not_a_plate_image(reader: PlateReader) -> None:
    with pytest.raises(ValueError, match="BGR, at least 16 x 6"):
        reader.read_plate(np.zeros((4, 40, 3), np.uint8))


@pytest.mark.parametrize("subset", CCPD_SUBSETS[:5])  # blur, challenge, db, fn, rotate
def test_locator_finds_the_plate_in_ccpd_photos(subset: str) -> None:
    locator = PlateLocator()
    for name, image in ccpd_photos(subset):
        plates = locator.locate(image)
        assert plates, f"{subset}/{name}: no plate found"
        best = plates[0]
        plate = rectify(image, best.corners)
        # a plate is 3.1-3.4 times as wide as high; the corners of strongly rotated ones come out sheared
        assert 1.6 <= plate.shape[1] / plate.shape[0] <= 5.0, f"{subset}/{name}: rectified {plate.shape}"
        x1, y1, x2, y2 = best.box
        assert 0 <= x1 < x2 <= image.shape[1] and 0 <= y1 < y2 <= image.shape[0]


def test_ccpd_photos_read_through_the_product_path(reader: PlateReader) -> None:
    """The whole photo as the vehicle: locate, warp, classify the colour, read, cut the close-up."""
    reads = []
    for subset in CCPD_SUBSETS[:5]:
        for _, image in ccpd_photos(subset):
            candidate = reader.read(image, (0.0, 0.0, float(image.shape[1]), float(image.shape[0])))
            if candidate is not None:
                assert plate_format(candidate.text) == candidate.plate_format
                assert candidate.crop.shape[0] >= 20 and candidate.crop.shape[1] >= 40  # rotated ones: tall boxes
            reads.append(candidate is not None)
    assert sum(reads) >= 27  # of 30 (measured: 30; the photos carry red corner marks)


def test_locator_on_photos_without_plates() -> None:
    photos = ccpd_photos(CCPD_NO_PLATE)
    assert len(photos) == 6
    # measured: the 320 detector (the reader's default) fires on 2 of the 6, the 640 one on none
    assert sum(1 for _, image in photos if PlateLocator().locate(image)) <= 2
    assert sum(1 for _, image in photos if PlateLocator(DETECTOR_640).locate(image)) == 0
