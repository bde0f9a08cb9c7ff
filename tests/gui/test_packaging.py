"""packaging/: the desktop entry, AppStream metadata, MIME type and PyInstaller spec agree and parse."""

from __future__ import annotations

import ast
import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
APP_ID = "io.github.playground.Playground"


def test_desktop_entry():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / f"{APP_ID}.desktop")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application" and d["Exec"].split()[0] == "playground"
    assert d["Icon"] == APP_ID and (PACKAGING / f"{APP_ID}.svg").exists()
    assert "application/x-playground-project" in d["MimeType"]
    ET.parse(PACKAGING / f"{APP_ID}.svg")


def test_metainfo_and_mime_type():
    meta = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert meta.findtext("id") == APP_ID
    assert meta.find("launchable").text == f"{APP_ID}.desktop"
    assert meta.find("provides/binary").text == "playground"
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(PACKAGING / f"{APP_ID}.mime.xml").getroot()
    assert mime.find("m:mime-type/m:glob", ns).get("pattern") == "*.pgproj"


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstreamcli is not installed")
def test_metainfo_validates():
    proc = subprocess.run(["appstreamcli", "validate", "--no-net", str(PACKAGING / f"{APP_ID}.metainfo.xml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pyinstaller_spec_parses_and_bundles_the_resources():
    spec = (PACKAGING / "playground.spec").read_text()
    ast.parse(spec)
    assert '"playground/resources"' in spec and '"modules.py"' in spec and 'collect_submodules("playground")' in spec
    ast.parse((PACKAGING / "launch.py").read_text())
