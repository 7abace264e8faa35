"""Top stories: a score anyone can recompute from the figures stored with each story.

    breadth = independent reports + 0.5 × (distinct outlets − 1)
    score   = breadth / (hours since the latest report + 2) ^ 1.8        (Hacker News-style gravity)
    pinned stories come first, whatever their score

Reprints of one wire story or republished text add nothing to breadth: eighteen papers running the same AP copy
are one report. Outlet diversity adds a little, so a story carried by many outlets ranks above one outlet's series.
The age is measured from the latest report, so a developing story stays up while outlets keep reporting on it.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

GRAVITY = 1.8
AGE_OFFSET_HOURS = 2.0
DIVERSITY_WEIGHT = 0.5


def score_inputs(*, independent: int, reprints: int, outlets: int, last_seen: datetime, pinned: bool,
                 now: datetime | None = None) -> dict:
    """The inputs and the resulting score, as stored on the story to explain "why this story is here"."""
    now = now or timezone.now()
    age_hours = max(0.0, (now - last_seen).total_seconds() / 3600)
    breadth = independent + DIVERSITY_WEIGHT * max(0, outlets - 1)
    score = breadth / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY
    return {
        "independent_reports": independent, "reprints": reprints, "outlets": outlets,
        "age_hours": round(age_hours, 2), "breadth": breadth, "gravity": GRAVITY, "pinned": pinned,
        "score": score,
    }


def explain(inputs: dict) -> str:
    """One sentence for readers: why the story is ranked where it is."""
    if not inputs:
        return ""
    parts = [f"{inputs['independent_reports']} independent report{'s' if inputs['independent_reports'] != 1 else ''}"
             f" from {inputs['outlets']} outlet{'s' if inputs['outlets'] != 1 else ''}"]
    if inputs["reprints"]:
        parts.append(f"{inputs['reprints']} reprint{'s' if inputs['reprints'] != 1 else ''} not counted")
    parts.append(f"latest report {inputs['age_hours']:.0f} h ago")
    text = ", ".join(parts) + "."
    return ("Pinned by the editors. " + text) if inputs["pinned"] else text
