"""Evidence throughput on this machine: records written per second and verify throughput (MB/s).

Each record is a realistic parking case: 3 full-scene photos (default 1280x720, lossless PNG originals +
JPEG annotated copies with the Chinese caption band), a plate close-up and an H.264 clip of N frames,
signed and chained, with rows in a real SQLite database (the production sink, one transaction each).

    PYTHONPATH=. python bench/evidence_bench.py [--records 20] [--width 1280 --height 720] [--clip-frames 25]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from api.db.evidence_sink import DatabaseRecordSink
from api.db.migrate import upgrade
from evidence.keys import Signer
from evidence.synthetic import make_context, make_violation
from evidence.verify import verify_store
from evidence.writer import EvidenceWriter
from tests.integration.evidence.helpers import T0, add_camera


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--clip-frames", type=int, default=25)
    parser.add_argument("--no-clip", action="store_true", help="measure without the H.264 clip")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="evidence-bench-") as tmp:
        root = Path(tmp)
        url = f"sqlite:///{root / 'bench.db'}"
        upgrade(url)
        add_camera(url)
        sink = DatabaseRecordSink.from_url(url)
        writer = EvidenceWriter(
            root / "store",
            Signer.load_or_create(root / "k" / "signing.key"),
            sink,
            with_clip=not args.no_clip,
        )
        context = make_context()
        violations = [
            make_violation(
                start=T0 + timedelta(hours=i),
                episode_key=f"cam-1:z:{i}",
                plate_text=f"浙A{i:05d}",
                width=args.width,
                height=args.height,
                clip_frames=args.clip_frames,
                seed=i,
            )
            for i in range(args.records + 1)
        ]
        writer.write(violations[0], context)  # warm-up: codec, font, DB connection
        start = time.perf_counter()
        for violation in violations[1:]:
            writer.write(violation, context)
        write_s = time.perf_counter() - start
        start = time.perf_counter()
        report = verify_store(root / "store", rows=sink.rows())
        verify_s = time.perf_counter() - start
        assert report.ok, report.lines()
        mb = report.bytes_checked / 1e6
        n = len(report.records)
        print(
            f"records: {args.records} x (3 photos {args.width}x{args.height}, plate, "
            f"{0 if args.no_clip else args.clip_frames}-frame clip), SQLite rows"
        )
        print(
            f"write:  {args.records / write_s:.2f} records/s ({write_s / args.records * 1000:.0f} ms/record)"
        )
        print(
            f"verify: {mb / verify_s:.1f} MB/s ({n} records, {mb:.1f} MB, {n / verify_s:.1f} records/s, "
            "hashes + signatures + chain + DB rows)"
        )
        print(f"bundle: {mb / n:.2f} MB/record on disk")


if __name__ == "__main__":
    main()
