"""The lesson file format: parse a ``resources/lessons/NAME.md`` into a ``Lesson`` record.

A lesson is Markdown with a small front matter between ``---`` lines::

    ---
    title: XOR and linear separability
    group: foundations
    concepts: perceptron, linear separability, XOR
    minutes: 10
    project: perceptron            # a preset name, or "inline" with a ``## Project`` JSON block
    dataset: xor                   # optional: overrides the project's dataset (name or JSON)
    training: {"lr": 0.1}          # optional: overrides training settings (JSON)
    panels: boundary, curves       # the panels the lesson opens
    contrast: tanh | ReLU | replace layer tanh1 ReLU   # optional: what ``side by side N`` compares
    ---
    Text in the course's words...

    ## Steps
    1. Press Play and watch the boundary. `do: train 300`
    2. Tick x1·x2 on the input. `do: set layer input.x1x2 true`

    ## Question
    Why can one line not split XOR?

    ## Answer
    ...

Each step is one numbered item; its actions are the backticked ``do: ...`` parts (several are
separated by ``;``). The ``## Project`` section holds a fenced JSON block: a whole project file, or
``{"chain": [[KIND, {params}], ...], "dataset": ..., "training": ...}`` for a straight stack of layers.
Parsing never runs code; what is wrong is reported with the file, the line and the fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from playground.core.errors import PlaygroundError

_STEP = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
_DO = re.compile(r"`do:\s*([^`]*)`")
REQUIRED = ("title", "group", "concepts", "minutes", "project")


@dataclass(frozen=True)
class Step:
    text: str  # Markdown, without the ``do:`` parts
    actions: tuple[str, ...]  # e.g. ("set training.lr 0.001", "train 200")


@dataclass
class Lesson:
    name: str
    title: str
    group: str
    concepts: tuple[str, ...]
    minutes: int
    project: str  # a preset name or "inline"
    text: str  # the Markdown before ``## Steps``
    steps: tuple[Step, ...]
    question: str = ""
    answer: str = ""
    panels: tuple[str, ...] = ()
    dataset: Any = None  # override: a name or {"name", "params"}
    training: dict[str, Any] = field(default_factory=dict)
    inline: dict[str, Any] | None = None  # the ``## Project`` JSON
    contrast: str = ""  # "label A | label B | actions" for ``side by side N`` (train.lessons.contrast)

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "group": self.group, "concepts": list(self.concepts),
                "minutes": self.minutes, "steps": len(self.steps)}


def _error(name: str, what: str, fix: str) -> PlaygroundError:
    return PlaygroundError(f"lesson '{name}': {what}", fix=fix)


def _front_matter(name: str, lines: list[str]) -> tuple[dict[str, str], int]:
    if not lines or lines[0].strip() != "---":
        raise _error(name, "does not start with a '---' front matter", "begin the file with ---, title: ..., ---")
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return meta, i + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise _error(name, f"line {i + 1} '{line.strip()}' is not 'key: value'", "write it as key: value")
        meta[key.strip().lower()] = value.split("  #")[0].strip()
    raise _error(name, "front matter has no closing '---'", "end the front matter with a line '---'")


def _sections(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in lines:
        if line.startswith("## "):
            current = line[3:].strip().lower()
            sections[current] = []
        else:
            sections[current].append(line)
    return sections


def _steps(name: str, lines: list[str]) -> tuple[Step, ...]:
    items: list[list[str]] = []
    for line in lines:
        if _STEP.match(line):
            items.append([_STEP.match(line).group(2)])
        elif items and line.strip():
            items[-1].append(line.strip())
    steps = []
    for item in items:
        text = " ".join(item)
        actions = tuple(a.strip() for found in _DO.findall(text) for a in found.split(";") if a.strip())
        steps.append(Step(re.sub(r"\s+", " ", _DO.sub("", text)).strip(), actions))
    return tuple(steps)


def _json(name: str, key: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise _error(name, f"'{key}' is not valid JSON ({exc})", 'write it like {"lr": 0.1}') from None


def parse_lesson(text: str, name: str) -> Lesson:
    lines = text.splitlines()
    meta, body_start = _front_matter(name, lines)
    missing = [k for k in REQUIRED if not meta.get(k)]
    if missing:
        raise _error(name, f"front matter lacks {', '.join(missing)}", f"add: {', '.join(k + ': ...' for k in missing)}")
    try:
        minutes = int(meta["minutes"])
    except ValueError:
        raise _error(name, f"minutes '{meta['minutes']}' is not a whole number", "write e.g. minutes: 10") from None
    sections = _sections(lines[body_start:])
    inline = None
    if "project" in sections:
        block = "\n".join(sections["project"])
        found = re.search(r"```(?:json)?\s*\n(.*?)```", block, re.S)
        if not found:
            raise _error(name, "the '## Project' section has no ```json block", "put the project JSON in a fenced block")
        inline = _json(name, "## Project", found.group(1))
    if meta["project"] == "inline" and inline is None:
        raise _error(name, "project is 'inline' but there is no '## Project' section", "add one, or name a preset")
    dataset = meta.get("dataset") or None
    if dataset and dataset.startswith("{"):
        dataset = _json(name, "dataset", dataset)
    training = _json(name, "training", meta["training"]) if meta.get("training") else {}
    split = lambda v: tuple(p.strip() for p in re.split(r",(?![^()]*\))", v) if p.strip())  # noqa: E731  (not inside "( )")
    steps = _steps(name, sections.get("steps", []))
    if not steps:
        raise _error(name, "has no steps", "add a '## Steps' section with numbered items")
    contrast = meta.get("contrast", "")
    if contrast:
        from playground.train.lessons.contrast import parse_contrast

        try:
            parse_contrast(contrast)
        except PlaygroundError as exc:
            raise _error(name, f"its contrast: {exc.message}", exc.fix) from None
    elif any(a.startswith("side by side") for step in steps for a in step.actions):
        raise _error(name, "a step trains side by side but there is no 'contrast:' line",
                     "add contrast: LABEL A | LABEL B | actions to the front matter")
    return Lesson(name=name, title=meta["title"], group=meta["group"].lower(), concepts=split(meta["concepts"]),
                  minutes=minutes, project=meta["project"], text="\n".join(sections[""]).strip(), steps=steps,
                  question="\n".join(sections.get("question", [])).strip(),
                  answer="\n".join(sections.get("answer", [])).strip(),
                  panels=split(meta.get("panels", "")), dataset=dataset, training=training, inline=inline,
                  contrast=contrast)
