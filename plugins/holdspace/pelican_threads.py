"""The Pelican plugin: comment threads on posts.

It only hands data across: the pure modules read and check the comment files
(``archive``), render them (``markup``, ``bodycache``), strip the email
(``published``) and build the pages (``threads``). A Generator reads in
``generate_context`` and writes comment pages 2..N and the per-id redirect
pages in ``generate_output``; page 1 is the post itself, written by Pelican.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from html import escape
from importlib import metadata
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from blinker import signal as named_signal
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from . import auditlog, pagereuse
from .archive import comment_files, read_archive
from .avatars import avatar_secret, identicon_svg
from .bodycache import BodyCache
from .commentfeeds import FeedEntry, newest, write_feed
from .commentfile import raw_body
from .discussions import Target, build_discussions, closed_by_age, comments_state, default_comments
from .guidelines import GUIDELINES_FILE, Rules, describe, load_rules
from .markup import VERSION as MARKUP_VERSION
from .markup import CommentRenderer, render_batch
from .offsite import localise
from .parsecache import ParseCache
from .plaintext import as_text
from .problems import Problem, display_path
from .published import post_feed_location
from .settings import holdspace_settings, project_path
from .threads import Thread, build_thread
from .verdicts import CRISIS, body_flags, hard_problems, normalise_emails

logger = logging.getLogger(__name__)

# Where the guidelines page shows the rules of moderation/guidelines.toml.
RULES_MARKER = "<p>[guidelines-rules]</p>"

# Sent once per build with a BuildReport; ``holdspace.build`` listens to it.
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


def read_queue(folder: str, rules: Rules) -> list[tuple[str, bool]]:
    """(path, flagged for crisis?) of every comment file waiting in the queue. The words
    are read even when the header is broken: a crisis must never hide."""
    waiting = []
    for path, thread, problem in comment_files(folder):
        if problem is None and thread is not None:
            with open(path, "rb") as f:
                body, line = raw_body(f.read())
            waiting.append((path, any(flag.kind == CRISIS for flag in body_flags(body, line, rules))))
    return waiting


class CommentsGenerator(Generator):
    """Reads the approved comments and writes the pages Pelican does not."""

    def generate_context(self) -> None:
        self.hs = hs = holdspace_settings(self.settings)
        self.report = report = BuildReport()
        articles = [*self.context.get("articles", []), *self.context.get("hidden_articles", [])]
        draft_articles = self.context.get("drafts", [])
        # A comments folder names a post (a draft one too) or else a page, as postindex.read_threads has it.
        post_slugs = {a.slug for a in [*articles, *draft_articles]}
        pages = []
        for page in [*self.context.get("pages", []), *self.context.get("hidden_pages", [])]:
            if page.slug in post_slugs:
                _warn_shadowed(page, self.path, hs["COMMENTS_PATH"])
            else:
                pages.append(page)
        posts = [*articles, *pages]
        published = {p.slug for p in posts}
        drafts = {a.slug for a in draft_articles} | {
            p.slug for p in self.context.get("draft_pages", []) if p.slug not in published
        }
        report.posts = len(articles)
        report.pages = len(pages)

        now = datetime.now(UTC)
        for post in posts:
            post.comments_closed, problem = comments_state(
                post.metadata.get("comments", default_comments(post.comment_kind == "page")), post.source_path, 1
            )
            if problem is not None:  # the file is read for its line only then
                report.problems.append(replace(problem, line=_line_of(post.source_path, "comments")))
            if closed_by_age(getattr(post, "date", None), hs["COMMENTS_CLOSE_AFTER_DAYS"], now):
                post.comments_closed = True

        moderation = project_path(self.path, hs["MODERATION_PATH"])
        rules = load_rules(os.path.join(moderation, GUIDELINES_FILE))
        if rules.missing:
            logger.warning("%s is missing, so the default rules apply (no crisis words)", display_path(rules.source))
        staff = normalise_emails(hs["STAFF_EMAILS"])
        self.context["comment_rules"] = rules
        self._show_rules(rules, hs["COMMENT_GUIDELINES_PAGE"])
        tz = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        cache_folder = project_path(self.path, hs["HOLDSPACE_CACHE_PATH"])
        parsed = ParseCache(cache_folder, tz)
        archive = read_archive(
            os.path.join(self.path, hs["COMMENTS_PATH"]),
            {p.slug for p in posts} | drafts,
            tz,
            progress=lambda n: logger.info("Holdspace: read %d comment files ...", n),
            check=partial(hard_problems, rules=rules, staff_emails=staff),
            read=parsed.read,
        )
        parsed.save()
        report.problems.extend(archive.problems)
        held_back = set(archive.held_back)
        report.on_drafts = sum(len(archive.threads.get(slug, [])) for slug in drafts)
        queue = read_queue(os.path.join(moderation, "queue"), rules)
        report.queued, report.queued_crisis = len(queue), sum(1 for _, crisis in queue if crisis)

        cache = BodyCache(cache_folder, MARKUP_VERSION, CommentRenderer().render)
        secret = b""
        if hs["AVATARS"] == "local":
            secret = avatar_secret(project_path(self.path, hs["AVATAR_SECRET_FILE"]), hs["AVATAR_SECRET_CREATE"])
        cache.prefill(
            (c.body for thread in archive.threads.values() for c in thread), render_batch, hs["HOLDSPACE_WORKERS"]
        )
        targets = [Target(p.slug, p.url, p.save_as) for p in posts]
        # Comments approved with a crisis flag (decisions.log) get a gentle note; a file moved by
        # hand has no such record, and no note.
        crisis_ids = auditlog.flagged_on_approval(
            os.path.join(moderation, auditlog.LOG_FILE), CRISIS, unless=auditlog.NO_CRISIS_NOTE
        )
        discussions = build_discussions(targets, archive, cache.render, hs, secret, crisis_ids)
        self.local_avatars = discussions.local_avatars
        for post in posts:
            post.comment_thread = discussions.threads[post.slug]
            if hs["COMMENTS_POST_FEED_ATOM"]:
                post.comment_feed_url = post_feed_location(hs, post.url, post.save_as)[0]
            report.published += post.comment_thread.count
        report.problems.extend(discussions.problems)
        held_back.update(discussions.held_back)
        self.redirects = discussions.redirects
        self.posts = posts
        report.held_back = len(held_back)
        report.problems.sort()
        cache.save()
        report.cache_hits, report.rendered = cache.hits, cache.misses
        for problem in report.problems:
            logger.error("%s", problem)

    def _show_rules(self, rules: Rules, slug: str) -> None:
        """Put the rules, in plain sentences, where the guidelines page says [guidelines-rules]."""
        for page in [*self.context.get("pages", []), *self.context.get("hidden_pages", [])]:
            if page.slug == slug and RULES_MARKER in page._content:
                items = "".join(f"<li>{escape(sentence)}</li>" for sentence in describe(rules))
                page._content = page._content.replace(RULES_MARKER, f'<ul class="rules">{items}</ul>')

    def generate_output(self, writer) -> None:
        hs = self.hs
        relative = self.settings.get("RELATIVE_URLS", False)
        for post in self.posts:
            template = self.get_template(post.template)
            # As Pelican writes the first page: a post as `article`, a page as `page`.
            about = (
                {"page": post}
                if post.comment_kind == "page"
                else {"article": post, "category": getattr(post, "category", None), "blog": True}
            )
            for page in post.comment_thread.pages[1:]:
                writer.write_file(
                    page.save_as,
                    template,
                    self.context,
                    relative_urls=relative,
                    comments_page=page,
                    url=page.url,
                    **about,
                )
        if self.redirects and hs["COMMENT_REDIRECT_SAVE_AS"]:
            self._write_redirects(writer, relative)
        for path in sorted(self.local_avatars):
            target = os.path.join(self.output_path, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as f:
                f.write(identicon_svg(os.path.basename(path)[: -len(".svg")]))
        self._write_feeds()
        reuse = getattr(writer, "reuse", None)
        if reuse is not None:
            reuse.save()
            self.report.pages_reused = reuse.reused
        build_report.send(self, report=self.report)

    def _write_redirects(self, writer, relative: bool) -> None:
        """One small page per comment id. There is one per comment, so rather than
        render the template thousands of times through Pelican's writer, it is rendered
        once per distinct SITEURL with markers that each page's values then replace.
        The first page of each kind is also rendered in full; if the two differ (a
        template that transforms the values), every page is rendered in full."""
        hs = self.hs
        reuse = getattr(writer, "reuse", None)
        template = self.get_template("comment_redirect")
        patterns: dict[str, str | None] = {}  # SITEURL -> the page with markers, or None: render in full
        for cid, target in self.redirects:
            name = hs["COMMENT_REDIRECT_SAVE_AS"].format(id=cid)
            url = hs["COMMENT_REDIRECT_URL"].format(id=cid)
            siteurl = path_to_url(get_relative_path(name)) if relative else self.context.get("SITEURL", "")
            values = {"comment_id": cid, "target": target, "url": url, "output_file": name}
            if siteurl not in patterns:
                full = self._render_redirect(template, siteurl, values)
                pattern = self._render_redirect(template, siteurl, {k: _MARKS[k] for k in values})
                patterns[siteurl] = pattern if _fill(pattern, values) == full else None
            pattern = patterns[siteurl]
            text = self._render_redirect(template, siteurl, values) if pattern is None else _fill(pattern, values)
            key = pagereuse.text_digest(text)
            if reuse is not None and reuse.link(name, key):
                continue  # the same page as last time, linked from the previous build
            path = sanitised_join(self.output_path, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            if reuse is not None:
                reuse.record(name, key)

    def _write_feeds(self) -> None:
        """The Atom feeds of the newest comments (COMMENTS_FEED_ATOM, COMMENTS_POST_FEED_ATOM)."""
        hs = self.hs
        if not hs["COMMENTS_FEED_ATOM"] and not hs["COMMENTS_POST_FEED_ATOM"]:
            return
        base = (self.settings.get("FEED_DOMAIN") or self.settings.get("SITEURL") or "").rstrip("/")
        site, lang = self.settings.get("SITENAME", ""), self.settings.get("DEFAULT_LANG", "en")
        everything: list[FeedEntry] = []
        for post in self.posts:
            thread = post.comment_thread
            title = as_text(post.title)
            entries = []
            for node in thread.by_id.values():
                c = node.item
                parent = thread.by_id.get(c.reply_to) if c.reply_to else None
                link = f"{base}/{thread.permalink(c.id)}"
                entries.append(FeedEntry(c, title, link, parent.item.author if parent else None))
            everything.extend(entries)
            if hs["COMMENTS_POST_FEED_ATOM"] and entries:
                url, save_as = post_feed_location(hs, post.url, post.save_as)
                write_feed(
                    sanitised_join(self.output_path, save_as),
                    f"Comments on “{title}” · {site}",
                    f"{base}/{post.url}",
                    f"{base}/{url}",
                    newest(entries, hs["COMMENTS_FEED_MAX"]),
                    lang,
                )
        if hs["COMMENTS_FEED_ATOM"]:
            write_feed(
                sanitised_join(self.output_path, hs["COMMENTS_FEED_ATOM"]),
                f"Comments · {site}",
                f"{base}/",
                f"{base}/{hs['COMMENTS_FEED_ATOM']}",
                newest(everything, hs["COMMENTS_FEED_MAX"]),
                lang,
            )

    def _render_redirect(self, template, siteurl: str, values: dict[str, str]) -> str:
        return template.render({**self.context, "SITEURL": siteurl, "localsiteurl": siteurl, **values})


# Private-use characters: never in an id or URL, and left alone by HTML escaping.
_MARKS = {key: f"\ue000{key}\ue001" for key in ("comment_id", "target", "url", "output_file")}


def _fill(pattern: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        # As Jinja's autoescape writes it (markupsafe): & < > " '
        escaped = escape(value, quote=False).replace('"', "&#34;").replace("'", "&#39;")
        pattern = pattern.replace(_MARKS[key], escaped)
    return pattern


class ReusingWriter(Writer):
    """Pelican's writer, except that a post's page (or comment page) whose key is the
    one recorded by the previous build is linked from it, not rendered (``pagereuse``)."""

    def __init__(self, output_path, settings=None) -> None:
        super().__init__(output_path, settings=settings)
        hs = holdspace_settings(self.settings)
        self.reuse: pagereuse.PageReuse | None = None
        if hs["HOLDSPACE_REUSE_PAGES"] and hs["HOLDSPACE_PREVIOUS_OUTPUT"]:
            cache = project_path(self.settings["PATH"], hs["HOLDSPACE_CACHE_PATH"])
            self.reuse = pagereuse.PageReuse(cache, hs["HOLDSPACE_PREVIOUS_OUTPUT"], output_path)
        self._keyed = False

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):  # fmt: skip
        reuse = self.reuse
        key = None
        if (
            reuse is not None
            and name
            and "article" in kwargs
            and paginated is None
            and not override_output
            and not {"articles", "dates"} & kwargs.keys()
        ):
            if not self._keyed:
                reuse.site_key = _site_key(template.environment, context)
                self._keyed = True
            key = reuse.key(name, template.name, [relative_urls, url], kwargs)
            if key is not None and reuse.link(name, key):
                return
        super().write_file(
            name, template, context, relative_urls, paginated, template_name, override_output, url, **kwargs
        )
        if key is not None:
            reuse.record(name, key)


def _site_key(env, context) -> str | None:
    """What every post page may show besides its own post: the context, every template,
    and the code of Holdspace, Pelican and Jinja."""
    try:
        templates = [
            [name, pagereuse.digest(env.loader.get_source(env, name)[0])] for name in sorted(env.list_templates())
        ]
        code = pagereuse.files_digest(
            os.path.join(os.path.dirname(__file__), n)
            for n in os.listdir(os.path.dirname(__file__))
            if n.endswith(".py")
        )
        versions = [metadata.version(name) for name in ("pelican", "Jinja2", "MarkupSafe")]
        return pagereuse.digest([pagereuse.describe(context), templates, code, versions])
    except Exception as e:  # anything without a stable description: render every page
        logger.debug("Holdspace: pages are rendered, not reused (%s: %s)", e.__class__.__name__, e)
        return None


def _line_of(path: str, key: str) -> int:
    """The line of metadata ``key`` in a post's source file (1 when not found)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, start=1):
                if line.lower().startswith(key + ":"):
                    return number
    except OSError:
        pass
    return 1


def initialized(pelican_object) -> None:
    """Check Holdspace's settings, merge in their defaults (templates read them
    from the context), and turn on HTML escaping in every template: pseudonyms
    and websites are commenters' text."""
    settings = pelican_object.settings
    settings.update(holdspace_settings(settings))
    intake = urlsplit(settings["COMMENT_INTAKE_URL"])
    site = urlsplit(settings.get("SITEURL") or "")
    if settings["PRIVACY_STRICT"] and intake.hostname and intake.hostname != site.hostname:
        logger.warning(
            "PRIVACY_STRICT is on, but COMMENT_INTAKE_URL (%s) is on another host than SITEURL, which learns "
            "a commenter's address when the form is sent; serve the intake under the site's own address",
            settings["COMMENT_INTAKE_URL"],
        )
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}


def article_defaults(generator) -> None:
    """Give every article, drafts and translations too, an empty thread to start
    with, so any template can ask for one; ``CommentsGenerator`` fills in the
    threads of published and hidden posts. A translation's comments stay on
    the post in the default language."""
    _defaults(generator, "post", ("articles", "hidden_articles", "drafts", "drafts_translations"))


def page_defaults(generator) -> None:
    """As ``article_defaults``, for pages: a page shows a thread only when it has
    comments or says ``Comments: open``."""
    _defaults(generator, "page", ("pages", "hidden_pages", "draft_pages", "draft_translations"))


def _defaults(generator, kind: str, lists: tuple[str, ...]) -> None:
    items = [item for name in (*lists, "translations", "hidden_translations") for item in getattr(generator, name)]
    for item in items:
        item.comment_thread = _empty_thread(item)
        item.comments_closed = True
        item.comment_feed_url = ""
        item.comment_kind = kind
    _keep_on_site(items, generator.settings)


def _keep_on_site(items, settings) -> None:
    """PRIVACY_STRICT: images and embeds from other hosts in posts and pages become links."""
    if not settings.get("PRIVACY_STRICT"):
        return
    host = urlsplit(settings.get("SITEURL") or "").hostname or ""
    for item in items:
        replaced = 0
        if isinstance(getattr(item, "_content", None), str):
            item._content, replaced = localise(item._content, host)
        summary = item.metadata.get("summary")
        if isinstance(summary, str):  # a Summary: line, shown by the lists instead of the body's start
            item.metadata["summary"], more = localise(summary, host)
            if getattr(item, "_summary", None) == summary:
                item._summary = item.metadata["summary"]
            replaced += more
        if replaced:
            logger.info("%s: %d image(s) or embed(s) from other hosts made into links (PRIVACY_STRICT)",
                            display_path(item.source_path), replaced)  # fmt: skip


def _warn_shadowed(page, content: str, comments_path: str) -> None:
    """A page whose slug is a post's too: the comments folder of that slug is the post's."""
    if os.path.isdir(os.path.join(content, comments_path, page.slug)) or page.metadata.get("comments"):
        logger.warning(
            "%s:1: a post has the slug %r too, so %s/%s/ holds the post's comments, not this page's; "
            "give the page another Slug: to give it a thread",
            display_path(page.source_path), page.slug, comments_path, page.slug,
        )  # fmt: skip


def _empty_thread(article) -> Thread:
    thread = build_thread([])
    thread.pages[0].url, thread.pages[0].save_as = article.url, article.save_as
    return thread


def warn_in_feeds(context, feed) -> None:
    """A post behind a Content-Warning is behind it in Pelican's feeds too: its entry holds
    the warning and a link, not the post's words (a feed reader would show them at once)."""
    warned = {
        f"/{a.url}": str(a.metadata["content-warning"])
        for a in context.get("articles", [])
        if a.metadata.get("content-warning")
    }
    if not warned:
        return
    for item in feed.items:
        link = str(item.get("link", "")).removesuffix("?ref=feed")
        warning = next((w for url, w in warned.items() if link.endswith(url)), None)
        if warning is not None:
            words = (
                f"<p>Content warning: {escape(warning)}.</p>"
                f'<p><a href="{escape(link)}">Read the post on the site</a>, where it opens behind this warning.</p>'
            )
            item["description"] = words
            if item.get("content"):
                item["content"] = words


def get_generators(pelican_object):
    return CommentsGenerator


def get_writer(pelican_object):
    return ReusingWriter


def register() -> None:
    signals.initialized.connect(initialized)
    signals.article_generator_finalized.connect(article_defaults)
    signals.page_generator_finalized.connect(page_defaults)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(get_writer)
    signals.feed_generated.connect(warn_in_feeds)
