"""What one build did, sent once per build for the command line's summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from blinker import signal as named_signal

from ..problems import Problem

# Sent once per build with a BuildReport; ``cli.build`` listens to it.
build_report = named_signal("holdspace.build-report")


@dataclass
class BuildReport:
    posts: int = 0
    pages: int = 0  # pages that may hold a thread (every published page)
    published: int = 0
    held_back: int = 0
    queued: int = 0
    queued_crisis: int = 0
    problems: list[Problem] = field(default_factory=list)
    on_drafts: int = 0  # approved comments on draft posts: kept, not published
    cache_hits: int = 0
    rendered: int = 0
    pages_reused: int = 0  # post, comment and redirect pages linked from the previous build
    lists_reused: int = 0  # list pages (and other pages not a post's) whose text is the previous build's
