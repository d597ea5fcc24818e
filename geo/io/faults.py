"""Named fault points of the store's writes, for the fault tests
(``tests/io/test_store_faults.py``).

Inert unless ``SAHEL_ATLAS_FAULT`` is ``<point>`` or ``<point>:<action>``: at that point the
process kills itself with SIGKILL (``kill``, the default: power loss, OOM killer, ``kill -9``)
or stops itself with SIGSTOP (``stop``: a test holds a real import at a known step, e.g. to
start a second one beside it, then lets it go on with SIGCONT). A real signal at a real
point of the real code, so the tests see what a user's machine would leave behind.
"""

from __future__ import annotations

import os
import signal

FAULT_ENV = "SAHEL_ATLAS_FAULT"
ACTIONS = {"kill": signal.SIGKILL, "stop": signal.SIGSTOP}


def point(name: str) -> None:
    """Do the fault named by ``$SAHEL_ATLAS_FAULT`` if it is this point; otherwise nothing."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    where, _, action = spec.rpartition(":")
    if action not in ACTIONS:  # a point's name has colons too: "import:begin"
        where, action = spec, "kill"
    if where == name:
        os.kill(os.getpid(), ACTIONS[action])
