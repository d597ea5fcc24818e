"""glibc's mmap threshold, fixed for large imports (geo.io.memory)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geo.io import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc setting")
def test_large_freed_blocks_go_back_to_the_system_once_set():
    """Blocks of 1 MB allocated and freed after a larger one: without the fixed threshold
    glibc serves them from the heap and keeps them; with it, the process gives them back."""
    probe = (
        "import ctypes, sys\n"
        "from geo.io import memory\n"
        "if sys.argv[1] == 'set': assert memory.return_large_blocks_promptly()\n"
        "libc = ctypes.CDLL(None)\n"
        "libc.malloc.restype = ctypes.c_void_p\n"
        "libc.free.argtypes = (ctypes.c_void_p,)\n"
        "def rss():\n"
        "    return int(open('/proc/self/statm').read().split()[1]) * 4096\n"
        "libc.free(libc.malloc(8 << 20))  # raises glibc's dynamic threshold\n"
        "blocks = [libc.malloc(1 << 20) for _ in range(200)]\n"
        "for b in blocks: ctypes.memset(b, 1, 1 << 20)\n"
        "before = rss()\n"
        "for b in blocks[:-1]: libc.free(b)  # the last one pins the heap's top\n"
        "print(before - rss())\n"
    )

    def returned(mode: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", probe, mode], capture_output=True, text=True, check=True
        )
        return int(out.stdout)

    assert returned("set") > 150 << 20  # most of the 199 MB freed is given back
    assert returned("default") < 50 << 20  # (what the setting is for)


def test_setting_it_twice_is_harmless(monkeypatch):
    assert memory.return_large_blocks_promptly() is memory.return_large_blocks_promptly()
    monkeypatch.setattr(memory, "_set", False)
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.return_large_blocks_promptly() is False
