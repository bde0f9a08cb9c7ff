"""Two running instances and the crash autosave (issue #12, defect 3).

Before: both wrote one ``autosave.pgproj``; the second offered the first's work while the first was
still running, and answering No deleted it (the first's edit was lost once it was killed). Now each
instance has its own file and lock; only files of instances that are gone are offered.
"""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtWidgets import QMessageBox

from playground.ui.project.autosave import Autosave

HOLDER = """
import sys, time
from PySide6.QtCore import QLockFile
from playground.ui.project.autosave import Autosave
a = Autosave(sys.argv[1])
a.write('{"format": "playground-project", "version": 1, "name": "from the other process", '
        '"graph": {"nodes": [], "edges": []}}')
print(a.path, flush=True)
time.sleep(120)
"""


def units(path) -> int:
    (node,) = [n for n in json.loads(path.read_text())["graph"]["nodes"] if n["name"] == "fc1"]
    return node["params"]["units"]


def test_a_second_instance_never_offers_or_deletes_a_running_ones_work(make_window, dialogs, monkeypatch):
    first = make_window("tfp_mlp")
    first.editor.set_param(first.doc.graph.by_name("fc1").id, "units", 5)
    mine = first.files.autosave_now()
    monkeypatch.setenv("PLAYGROUND_NO_AUTOSAVE_PROMPT", "0")
    dialogs.answer = QMessageBox.StandardButton.No
    second = make_window("lenet5")
    assert not second.files.offer_autosave() and not dialogs.calls  # the first is running: not offered
    second.editor.set_param(second.doc.graph.by_name("fc1").id, "units", 7)
    theirs = second.files.autosave_now()
    assert theirs != mine and units(mine) == 5  # one file each: nothing overwritten
    # the first instance dies (its lock goes with its process); a third start offers its work only
    first.files.autosave.lock.unlock()
    dialogs.answer = QMessageBox.StandardButton.Yes
    third = make_window("perceptron")
    assert third.files.offer_autosave()
    assert len(dialogs.texts("question")) == 1  # the second is still running: its work is not offered
    assert third.doc.graph.by_name("fc1").params["units"] == 5 and third.doc.dirty
    assert theirs.exists() and units(theirs) == 7
    for window in (first, second, third):
        window.doc.mark_saved()


def test_answering_no_deletes_only_a_dead_instances_file(tmp_path, dialogs):
    running, dead = Autosave(tmp_path), Autosave(tmp_path)
    running.write("{}")
    dead.write("{}")
    dead.lock.unlock()  # "killed": file left, lock gone
    me = Autosave(tmp_path)
    orphans = me.orphans()
    assert [o.path for o in orphans] == [dead.path]
    assert me.orphans() == []  # claimed meanwhile: a fourth instance starting now cannot take it too
    orphans[0].discard()  # the person said No
    assert not dead.path.exists() and running.path.exists()
    running.close()
    assert not running.path.exists() and me.orphans() == []


def test_an_instance_in_another_process_is_respected_until_it_dies(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        path = tmp_path / proc.stdout.readline().strip().rsplit("/", 1)[-1]
        assert path.exists()
        me = Autosave(tmp_path)
        assert me.orphans() == []  # alive: not offered, so never deleted
        assert path.exists()
    finally:
        proc.kill()
        proc.wait()
    (orphan,) = me.orphans()  # dead: offered
    assert orphan.path == path and "from the other process" in path.read_text()
    orphan.release()
    assert len(Autosave(tmp_path).orphans()) == 1  # released, not deleted: offered again next time
