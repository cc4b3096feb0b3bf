"""Whether a camera still shows the view its zones were drawn on.

A PTZ camera sent to another preset, or a camera knocked round on its pole, shows another street under
the same zones: a car standing where the old zone's polygon now falls would be fined for parking
somewhere it never was. The steady view (`vision.steady_view`) follows sway and drift only; this check
tells a turned camera from a drifting one.

Every `every_seconds` of capture time, ORB features of the picture (what the detector found left
out: traffic's features move) are matched with those of the first picture (the anchor), else, where the
light has changed too much for that, with those of the last picture that showed the view, and a RANSAC
similarity transform is fitted:

- `same_inliers` or more features agree, on a transform that is a drift (not a turn, zoom or large
  shift): the same view. That picture becomes the one to match next (a day's slow change of light is
  followed step by step), and the drift since the first picture is known: `offset`, where the
  picture's centre shows (pixels; the steady view's convention). The steady view is checked against it:
  phase correlation can lock onto a repeating pattern (railings, window rows, paving) one period off,
  which ORB's local features do not.
- fewer than `other_inliers` agree though both pictures show enough texture (`min_features`), on
  `other_checks` checks in a row, in a view that matched itself on `established` checks before: another
  view. So does a drift added up past `max_shift` (or a turn or zoom).
- anything else (a dark, foggy or featureless picture; a telephoto view filled with traffic, whose
  features all move; wet asphalt whose glare moves): cannot tell, and the last verdict holds.

Another view holds until a picture matches the view again, the anchor or the last picture that showed
it (the camera went back to its preset): nothing decides that a new view is right for the zones but a
person redrawing or re-saving them, which restarts the camera's analysis with a fresh reference.

A picture remembered from an earlier run (`recall`; `vision.view_memory`) is the view until the camera
shows it: the first textured pictures are matched with it as well, and fewer than `other_inliers`
matches on `other_checks` checks (or a turn, zoom or large shift) is another view from the start: a
camera turned while the product was down. That remembered view was established when it was remembered.
Once a picture matches it, it has done its work; if that picture ends another view (the camera was
pointed back), the view check starts again from that picture (`take_reanchored`: the steady view's
reference was of the other view too).
"""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta

import cv2
import numpy as np
import numpy.typing as npt

from vision.steady_view import boxes_mask


class ViewState(enum.Enum):
    SAME = "same"  # the view the zones were drawn on (or nothing yet said otherwise)
    OTHER = "other"  # another view: the zones do not fit it


Features = tuple[tuple[cv2.KeyPoint, ...], npt.NDArray[np.uint8] | None]


class ViewCheck:
    """`check(image, objects, at) -> ViewState` for one camera's successive pictures; `objects` are the
    boxes (pixels, xyxy) of what was detected on the picture."""

    def __init__(
        self,
        *,
        every_seconds: float = 2.0,
        width: int = 640,
        min_features: int = 300,
        same_inliers: int = 60,
        other_inliers: int = 25,
        other_checks: int = 2,
        established: int = 2,
        max_shift: float = 0.12,
        max_turn_degrees: float = 5.0,
        max_zoom: float = 0.1,
    ):
        self.every = timedelta(seconds=every_seconds)
        self.width = width
        self.min_features = min_features
        self.same_inliers = same_inliers
        self.other_inliers = other_inliers
        self.other_checks = other_checks
        self.established = established
        self.max_shift = max_shift
        self.max_turn = math.radians(max_turn_degrees)
        self.max_zoom = max_zoom
        self.state = ViewState.SAME
        self.inliers: int | None = None  # of the last check that could match; None before any
        self.offset: tuple[float, float] | None = None  # measured by the last check (None: it did not match)
        self._orb = cv2.ORB.create(nfeatures=800, fastThreshold=10)
        self._matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
        self._last_shown: Features | None = None  # the last picture that showed the view
        self._anchor: Features | None = None  # the first one
        self._scale = 1.0  # full-size pixels per small pixel
        self._size: tuple[int, int] | None = None  # small picture (w, h)
        self._drift = np.eye(3)  # small pixels: the first picture to the last one that showed the view
        self._misses = 0
        self._matched = 0  # checks that found the view: one that never matches itself cannot lose itself
        self._next_at: datetime | None = None
        self._recalled: Features | None = None  # a remembered picture of the view, until one matches it
        self._recalled_misses = 0
        self._reanchored = False

    def recall(self, image: npt.NDArray[np.uint8]) -> None:
        """The view as an earlier run remembered it: the camera must show it (module docstring). A
        picture with too little texture to tell by is ignored."""
        keypoints, descriptors = self._orb.detectAndCompute(self._small_gray(image), None)
        if len(keypoints) >= self.min_features and descriptors is not None:
            self._recalled, self._recalled_misses = (tuple(keypoints), np.asarray(descriptors, np.uint8)), 0

    @property
    def confirmed(self) -> bool:
        """The view has matched itself `established` times, and a remembered picture, if any, was matched."""
        return self._recalled is None and self._matched >= self.established

    def take_reanchored(self) -> bool:
        """Whether the check started again from a new first picture since the last call (the camera came
        back to its remembered view after showing another)."""
        reanchored, self._reanchored = self._reanchored, False
        return reanchored

    def due(self, at: datetime) -> bool:
        """Whether a picture captured `at` gets checked (else `check` returns the last verdict)."""
        return self._next_at is None or at >= self._next_at

    def check(self, image: npt.NDArray[np.uint8], objects: npt.NDArray[np.float32] | None, at: datetime) -> ViewState:
        if not self.due(at):
            return self.state
        self._next_at = at + self.every
        self.offset = None
        features = self._features(image, objects)
        if self._recalled is not None and len(features[0]) >= self.min_features:
            remembered = self._against_recalled(features)
            if remembered is not None:
                return remembered
        if self._last_shown is None or len(self._last_shown[0]) < self.min_features:
            if len(features[0]) >= self.min_features or self._last_shown is None:
                self._last_shown = self._anchor = features  # the first picture with texture enough is the view
            return self.state
        if len(features[0]) < self.min_features:
            return self.state  # too little to tell by
        inliers, drift = self._match(self._anchor, features) if self._anchor is not None else (0, None)
        if inliers < self.same_inliers or drift is None:  # the light changed since: step from the last one
            inliers, transform = self._match(self._last_shown, features)
            drift = transform @ self._drift if transform is not None else None
        self.inliers = inliers
        if inliers >= self.same_inliers and drift is not None:
            if self._is_drift(drift):
                self.state, self._misses, self._matched = ViewState.SAME, 0, self._matched + 1
                self._last_shown, self._drift = features, drift
                self.offset = self._centre_shift(drift)
            else:
                self.state = ViewState.OTHER  # turned or zoomed away, or drifted far off the zones
        elif inliers < self.other_inliers and self._matched >= self.established:
            self._misses += 1
            if self._misses >= self.other_checks:
                self.state = ViewState.OTHER
        return self.state

    def _against_recalled(self, features: Features) -> ViewState | None:
        """The remembered picture's verdict on a textured picture, where it can give one."""
        assert self._recalled is not None
        inliers, transform = self._match(self._recalled, features)
        if inliers >= self.same_inliers and transform is not None and self._is_drift(transform):
            self._recalled = None  # the camera shows its view: the check goes on as in one run
            if self.state is ViewState.OTHER:  # pointed back: this picture is the first one from here on
                self._last_shown = self._anchor = features
                self._drift, self._misses, self._reanchored = np.eye(3), 0, True
                self._matched = max(self._matched, self.established)
                self.state, self.inliers, self.offset = ViewState.SAME, inliers, (0.0, 0.0)
                return self.state
            return None
        if inliers < self.other_inliers:  # another view, or a lorry filling this one: a second miss says which
            self._recalled_misses += 1
        if inliers >= self.same_inliers or self._recalled_misses >= self.other_checks:  # or turned, zoomed away
            self.state, self.inliers = ViewState.OTHER, inliers
            return self.state
        return None

    def small_size(self, image: npt.NDArray[np.uint8]) -> tuple[int, int]:
        """(w, h) of the picture as the check looks at it: `width` wide, its aspect kept."""
        h, w = image.shape[:2]
        return self.width, max(8, round(h / (w / self.width)))

    def _small_gray(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        small = cv2.resize(image, self.small_size(image), interpolation=cv2.INTER_AREA)
        return np.asarray(small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), np.uint8)

    def _features(self, image: npt.NDArray[np.uint8], objects: npt.NDArray[np.float32] | None) -> Features:
        scale = self._scale = image.shape[1] / self.width
        size = self.small_size(image)
        if self._size is not None and size != self._size:
            self._last_shown, self._anchor, self._drift = None, None, np.eye(3)  # another picture size: start over
        self._size = size
        gray = self._small_gray(image)
        mask = np.where(boxes_mask(objects, scale, (size[1], size[0])), 0, 255).astype(np.uint8)
        keypoints, descriptors = self._orb.detectAndCompute(gray, mask)
        return tuple(keypoints), None if descriptors is None else np.asarray(descriptors, np.uint8)

    def _match(self, a: Features, b: Features) -> tuple[int, npt.NDArray[np.float64] | None]:
        (ka, da), (kb, db) = a, b
        if da is None or db is None:
            return 0, None
        pairs = self._matcher.knnMatch(da, db, k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.8 * p[1].distance]
        if len(good) < 6:
            return len(good), None
        pa = np.array([ka[m.queryIdx].pt for m in good], np.float32)
        pb = np.array([kb[m.trainIdx].pt for m in good], np.float32)
        transform, inlying = cv2.estimateAffinePartial2D(pa, pb, method=cv2.RANSAC, ransacReprojThreshold=3.0)
        if transform is None:
            return 0, None
        return int(inlying.sum()), np.vstack([transform, [0.0, 0.0, 1.0]])

    def _centre_shift(self, drift: npt.NDArray[np.float64]) -> tuple[float, float]:
        """Where the anchor's centre shows now, less where it was (full-size pixels)."""
        assert self._size is not None
        centre = np.array([self._size[0] / 2, self._size[1] / 2, 1.0])
        x, y, _ = drift @ centre - centre
        return float(x) * self._scale, float(y) * self._scale

    def _is_drift(self, drift: npt.NDArray[np.float64]) -> bool:
        assert self._size is not None
        zoom = math.hypot(drift[0, 0], drift[1, 0])
        turn = abs(math.atan2(drift[1, 0], drift[0, 0]))
        width, height = self._size
        return (
            abs(zoom - 1.0) <= self.max_zoom
            and turn <= self.max_turn
            and abs(drift[0, 2]) <= self.max_shift * width
            and abs(drift[1, 2]) <= self.max_shift * height
        )
