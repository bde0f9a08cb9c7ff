"""`playground lessons [--json]`: list the shipped lessons in course order."""

from __future__ import annotations

HELP = "list the lessons (name, title, concepts, minutes), grouped as the course is"


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON (a list of lessons)")


def run(args) -> int:
    import json

    from playground.train.lessons import GROUPS, list_lessons

    lessons = list_lessons()
    if args.json:
        print(json.dumps([l.summary() for l in lessons], indent=2))
        return 0
    titles = dict(GROUPS)
    group = None
    for lesson in lessons:
        if lesson.group != group:
            group = lesson.group
            print(f"\n{titles[group]}")
        print(f"  {lesson.name:<26} {lesson.title} ({lesson.minutes} min): {', '.join(lesson.concepts)}")
    return 0
