"""Things on the street and how each is drawn: cars, trucks (dump trucks with load and mud),
pedestrians and barbecue stalls. Poses are plain values so a video can move them frame by frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from vision.synth.street.canvas import Canvas, Colour
from vision.synth.street.plates import PLATE_SIZE_M, Plate, render_plate

CarBody = Literal["sedan", "hatchback", "suv", "van"]
TruckBody = Literal["dump", "box"]
_CAR_DIMS = {
    "sedan": (4.7, 1.8, 1.45),
    "hatchback": (4.0, 1.75, 1.5),
    "suv": (4.7, 1.9, 1.75),
    "van": (5.0, 1.95, 2.0),
}


@dataclass(frozen=True)
class Car:
    x: float
    z: float
    heading_deg: float  # 0: driving away from the camera (+Z), 180: towards it
    body: CarBody
    colour: Colour
    plate: Plate
    scale: float = 1.0
    lights_on: bool = False
    brake: bool = False


@dataclass(frozen=True)
class Truck:
    x: float
    z: float
    heading_deg: float
    body: TruckBody
    cab_colour: Colour
    bed_colour: Colour
    plate: Plate
    load: Literal["none", "covered", "uncovered"] = "none"
    muddy: bool = False
    mud_seed: int = 0
    lights_on: bool = False
    plate_clear: bool = False  # keep mud off the front plate (scenario trucks whose plate must read)


@dataclass(frozen=True)
class Person:
    x: float
    z: float
    height: float
    shirt: Colour
    trousers: Colour
    phase: float  # walking cycle in [0, 1)
    seated: bool = False
    facing: float = 1.0  # -1 or 1: which way the figure leans


@dataclass(frozen=True)
class Stall:
    x: float
    z: float
    grill_length: float
    flame: bool
    smoke: bool
    table_colour: Colour
    stool_colour: Colour
    tables: int
    smoke_seed: int = 0
    wind: float = 0.3  # lateral drift of the plume, metres per metre of rise


def _rot(heading_deg: float) -> tuple[float, float]:
    a = np.radians(heading_deg)
    return float(np.sin(a)), float(np.cos(a))


def _box_corners(
    cx: float,
    cz: float,
    heading: float,
    length: float,
    width: float,
    y0: float,
    y1: float,
    forward: float = 0.0,
) -> npt.NDArray[np.float64]:
    """8 corners: index bit0 = front(+)/back, bit1 = right/left, bit2 = top/bottom."""
    s, c = _rot(heading)
    fx, fz = s, c  # forward unit vector in (x, z)
    rx, rz = c, -s  # right unit vector
    out = []
    for i in range(8):
        lf = (forward + length / 2) if i & 1 else (forward - length / 2)
        lr = width / 2 if i & 2 else -width / 2
        y = y1 if i & 4 else y0
        out.append([cx + fx * lf + rx * lr, y, cz + fz * lf + rz * lr])
    return np.array(out)


_FACES = {  # name: corners (bottom-left, bottom-right, top-right, top-left from outside), normal (f, r, up)
    "front": ((3, 1, 5, 7), (1, 0, 0)),
    "back": ((0, 2, 6, 4), (-1, 0, 0)),
    "right": ((3, 2, 6, 7), (0, 1, 0)),
    "left": ((0, 1, 5, 4), (0, -1, 0)),
    "top": ((4, 5, 7, 6), (0, 0, 1)),
}


def _visible_faces(canvas: Canvas, corners: npt.NDArray[np.float64], heading: float) -> list[str]:
    cam = canvas.camera
    eye = np.array([cam.x, cam.mount_height, 0.0])
    s, c = _rot(heading)
    fwd, right, up = np.array([s, 0, c]), np.array([c, 0, -s]), np.array([0.0, 1.0, 0.0])
    out = []
    for name, (idx, (nf, nr, nu)) in _FACES.items():
        normal = nf * fwd + nr * right + nu * up
        centre = corners[list(idx)].mean(0)
        if float(np.dot(normal, eye - centre)) > 0:
            out.append(name)
    return out


def _shade(colour: Colour, k: float) -> Colour:
    return tuple(int(min(255, max(0, c * k))) for c in colour)  # type: ignore[return-value]


def _draw_box(
    canvas: Canvas,
    corners: npt.NDArray[np.float64],
    heading: float,
    colour: Colour,
    eid: int,
    skip: tuple[str, ...] = (),
) -> list[str]:
    shades = {"front": 0.9, "back": 0.8, "right": 0.72, "left": 0.72, "top": 1.1}
    faces = [f for f in _visible_faces(canvas, corners, heading) if f not in skip]
    for name in faces:
        canvas.poly(corners[list(_FACES[name][0])], _shade(colour, shades[name]), eid)
    return faces


def _face_point(corners: npt.NDArray[np.float64], face: str, u: float, v: float) -> npt.NDArray[np.float64]:
    """Point on a face: u across (0..1 from the face's first to second corner), v up (0 bottom..1 top)."""
    a, b, c, d = (corners[i] for i in _FACES[face][0])
    bottom = a + (b - a) * u
    top = d + (c - d) * u
    return bottom + (top - bottom) * v


def _face_quad(
    corners: npt.NDArray[np.float64], face: str, u0: float, u1: float, v0: float, v1: float
) -> list:
    return [
        _face_point(corners, face, u0, v1),
        _face_point(corners, face, u1, v1),
        _face_point(corners, face, u1, v0),
        _face_point(corners, face, u0, v0),
    ]


def _wheels(
    canvas: Canvas,
    cx: float,
    cz: float,
    heading: float,
    length: float,
    width: float,
    radius: float,
    axles: tuple[float, ...],
    colour: Colour,
    eid: int,
) -> None:
    s, c = _rot(heading)
    cam_side = np.array([canvas.camera.x - cx, -cz])
    right = np.array([c, -s])
    side = 1.0 if float(np.dot(cam_side, right)) > 0 else -1.0
    ang = np.linspace(0, 2 * np.pi, 10, endpoint=False)
    for a in axles:
        wx = cx + s * a + c * side * (width / 2 + 0.02)
        wz = cz + c * a - s * side * (width / 2 + 0.02)
        pts = [
            [wx + s * radius * np.cos(t), radius + radius * np.sin(t), wz + c * radius * np.cos(t)]
            for t in ang
        ]
        canvas.poly(pts, colour, eid)


def _plate(
    canvas: Canvas,
    corners: npt.NDArray[np.float64],
    face: str,
    plate: Plate,
    v_centre: float,
    face_height: float,
    face_width: float,
    parent: int,
) -> None:
    pw, ph = PLATE_SIZE_M[plate.kind]
    u0, u1 = 0.5 - pw / face_width / 2, 0.5 + pw / face_width / 2
    v0, v1 = v_centre - ph / face_height / 2, v_centre + ph / face_height / 2
    pid = canvas.entity("license_plate", part_of=0, text=plate.text, min_size=6.0)
    canvas.entities[pid].part_of = 0
    canvas.texture(_face_quad(corners, face, u0, u1, v0, v1), render_plate(plate, 2), pid)
    canvas.entities[pid].part_of = parent


def _lights(
    canvas: Canvas,
    corners: npt.NDArray[np.float64],
    face: str,
    v0: float,
    v1: float,
    front: bool,
    on: bool,
    eid: int,
    brake: bool = False,
) -> None:
    colour: Colour = (235, 245, 250) if front else ((40, 40, 255) if (on or brake) else (40, 40, 170))
    for u0, u1 in ((0.04, 0.2), (0.8, 0.96)):
        q = canvas.poly(_face_quad(corners, face, u0, u1, v0, v1), colour, eid, emissive=on or brake)
        if q is not None and (on or brake):
            cx, cy = q.mean(0)
            r = max(1.5, float(np.ptp(q[:, 0])) * (1.6 if front else 0.9))
            canvas.glows.append((int(cx), int(cy), r, (150, 200, 230) if front else (30, 30, 160)))


def _camera_facing(canvas: Canvas, faces: list[str]) -> str | None:
    return "front" if "front" in faces else ("back" if "back" in faces else None)


def draw_car(canvas: Canvas, car: Car) -> int:
    length, width, height = (d * car.scale for d in _CAR_DIMS[car.body])
    eid = canvas.entity("vehicle")
    body_top = 0.3 + (0.75 if car.body == "van" else 0.55) * car.scale
    body = _box_corners(car.x, car.z, car.heading_deg, length, width, 0.3, body_top)
    _wheels(
        canvas,
        car.x,
        car.z,
        car.heading_deg,
        length,
        width,
        0.32 * car.scale,
        (length * 0.32, -length * 0.32),
        (25, 25, 25),
        eid,
    )
    faces = _draw_box(canvas, body, car.heading_deg, car.colour, eid)
    cab_len = length * (0.9 if car.body == "van" else (0.62 if car.body == "suv" else 0.5))
    cab_fwd = -length * (0.04 if car.body in ("van", "suv") else 0.08)
    cab = _box_corners(car.x, car.z, car.heading_deg, cab_len, width * 0.9, body_top, height, cab_fwd)
    cfaces = _draw_box(canvas, cab, car.heading_deg, car.colour, eid)
    glass: Colour = (70, 55, 45)
    for f in cfaces:
        if f != "top":
            canvas.poly(_face_quad(cab, f, 0.08, 0.92, 0.08, 0.9), glass, eid)
    face = _camera_facing(canvas, faces)
    if face:
        front = face == "front"
        _lights(canvas, body, face, 0.6, 0.85, front, car.lights_on, eid, brake=car.brake and not front)
        if front:
            canvas.poly(_face_quad(body, face, 0.3, 0.7, 0.62, 0.85), (40, 40, 40), eid)
        _plate(canvas, body, face, car.plate, 0.33, body_top - 0.3, width, eid)
    return eid


def draw_truck(canvas: Canvas, truck: Truck, rng_mud: np.random.Generator) -> int:
    eid = canvas.entity("truck")
    h_ = truck.heading_deg
    width, cab_len, bed_len = 2.45, 2.3, 5.2 if truck.body == "dump" else 6.0
    total = cab_len + bed_len + 0.3
    cab_f = total / 2 - cab_len / 2
    bed_f = -total / 2 + bed_len / 2
    cam_dir = np.array([canvas.camera.x - truck.x, -truck.z])
    s, c = _rot(h_)
    facing_front = float(np.dot(cam_dir, [s, c])) > 0
    parts = []
    cab = _box_corners(truck.x, truck.z, h_, cab_len, width, 0.55, 3.0, cab_f)
    bed_top = 2.5 if truck.body == "dump" else 3.6
    bed = _box_corners(truck.x, truck.z, h_, bed_len, width, 1.1, bed_top, bed_f)
    chassis = _box_corners(truck.x, truck.z, h_, total - 0.4, width * 0.8, 0.55, 1.1, 0.0)
    parts = [("cab", cab, cab_f), ("bed", bed, bed_f)]
    parts.sort(key=lambda p: -p[2] if facing_front else p[2])  # far part first
    _wheels(
        canvas,
        truck.x,
        truck.z,
        h_,
        total,
        width,
        0.52,
        (cab_f, bed_f - 0.9, bed_f + 0.5),
        (60, 75, 95) if truck.muddy else (25, 25, 25),
        eid,
    )
    _draw_box(canvas, chassis, h_, (35, 35, 35), eid)
    mud_faces: list[tuple[npt.NDArray[np.float64], str]] = []
    for name, corners, _ in parts:
        if name == "cab":
            faces = _draw_box(canvas, corners, h_, truck.cab_colour, eid)
            for f in faces:
                if f in ("front", "left", "right"):
                    canvas.poly(
                        _face_quad(corners, f, 0.1, 0.9 if f == "front" else 0.6, 0.62, 0.92),
                        (80, 60, 50),
                        eid,
                    )
            if "front" in faces:
                _lights(canvas, corners, "front", 0.12, 0.22, True, truck.lights_on, eid)
                _plate(canvas, corners, "front", truck.plate, 0.2 - 0.03, 2.45, width, eid)
            mud_faces += [(corners, f) for f in faces if f != "top"]
        else:
            faces = _draw_box(canvas, corners, h_, truck.bed_colour, eid)
            if truck.body == "dump" and "top" in faces:
                canvas.poly(_face_quad(corners, "top", 0.06, 0.94, 0.06, 0.94), (45, 45, 50), eid)
            if "back" in faces:
                _lights(canvas, corners, "back", 0.04, 0.12, False, truck.lights_on, eid)
                _plate(canvas, corners, "back", truck.plate, 0.22, bed_top - 1.1, width, eid)
            if truck.body == "dump" and truck.load != "none":
                _draw_load(canvas, corners, h_, truck.load, eid)
            mud_faces += [(corners, f) for f in faces if f != "top"]
    if truck.muddy:
        mid = canvas.entity("mud", part_of=eid)
        # each truck its own mud: wet (dark) to dried (pale grey-brown), a few splashes to caked
        tone = float(rng_mud.uniform(0.75, 1.35))
        brown = [_shade(b, tone) for b in ((40, 70, 100), (30, 55, 80), (50, 85, 115))]
        splashes = int(rng_mud.integers(3, 9))
        reach = float(rng_mud.uniform(0.3, 0.6))  # how far up the faces it goes
        plate_clear = truck.plate_clear or rng_mud.random() < 0.4  # a wiped plate: mud only beside it
        for corners, f in mud_faces:
            for _ in range(splashes):
                u0 = float(rng_mud.uniform(0, 0.8))
                u1 = min(1.0, u0 + float(rng_mud.uniform(0.15, 0.5)))
                v1 = float(rng_mud.uniform(0.15, reach))
                if plate_clear and f == "front" and u0 < 0.62 and u1 > 0.38:
                    v1 = min(v1, 0.1)  # splashes stop below the front plate
                canvas.poly(_face_quad(corners, f, u0, u1, 0.0, v1), brown[int(rng_mud.integers(0, 3))], mid)
        _wheels(
            canvas,
            truck.x,
            truck.z,
            h_,
            total,
            width,
            0.53,
            (cab_f, bed_f - 0.9, bed_f + 0.5),
            (45, 75, 105),
            mid,
        )
    return eid


def _draw_load(canvas: Canvas, bed: npt.NDArray[np.float64], heading: float, load: str, parent: int) -> None:
    top = [bed[i] for i in (4, 5, 7, 6)]  # back-left, front-left, front-right, back-right at the bed top
    rise = 0.55 if load == "uncovered" else 0.25
    ridge_b = (top[0] + top[3]) / 2 + [0, rise, 0]
    ridge_f = (top[1] + top[2]) / 2 + [0, rise, 0]
    if load == "uncovered":
        lid = canvas.entity("uncovered_load", part_of=parent)
        colours: tuple[Colour, Colour] = ((55, 95, 135), (45, 80, 115))
    else:
        lid = parent
        colours = ((60, 120, 40), (50, 100, 35))
    cam = canvas.camera
    eye = np.array([cam.x, cam.mount_height, 0.0])
    slopes = [
        ([top[0], top[1], ridge_f, ridge_b], colours[0]),
        ([top[3], top[2], ridge_f, ridge_b], colours[1]),
    ]
    ends = [[top[0], top[3], ridge_b], [top[1], top[2], ridge_f]]
    for quad, colour in sorted(slopes, key=lambda q: -float(np.linalg.norm(np.mean(q[0], 0) - eye))):
        canvas.poly(quad, colour, lid)
    for tri in sorted(ends, key=lambda t: -float(np.linalg.norm(np.mean(t, 0) - eye))):
        canvas.poly(tri, _shade(colours[1], 0.85), lid)
    if load == "covered":
        for k in np.linspace(0.1, 0.9, 6):
            a = top[0] + (top[1] - top[0]) * k
            b = ridge_b + (ridge_f - ridge_b) * k
            d = top[3] + (top[2] - top[3]) * k
            canvas.poly([a, b, b + [0, 0.03, 0], a + [0, 0.03, 0]], (30, 70, 25), lid)
            canvas.poly([d, b, b + [0, 0.03, 0], d + [0, 0.03, 0]], (30, 70, 25), lid)


def draw_mud_trail(canvas: Canvas, truck: Truck, length: float, rng: np.random.Generator) -> None:
    """Brown tyre tracks and clods on the road behind a muddy truck (not labelled: it is ground)."""
    s, c = _rot(truck.heading_deg)
    back = np.array([truck.x - s * 4.0, truck.z - c * 4.0])
    for side in (-0.9, 0.9):
        for k in range(int(length / 0.8)):
            d = k * 0.8
            p = back - np.array([s, c]) * d + np.array([c, -s]) * side
            wdt = 0.35 * (1 - d / length) + 0.05
            if rng.random() < 0.8:
                canvas.poly(
                    [
                        [p[0] - wdt, 0.01, p[1]],
                        [p[0] + wdt, 0.01, p[1]],
                        [p[0] + wdt, 0.01, p[1] + 0.7],
                        [p[0] - wdt, 0.01, p[1] + 0.7],
                    ],
                    (40, 65, 95),
                )


def draw_person(canvas: Canvas, person: Person, eid: int | None = None) -> int:
    eid = eid or canvas.entity("person")
    foot, z = canvas.camera.project(
        np.array([[person.x, 0.0, person.z], [person.x, person.height, person.z]])
    )
    if z[0] <= 0.3:
        return eid
    (fx, fy), (hx, hy) = foot
    ph = fy - hy
    if ph < 3:
        return eid
    depth = float(z[0])
    u = ph / person.height  # pixels per metre
    swing = np.sin(person.phase * 2 * np.pi) * 0.25 * u
    hip = (fx + (hx - fx) * 0.48, fy - ph * 0.48)
    shoulder = (fx + (hx - fx) * 0.82, fy - ph * 0.82)
    legw, torso_w = 0.07 * u, 0.2 * u
    if person.seated:
        knee = (hip[0] + 0.35 * u * person.facing, hip[1])
        legs = [
            [
                (hip[0] - legw, hip[1] - legw),
                (knee[0], knee[1] - legw),
                (knee[0] + legw, fy),
                (knee[0] - legw, fy),
                (knee[0] - legw, knee[1] + legw),
                (hip[0] - legw, hip[1] + legw),
            ]
        ]
    else:
        legs = [
            [
                (hip[0] - legw + d, hip[1]),
                (hip[0] + legw + d, hip[1]),
                (fx + legw + 2 * d, fy),
                (fx - legw + 2 * d, fy),
            ]
            for d in (swing / 2, -swing / 2)
        ]
    for leg in legs:
        canvas.pixels(np.round(np.array(leg)).astype(np.int32), person.trousers, eid, depth)
    torso = [
        (shoulder[0] - torso_w, shoulder[1]),
        (shoulder[0] + torso_w, shoulder[1]),
        (hip[0] + torso_w * 0.85, hip[1] + 0.05 * u),
        (hip[0] - torso_w * 0.85, hip[1] + 0.05 * u),
    ]
    canvas.pixels(np.round(np.array(torso)).astype(np.int32), person.shirt, eid, depth)
    for d in (-1, 1):
        arm_end = (shoulder[0] + d * torso_w * 1.1 - swing * d * 0.6, shoulder[1] + 0.32 * ph)
        arm = [
            (shoulder[0] + d * torso_w * 0.8, shoulder[1]),
            (shoulder[0] + d * (torso_w * 0.8 + 0.08 * u), shoulder[1]),
            (arm_end[0] + 0.04 * u, arm_end[1]),
            (arm_end[0] - 0.04 * u, arm_end[1]),
        ]
        canvas.pixels(np.round(np.array(arm)).astype(np.int32), person.shirt, eid, depth)
    head_c = (int(hx), int(hy + 0.1 * u))
    canvas.circle(head_c, max(1, int(0.11 * u)), (120, 160, 205), eid, depth)
    canvas.pixels(
        np.round(
            np.array(
                [
                    (hx - 0.11 * u, hy + 0.08 * u),
                    (hx + 0.11 * u, hy + 0.08 * u),
                    (hx + 0.1 * u, hy - 0.01 * u),
                    (hx - 0.1 * u, hy - 0.01 * u),
                ]
            )
        ).astype(np.int32),
        (25, 25, 30),
        eid,
        depth,
    )
    return eid


def draw_table(canvas: Canvas, x: float, z: float, table_colour: Colour, stool_colour: Colour) -> None:
    """A folding table with a plastic stool at each end (not labelled)."""
    for sx in (-0.7, 0.7):
        if (sx > 0) == (canvas.camera.x > x):
            continue
        _draw_box(canvas, _box_corners(x + sx, z, 0.0, 0.3, 0.3, 0.0, 0.4), 0.0, stool_colour, 0)
    for lx, lz in ((-0.35, -0.25), (0.35, -0.25), (-0.35, 0.25), (0.35, 0.25)):
        canvas.poly(
            [
                [x + lx, 0, z + lz],
                [x + lx + 0.04, 0, z + lz],
                [x + lx + 0.04, 0.64, z + lz],
                [x + lx, 0.64, z + lz],
            ],
            (60, 60, 60),
        )
    _draw_box(canvas, _box_corners(x, z, 90.0, 0.8, 0.6, 0.62, 0.7), 90.0, table_colour, 0)
    for sx in (-0.7, 0.7):
        if (sx > 0) != (canvas.camera.x > x):
            continue
        _draw_box(canvas, _box_corners(x + sx, z, 0.0, 0.3, 0.3, 0.0, 0.4), 0.0, stool_colour, 0)


def draw_stall(
    canvas: Canvas, stall: Stall, t: float, rng: np.random.Generator
) -> tuple[int, npt.NDArray[np.float64]]:
    """Grill with coals (and flame); returns the grill id and its top centre (world)."""
    gid = canvas.entity("grill")
    gx, gz, gl = stall.x, stall.z, stall.grill_length
    legs_y = 0.72
    for lx in (-gl / 2 + 0.05, gl / 2 - 0.05):
        for lz in (-0.15, 0.15):
            canvas.poly(
                [
                    [gx + lx - 0.025, 0, gz + lz],
                    [gx + lx + 0.025, 0, gz + lz],
                    [gx + lx + 0.025, legs_y, gz + lz],
                    [gx + lx - 0.025, legs_y, gz + lz],
                ],
                (50, 50, 55),
                gid,
            )
    body = _box_corners(gx, gz, 90.0, gl, 0.4, legs_y, legs_y + 0.22)
    faces = _draw_box(canvas, body, 90.0, (70, 70, 75), gid, skip=("top",))
    top = [body[i] for i in (4, 5, 7, 6)]
    canvas.poly(top, (25, 25, 30), gid)
    coal = canvas.camera.project(np.array(top))[0]
    n_spots = 14
    for _ in range(n_spots):
        a, b = rng.uniform(0.05, 0.95), rng.uniform(0.1, 0.9)
        p = top[0] + (top[1] - top[0]) * a
        q = top[3] + (top[2] - top[3]) * a
        centre = p + (q - p) * b
        r = 0.05
        colour: Colour = (30, int(rng.integers(60, 140)), int(rng.integers(200, 256)))
        canvas.poly(
            [
                centre + [-r, 0.005, -r],
                centre + [r, 0.005, -r],
                centre + [r, 0.005, r],
                centre + [-r, 0.005, r],
            ],
            colour,
            gid,
            emissive=True,
        )
    for k in range(6):  # skewers
        a = 0.15 + 0.7 * k / 5
        p = top[0] + (top[1] - top[0]) * a + [0, 0.03, 0]
        q = top[3] + (top[2] - top[3]) * a + [0, 0.03, 0]
        canvas.poly([p, q, q + [0.04, 0, 0], p + [0.04, 0, 0]], (40, 80, 150), gid)
    top_centre = np.mean(top, axis=0)
    if stall.flame:
        for k in range(3):
            fxk = gx + (k - 1) * gl * 0.28 + 0.05 * np.sin(t * 9 + k)
            hgt = 0.18 + 0.1 * np.sin(t * 13 + 2 * k) ** 2
            canvas.poly(
                [
                    [fxk - 0.08, legs_y + 0.22, gz],
                    [fxk + 0.08, legs_y + 0.22, gz],
                    [fxk + 0.02 * np.sin(t * 7 + k), legs_y + 0.22 + hgt, gz],
                ],
                (40, 170, 255),
                gid,
                emissive=True,
            )
    cx, cy = coal.mean(0)
    canvas.glows.append((int(cx), int(cy), max(2.0, float(np.ptp(coal[:, 0])) * 0.35), (20, 70, 160)))
    del faces
    return gid, top_centre
