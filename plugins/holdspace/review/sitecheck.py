"""What ``holdspace check-site`` finds in a site's own archive and settings, before a build
or a deploy: what the build would hold back, comments dated before their post or in the
future (published or waiting), replies to missing comments, no crisis resources, a
missing guidelines or crisis-resources page, and settings that contradict each other.
Each is a ``Problem``: path:line: what is wrong; what to do. Nothing is changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ..archive.commentfile import Comment, read_comment
from ..archive.posts import PostInfo
from ..archive.project import Project
from ..archive.reader import comment_files, read_archive
from ..problems import Problem
from .guidelines import RulesError, load_rules
from .verdicts import date_line, dated_before_post, hard_problems, staff_set

FUTURE = timedelta(days=1)  # a clock a little ahead is not a problem


def check_site(project: Project, settings_file: str) -> list[Problem]:
    posts = project.threads()
    problems: list[Problem] = []
    try:
        rules = load_rules(project.guidelines)
    except RulesError as e:
        return list(e.problems)
    staff = staff_set(project.settings["STAFF_EMAILS"])
    archive = read_archive(project.comments, set(posts), project.tz, check=lambda c: hard_problems(c, rules, staff))
    problems += archive.problems
    problems += dates(archive_comments(archive.threads), posts)
    waiting = [c for path, thread, problem in comment_files(project.queue) if problem is None and thread
               for c in [read_comment(path, thread, project.tz)[0]] if c is not None]  # fmt: skip
    problems += dates(waiting, posts)
    problems += settings_problems(project.settings, posts, settings_file)
    return sorted(set(problems))


def archive_comments(threads: Mapping[str, list[Comment]]) -> list[Comment]:
    return [c for comments in threads.values() for c in comments]


def dates(comments: Iterable[Comment], posts: Mapping[str, PostInfo], now: datetime | None = None) -> list[Problem]:
    """Comments dated before their post, or in the future."""
    now = now or datetime.now(UTC)
    found = []
    for c in comments:
        before = dated_before_post(c, posts.get(c.thread))
        if before:
            found.append(Problem(c.path, date_line(c.path), before, "correct the Date line, or the post's Date"))
        elif c.date > now + FUTURE:
            found.append(Problem(c.path, date_line(c.path), f"dated {c.date:%-d %B %Y}, in the future",
                                 "correct the Date line"))  # fmt: skip
    return found


def settings_problems(settings: Mapping[str, Any], posts: Mapping[str, PostInfo], path: str) -> list[Problem]:
    found = []

    def say(key: str, what: str, todo: str) -> None:
        found.append(Problem(path, setting_line(path, key), what, todo))

    if not settings.get("CRISIS_RESOURCES"):
        say("CRISIS_RESOURCES", "CRISIS_RESOURCES is empty: no help is shown next to the reply form",
            "add the crisis lines of your readers' regions (docs/settings.md)")  # fmt: skip
    for key, what in (("COMMENT_GUIDELINES_PAGE", "guidelines"), ("CRISIS_RESOURCES_PAGE", "crisis resources")):
        slug = settings.get(key)
        if slug and (slug not in posts or not posts[slug].page or posts[slug].draft):
            say(key, f"{key} names the page {slug!r}, and there is no such published page",
                f"write the {what} page (content/pages/, with Slug: {slug}), or change the setting")  # fmt: skip
    if not settings.get("COMMENT_INTAKE_URL") and not settings.get("COMMENT_EMAIL"):
        say("COMMENT_EMAIL", "neither COMMENT_INTAKE_URL nor COMMENT_EMAIL is set: readers have no way to reply",
            "set one of them (docs/intake.md)")  # fmt: skip
    if settings.get("MODERATOR_EMAILS") and not settings.get("MAIL_SMTP_URL"):
        say("MODERATOR_EMAILS", "MODERATOR_EMAILS is set but MAIL_SMTP_URL is not: nobody can be alerted",
            "set MAIL_SMTP_URL (docs/mail.md), or leave MODERATOR_EMAILS empty")  # fmt: skip
    if settings.get("MAIL_SMTP_URL") and not settings.get("MODERATOR_EMAILS") and not settings.get("ALERT_WEBHOOK_URL"):
        say("MAIL_SMTP_URL", "MAIL_SMTP_URL is set but nobody is alerted of new comments",
            "set MODERATOR_EMAILS (or ALERT_WEBHOOK_URL)")  # fmt: skip
    if settings.get("PRIVACY_STRICT") and settings.get("AVATARS") == "gravatar":
        say("AVATARS", 'PRIVACY_STRICT is on, and AVATARS = "gravatar" asks gravatar.com for every picture',
            'set AVATARS = "names" (or "local", or "none"), or leave AVATARS out')  # fmt: skip
    return found


def setting_line(path: str, key: str) -> int:
    """The line of the settings file that sets ``key`` (1 when it sets none)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, start=1):
                if line.split("=", 1)[0].strip() == key or line.startswith(f"{key}:"):
                    return number
    except OSError:
        pass
    return 1
