"""Child process for the crash test: writes records forever until it is SIGKILLed.

argv: store_dir key_path database_url first_index [kill_step kill_count]
With kill_step, the process SIGKILLs itself the kill_count-th time the writer reaches that step.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from api.db.evidence_sink import DatabaseRecordSink
from evidence.keys import Signer
from evidence.synthetic import make_context
from evidence.writer import EvidenceWriter
from tests.integration.evidence.helpers import small_violation


def main() -> None:
    store, key, url, first = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    kill_step, kill_count = (sys.argv[5], int(sys.argv[6])) if len(sys.argv) > 6 else (None, 0)
    seen = 0

    def on_step(name: str) -> None:
        nonlocal seen
        if name == kill_step:
            seen += 1
            if seen >= kill_count:
                os.kill(os.getpid(), signal.SIGKILL)

    writer = EvidenceWriter(
        store,
        Signer.load_or_create(key),
        DatabaseRecordSink.from_url(url),
        on_step=on_step,
        spool_dir=store.parent / "spool",
    )
    context = make_context()
    i = first
    while True:
        writer.write(small_violation(i), context)
        if i == first:
            sys.stdout.write("ready\n")
            sys.stdout.flush()
        i += 1


if __name__ == "__main__":
    main()
