"""Atomic writes (``playground.core.files``): no leftovers after killed writers, modes kept or taken
from the umask, symbolic links kept.

The killed writers are real child processes stopped with SIGKILL in the middle of a write (after
the temporary holds data, before the rename); the next save in this process must remove what they
left. Modes are compared with ``os.stat`` against what the umask gives ``open(..., "w")``, the plain
way of writing a file, as the reference.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from playground.core import files
from playground.core.files import atomic_write_bytes, atomic_write_text, remove_stale_temporaries
from playground.graph.project import graph_to_dict, load_project, save_project

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, signals and links")

WRITER = """
import os, sys, time
from playground.core import files
def stall(fd):  # the data is written, the rename has not happened: stop here until killed
    print("WRITING", flush=True)
    time.sleep(120)
files.os.fsync = stall
files.atomic_write_bytes(sys.argv[1], b"x" * int(sys.argv[2]))
"""

ROOT = Path(__file__).parents[2]


def kill_mid_write(target: Path, size: int = 5_000_000) -> None:
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(size)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "WRITING"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def umask_mode(folder: Path) -> int:
    """What the umask gives a file written the plain way (the reference for a new file's mode)."""
    probe = folder / "probe-plain-write"
    with open(probe, "w") as f:
        f.write("x")
    try:
        return mode(probe)
    finally:
        probe.unlink()


def test_writers_killed_mid_write_leave_nothing_after_the_next_save(tmp_path):
    target = tmp_path / "net.pgproj"
    atomic_write_text(target, "first")
    for _ in range(4):
        kill_mid_write(target)
        left = leftovers(tmp_path, {"net.pgproj"})
        # each writer cleans up after the killed one before it: one leftover at most, never a pile
        assert len(left) == 1 and left[0].startswith(".net.pgproj.") and left[0].endswith(".tmp")
        assert (tmp_path / left[0]).stat().st_size == 5_000_000
    assert target.read_text() == "first"  # the killed writers never touched the file
    atomic_write_text(target, "second")
    assert leftovers(tmp_path, {"net.pgproj"}) == [] and target.read_text() == "second"


def test_only_our_stale_temporaries_of_this_target_are_removed(tmp_path):
    target = tmp_path / "a.pgproj"
    target.write_text("old")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    old = time.time() - files.STALE_SECONDS - 5
    names = {
        f".a.pgproj.{sleeper.pid}.0123abcd.tmp": True,      # a live writer's: kept
        f".a.pgproj.{sleeper.pid}.4567abcd.tmp": False,     # a live writer's but untouched too long
        f".a.pgproj.{os.getpid()}.89abcdef.tmp": True,      # ours (another thread may be writing it)
        ".a.pgproj.k3j_x9qa.tmp": True,                     # the old mkstemp spelling, recent
        ".a.pgproj.p0q_r1s2.tmp": False,                    # the old mkstemp spelling, stale
        ".b.pgproj.99999999.0123abcd.tmp": True,            # another target's
        ".a.pgproj.tmp": True, "a.pgproj.bak": True, ".a.pgproj.notes.txt": True,   # not ours
        ".a.pgproj.12.0123abcd.tmp.keep": True,
    }
    try:
        for name, _ in names.items():
            (tmp_path / name).write_text("x")
        os.utime(tmp_path / f".a.pgproj.{sleeper.pid}.4567abcd.tmp", (old, old))
        os.utime(tmp_path / ".a.pgproj.p0q_r1s2.tmp", (old, old))
        os.utime(tmp_path / ".b.pgproj.99999999.0123abcd.tmp", (old, old))
        (tmp_path / ".a.pgproj.abcdefgh.tmp").mkdir()  # a folder is never removed
        atomic_write_text(target, "new")
        expected = {n for n, keep in names.items() if keep} | {"a.pgproj", ".a.pgproj.abcdefgh.tmp"}
        assert set(p.name for p in tmp_path.iterdir()) == expected
    finally:
        sleeper.kill()
        sleeper.wait()
    # the sleeper is gone now: its temporary is stale at once
    assert [p.name for p in remove_stale_temporaries(target)] == [f".a.pgproj.{sleeper.pid}.0123abcd.tmp"]


def test_a_dead_process_temporary_of_a_long_name_is_found(tmp_path):
    target = tmp_path / ("n" * 200 + ".pgproj")
    atomic_write_text(target, "a")
    kill_mid_write(target, size=10)
    assert len(leftovers(tmp_path, {target.name})) == 1
    atomic_write_text(target, "b")
    assert leftovers(tmp_path, {target.name}) == []


@pytest.mark.parametrize("existing", [0o644, 0o600, 0o640, 0o664, 0o755, 0o444])
def test_a_save_keeps_the_existing_mode(tmp_path, existing):
    target = tmp_path / "m.pgproj"
    target.write_text("old")
    os.chmod(target, existing)
    old_umask = os.umask(0o077)  # the kept mode does not depend on the umask
    try:
        atomic_write_text(target, "new")
    finally:
        os.umask(old_umask)
    assert mode(target) == existing and target.read_text() == "new"


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077, 0o027])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path, umask):
    old_umask = os.umask(umask)
    try:
        reference = umask_mode(tmp_path)
        atomic_write_bytes(tmp_path / "new.py", b"print(1)\n")
    finally:
        os.umask(old_umask)
    assert mode(tmp_path / "new.py") == reference == 0o666 & ~umask


def test_a_project_saved_twice_stays_0644(tmp_path):
    target = tmp_path / "p.pgproj"
    project = load_project("tfp_mlp")
    old_umask = os.umask(0o022)
    try:
        save_project(project, target)
        assert mode(target) == 0o644
        save_project(project, target)
    finally:
        os.umask(old_umask)
    assert mode(target) == 0o644 and graph_to_dict(load_project(target).graph) == graph_to_dict(project.graph)


def test_a_symbolic_link_stays_a_link_and_its_file_is_replaced(tmp_path):
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    real = real_dir / "model.pgproj"
    real.write_text("old")
    os.chmod(real, 0o640)
    link = link_dir / "model.pgproj"
    link.symlink_to(os.path.relpath(real, link_dir))
    chain = link_dir / "latest.pgproj"
    chain.symlink_to("model.pgproj")  # a link to the link
    atomic_write_text(link, "through the link")
    assert link.is_symlink() and real.read_text() == "through the link" and mode(real) == 0o640
    atomic_write_text(chain, "through the chain")
    assert chain.is_symlink() and link.is_symlink() and real.read_text() == "through the chain"
    assert sorted(p.name for p in link_dir.iterdir()) == ["latest.pgproj", "model.pgproj"]
    assert sorted(p.name for p in real_dir.iterdir()) == ["model.pgproj"]  # no temporary left either


def test_a_dangling_link_creates_the_file_it_points_to(tmp_path):
    link = tmp_path / "out.py"
    link.symlink_to("real-out.py")
    atomic_write_text(link, "x = 1\n")
    assert link.is_symlink() and (tmp_path / "real-out.py").read_text() == "x = 1\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "f.txt"
    target.write_text("old")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and leftovers(tmp_path, {"f.txt"}) == []
