"""Holdspace's settings: defaults in one dict, merged with the user's, then checked.

Pure: ``holdspace_settings`` takes any mapping (Pelican's settings, read by
``glue.project``) and names the bad key. docs/settings.md documents every key
(a test keeps the two the same)."""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .problems import HoldspaceError, closest
from .schema import Kind, is_flag, is_text, is_whole, wrong

# The plugin's templates (searched after the theme's) and static files (copied under STATIC_URL).
_HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES, STATIC, STATIC_URL = os.path.join(_HERE, "templates"), os.path.join(_HERE, "static"), "holdspace"

DEFAULTS: dict[str, Any] = {
    # Where approved comment files live, relative to Pelican's PATH (content/).
    "COMMENTS_PATH": "comments",
    # Top-level comments: "oldest" or "newest" first. Replies: always oldest first.
    "COMMENTS_ORDER": "oldest",
    # Replies deeper than this are drawn at this level, with "in reply to <name>".
    "COMMENTS_MAX_DEPTH": 5,
    # Top-level comments (each with all its replies) per page.
    "COMMENTS_PER_PAGE": 50,
    "COMMENTS_BELOW_CONTENT": True,  # a theme that shows no thread gets the plugin's, below each post
    # Page N (N >= 2) of a post's comments, relative to the post's own URL folder.
    "COMMENTS_PAGE_URL": "{post_url}comment-page-{number}/",
    "COMMENTS_PAGE_SAVE_AS": "{post_dir}comment-page-{number}/index.html",
    # A stable link for every comment id: a tiny page that redirects to the
    # comment on whatever page it is now. Empty strings turn these pages off.
    "COMMENT_REDIRECT_URL": "comment/{id}.html",
    "COMMENT_REDIRECT_SAVE_AS": "comment/{id}.html",
    # Where the reply form posts. Empty: the form is replaced by how to send
    # a comment to the moderators at COMMENT_EMAIL.
    "COMMENT_INTAKE_URL": "",
    "COMMENT_EMAIL": "",
    # `holdspace intake`, the service COMMENT_INTAKE_URL points at: where it listens
    # (localhost: put a web server in front of it to take comments from outside),
    # the largest form it reads, and how many forms one address may send in a window
    # of seconds. Behind a proxy on the same machine every form comes from
    # 127.0.0.1: set COMMENT_INTAKE_FORWARDED_FOR = True to count by the address
    # the proxy puts last in X-Forwarded-For. COMMENT_INTAKE_SITEURL is where the
    # "your comment awaits moderation" page links back to ("": SITEURL).
    "COMMENT_INTAKE_HOST": "127.0.0.1",
    "COMMENT_INTAKE_PORT": 8081,
    "COMMENT_INTAKE_MAX_BYTES": 65536,
    "COMMENT_INTAKE_RATE_LIMIT": 10,
    "COMMENT_INTAKE_RATE_WINDOW": 600,
    "COMMENT_INTAKE_FORWARDED_FOR": False,
    "COMMENT_INTAKE_SITEURL": "",
    # Commit each comment the intake queues (and each withdrawal) to the project's git
    # repository, as "Holdspace intake" (docs/moderating-with-git.md).
    "COMMENT_INTAKE_GIT_COMMIT": False,
    # Close a post's thread this many days after its date (None: never; a post's
    # own "Comments: closed" closes it at any age).
    "COMMENTS_CLOSE_AFTER_DAYS": None,
    # Atom feeds of the newest comments: the site's (a path in the output; "" none)
    # and each post's (a file name in the post's folder; "" none), at most
    # COMMENTS_FEED_MAX entries each. publishconf.py turns them on.
    "COMMENTS_FEED_ATOM": "",
    "COMMENTS_POST_FEED_ATOM": "",
    "COMMENTS_FEED_MAX": 50,
    # Slug of the page holding the full community guidelines.
    "COMMENT_GUIDELINES_PAGE": "guidelines",
    # Where to reach help now, shown on every thread page next to the reply form:
    # a list of {"name": ..., "contact": ..., "region": ...} (and "url", optional),
    # and the slug of the page with more (linked when the site has it).
    "CRISIS_RESOURCES": [],
    "CRISIS_RESOURCES_PAGE": "crisis-resources",
    # One switch for a reader or commenter who must hide their participation: local
    # avatars drawn from the name shown (nothing derived from an email), no request
    # to any other host (off-site images and embeds in posts become links), no
    # Referer sent, and thread and search pages kept out of search engines.
    "PRIVACY_STRICT": False,
    # Emails of staff: only they may use the reserved names of the guidelines,
    # and their comments carry a "Staff" badge.
    "STAFF_EMAILS": [],
    # "gravatar": images from gravatar.com, keyed by the SHA-256 of the email;
    # "local": an identicon drawn at build time from an HMAC of the email with
    # a secret, served by the site itself; "names": an identicon drawn from the
    # name shown (nothing from the email; PRIVACY_STRICT's default); "none": no
    # image, an initial.
    "AVATARS": "gravatar",
    # AVATARS = "local": the secret's file (from the project folder; the
    # HOLDSPACE_AVATAR_SECRET environment variable wins), and whether a build
    # may create it when it is missing (publishconf.py says no).
    "AVATAR_SECRET_FILE": ".secrets/avatar-secret",
    "AVATAR_SECRET_CREATE": True,
    "AVATAR_SIZE": 48,
    "GRAVATAR_DEFAULT": "identicon",
    # The moderation folder (queue/, rejected/); relative paths here and below
    # are taken from the project folder, the one holding PATH (content/).
    "MODERATION_PATH": "moderation",
    # Commit each moderation decision (the files it moved and its line in the log, nothing
    # else) to the project's git repository, with the decision as the message.
    "MODERATION_GIT_COMMIT": False,
    # Cache of rendered comment bodies, outside output/ and ignored by git.
    "HOLDSPACE_CACHE_PATH": ".cache/holdspace",
    # Set by `holdspace build`, which builds into a new folder and then
    # puts it in place of the output: the output being replaced, whose search
    # export is reused when the index has not changed.
    "HOLDSPACE_PREVIOUS_OUTPUT": "",
    # Processes for the work that can use several cores (rendering the bodies of a
    # first build, writing the search index): 0 means one per core, 1 none.
    "HOLDSPACE_WORKERS": 0,
    # Link a post's pages from the previous build instead of rendering them again when
    # nothing they show has changed (docs/performance.md). Only `holdspace build`
    # does it; plain `pelican` always renders.
    "HOLDSPACE_REUSE_PAGES": True,
    # What must never be published or committed: the outbox of mails and alerts, and the
    # secret that signs links in mails (from the project folder; git ignores it).
    "HOLDSPACE_PRIVATE_PATH": ".private",
    # Mail (docs/mail.md): who is alerted of new comments, who the mails come from, and the
    # SMTP server (smtp://user@host:587 with STARTTLS, or smtps://...:465; the password from
    # the environment variable HOLDSPACE_SMTP_PASSWORD, never from a file). "" sends nothing.
    "MODERATOR_EMAILS": [],
    "MAIL_FROM": "",
    "MAIL_SMTP_URL": "",
    # New comments that are not flagged for crisis are gathered into one mail at most this
    # often (crisis ones are sent at once); ALERT_WEBHOOK_URL receives the same as JSON.
    "ALERT_DIGEST_MINUTES": 60,
    "ALERT_WEBHOOK_URL": "",
    # What `holdspace forget` does to a writer's published comments (docs/control.md):
    # "remove" (name and words gone; replies keep their place under a note) or
    # "anonymise" (shown as by "(removed)", the words kept). Waiting and rejected ones,
    # never published, are deleted either way.
    "ERASE_MODE": "remove",
}


def _one_of(*choices: str) -> Kind:
    return Kind("one of " + ", ".join(repr(c) for c in choices), lambda value: value in choices)


_WHOLE = Kind("a whole number of 1 or more", is_whole)
_FLAG = Kind("True or False", is_flag)
_TEXT = Kind("a string such as {default!r}", is_text)
_PORT = Kind("a port from 1 to 65535", lambda value: is_whole(value) and value <= 65535)
_STAFF = Kind(
    "a list of addresses, like ['ana@example.org']",
    lambda value: isinstance(value, (list, tuple)) and all(isinstance(e, str) and "@" in e for e in value),
)
# What each setting takes; CRISIS_RESOURCES and the URL patterns have checks of their own below.
KINDS: dict[str, Kind] = {
    **{key: _TEXT for key, default in DEFAULTS.items() if isinstance(default, str)},
    **{key: _FLAG for key, default in DEFAULTS.items() if isinstance(default, bool)},
    "COMMENTS_ORDER": _one_of("oldest", "newest"),
    "ERASE_MODE": _one_of("remove", "anonymise"),
    "AVATARS": _one_of("gravatar", "local", "names", "none"),
    "GRAVATAR_DEFAULT": _one_of("identicon", "mp", "monsterid", "wavatar", "retro", "robohash", "blank"),
    "COMMENTS_MAX_DEPTH": _WHOLE,
    "COMMENTS_PER_PAGE": _WHOLE,
    "AVATAR_SIZE": _WHOLE,
    "COMMENTS_FEED_MAX": _WHOLE,
    "COMMENT_INTAKE_PORT": _PORT,
    "COMMENT_INTAKE_MAX_BYTES": _WHOLE,
    "COMMENT_INTAKE_RATE_LIMIT": _WHOLE,
    "COMMENT_INTAKE_RATE_WINDOW": _WHOLE,
    "COMMENTS_CLOSE_AFTER_DAYS": Kind(
        "None (never) or a whole number of days", lambda value: value is None or is_whole(value)
    ),
    "HOLDSPACE_WORKERS": Kind("0 (one process per core) or a whole number", lambda value: is_whole(value, 0)),
    "STAFF_EMAILS": _STAFF,
    "MODERATOR_EMAILS": _STAFF,
    "ALERT_DIGEST_MINUTES": _WHOLE,
}
# URL and path patterns: the fields each may use, the first of them required.
PATTERNS: dict[str, tuple[str, ...]] = {
    "COMMENTS_PAGE_URL": ("number", "post_url"),
    "COMMENTS_PAGE_SAVE_AS": ("number", "post_dir"),
    "COMMENT_REDIRECT_URL": ("id",),
    "COMMENT_REDIRECT_SAVE_AS": ("id",),
}
# Prefixes that mark a user setting as ours, so a misspelt one is caught.
OUR_PREFIXES = (
    "COMMENT",
    "AVATAR",
    "GRAVATAR",
    "HOLDSPACE",
    "STAFF",
    "CRISIS",
    "PRIVACY",
    "MAIL",
    "ALERT",
    "MODERATOR",
    "MODERATION",
)
# What PRIVACY_STRICT allows of AVATARS: nothing drawn from an email, nothing from another host.
STRICT_AVATARS = ("names", "none")


def theme_folders(settings: Mapping[str, Any]) -> list[str]:
    """Where Pelican finds the theme's templates, first to last (before the plugin's)."""
    return [*settings.get("THEME_TEMPLATES_OVERRIDES", []), os.path.join(str(settings.get("THEME") or ""), "templates")]


class SettingsError(HoldspaceError, ValueError):
    """A Holdspace setting has a value it cannot work with."""


def holdspace_settings(user: Mapping[str, Any]) -> dict[str, Any]:
    """Return Holdspace's settings: the defaults overridden by ``user``, checked.

    ``user`` may hold any other settings (Pelican's); they are ignored, except
    that a key with one of our prefixes that we do not know is an error.
    """
    problems = []
    for key in user:
        if key.startswith(OUR_PREFIXES) and key not in DEFAULTS:
            close = closest(key, DEFAULTS)
            hint = f"did you mean {close[0]}?" if close else "see docs/settings.md for the list of settings"
            problems.append(f"unknown setting {key}; {hint}")
    merged = {key: user.get(key, default) for key, default in DEFAULTS.items()}
    if merged["PRIVACY_STRICT"] is True:
        if "AVATARS" not in user:
            merged["AVATARS"] = "names"
        elif merged["AVATARS"] not in STRICT_AVATARS:
            problems.append(
                f"setting AVATARS = {merged['AVATARS']!r} does not go with PRIVACY_STRICT = True "
                "(it derives the picture from the email); use 'names' or 'none', or leave AVATARS out"
            )
    for key in wrong(merged, KINDS):
        wanted = KINDS[key].wanted.format(default=DEFAULTS[key])
        problems.append(f"setting {key} = {merged[key]!r} is not valid; use {wanted}")
    problems.extend(_crisis_problems(merged["CRISIS_RESOURCES"]))
    problems.extend(_mail_problems(merged))
    for key, fields in PATTERNS.items():
        problems.extend(_pattern_problems(key, merged[key], fields))
    if problems:
        raise SettingsError("\n".join(problems))
    merged["HOLDSPACE_WORKERS"] = merged["HOLDSPACE_WORKERS"] or os.cpu_count() or 1
    return merged


def _crisis_problems(resources: object) -> list[str]:
    example = "[{'name': 'Samaritans', 'contact': 'call 116 123', 'region': 'UK and Ireland'}]"
    if not isinstance(resources, (list, tuple)):
        return [f"setting CRISIS_RESOURCES = {resources!r} is not valid; use a list like {example}"]
    problems = []
    for number, item in enumerate(resources, start=1):
        if not isinstance(item, dict):
            problems.append(f"setting CRISIS_RESOURCES, item {number}, is not a dict; use a list like {example}")
            continue
        unknown = sorted(set(item) - {"name", "contact", "region", "url"})
        missing = [k for k in ("name", "contact", "region") if not isinstance(item.get(k), str) or not item[k].strip()]
        url = item.get("url", "")
        if unknown:
            problems.append(
                f"setting CRISIS_RESOURCES, item {number}, has the key {unknown[0]!r}; "
                "use only name, contact, region and url"
            )
        if missing:
            problems.append(f"setting CRISIS_RESOURCES, item {number}, has no {missing[0]}; give it as text")
        if url and (not isinstance(url, str) or not url.startswith(("https://", "http://", "tel:", "sms:"))):
            problems.append(
                f"setting CRISIS_RESOURCES, item {number}, has url {url!r}; "
                "use an https:, http:, tel: or sms: address, or none"
            )
    return problems


def _pattern_problems(key: str, pattern: object, fields: tuple[str, ...]) -> list[str]:
    if not isinstance(pattern, str) or (pattern == "" and key.startswith("COMMENT_REDIRECT")):
        return []  # a non-string is reported above; an empty redirect pattern turns redirects off
    names = ", ".join("{" + f + "}" for f in fields)
    try:
        parsed = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as e:
        return [f"setting {key} = {pattern!r} is not a valid pattern ({e}); use the fields {names}"]
    unknown = [name for name in parsed if name not in fields]
    if unknown:
        return [f"setting {key} = {pattern!r} uses {{{unknown[0]}}}; use only the fields {names}"]
    if fields[0] not in parsed:
        return [f"setting {key} = {pattern!r} has no {{{fields[0]}}}; put {{{fields[0]}}} in it"]
    return []


def _mail_problems(merged: Mapping[str, Any]) -> list[str]:
    """MAIL_SMTP_URL's form, and what it needs beside it."""
    url = merged["MAIL_SMTP_URL"]
    if not isinstance(url, str) or not url:
        return []
    problems = []
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or parts.password:
        shown = url.replace(f":{parts.password}@", ":***@") if parts.password else url  # never print a password
        problems.append(
            f"setting MAIL_SMTP_URL = {shown!r} is not valid; use smtp://host:587 (STARTTLS) or smtps://host:465, "
            "with a user if the server wants one (smtp://user@host:587), and the password in $HOLDSPACE_SMTP_PASSWORD"
        )
    if not merged["MAIL_FROM"] or "@" not in str(merged["MAIL_FROM"]):
        problems.append("setting MAIL_FROM is missing; with MAIL_SMTP_URL, give the address mails come from")
    return problems
