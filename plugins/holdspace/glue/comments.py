"""The comments' Generator: reads the approved comments and writes the pages Pelican does not.

It only hands data across: the archive reads and checks the comment files, the
review stage gives the rules, publishing renders the threads. ``generate_context``
reads (Pelican has read the posts by then); ``generate_output`` writes comment
pages 2..N, the per-id redirect pages, local avatars and comment feeds. Page 1
of a thread is the post itself, written by Pelican.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from pelican.generators import Generator

from ..archive import idindex, stamps
from ..archive.parsecache import ParseCache, collector_paused, parse_all
from ..archive.posts import closed_by_age, comments_state, default_comments
from ..archive.project import Project, project_path
from ..archive.reader import Archive, read_archive
from ..archive.removed import NOTES as REMOVED_NOTES
from ..mail.notices import Live, links_url, write_live
from ..problems import display_path
from ..publishing.avatars import avatar_secret, identicon_svg
from ..publishing.bodycache import BodyCache
from ..publishing.discussions import Target, build_discussions
from ..publishing.markup import VERSION as MARKUP_VERSION
from ..publishing.markup import CommentRenderer, render_batch
from ..publishing.plaintext import as_text
from ..publishing.published import post_feed_location
from ..review import auditlog
from ..review.guidelines import Rules, load_rules
from ..review.verdicts import CRISIS, hard_problems, queue_crisis, staff_set
from . import feeds, redirects, rewrite
from .forks import forked, parallel
from .project import project_of
from .report import BuildReport, build_report

logger = logging.getLogger(__name__)
# The context's key of the plain texts the body renderers made (html -> text), for the search.
PLAIN_TEXTS = "HOLDSPACE_PLAIN_TEXTS"


class CommentsGenerator(Generator):
    """Reads the approved comments and writes the pages Pelican does not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Pelican makes every Generator before any reads: with the cores for it, a forked
        process parses the comment files into the parse cache meanwhile, while Pelican reads
        the posts (``_read`` waits for it)."""
        super().__init__(*args, **kwargs)
        self._parsing: int | None = None
        _reap_parsing()
        if parallel(self.settings):
            project = project_of(self.settings)
            self._parsing = forked(partial(_parse_all, project))
            _PARSING.add(self._parsing)

    def generate_context(self) -> None:
        self._redirects: redirects.Started | None = None
        self.project = project = project_of(self.settings)
        self.report = report = BuildReport()
        self.posts, drafts = self._threads()
        self._open_or_closed()
        rules = load_rules(project.guidelines)
        if rules.missing:
            logger.warning("%s is missing, so the default rules apply (no crisis words)", display_path(rules.source))
        self.context["comment_rules"] = rules
        self.context["REMOVED_NOTES"] = REMOVED_NOTES  # what the place of a removed comment says
        self.context["intake_links_url"] = links_url(str(self.settings.get("COMMENT_INTAKE_URL") or ""))
        rewrite.show_rules(self._all_pages(), rules, self.settings["COMMENT_GUIDELINES_PAGE"])
        archive = self._read(rules, drafts)
        gc.freeze()  # the posts and the archive, read: publishing them walks them no more (_freeze)
        report.on_drafts = sum(len(archive.threads.get(slug, [])) for slug in drafts)
        queue = queue_crisis(project.queue, rules)
        report.queued, report.queued_crisis = len(queue), sum(1 for _, crisis in queue if crisis)
        held_back = set(archive.held_back) | self._publish(archive)
        report.held_back = len(held_back)
        report.problems.sort()
        for problem in report.problems:
            logger.error("%s", problem)
        _freeze()

    def _all_pages(self) -> list[Any]:
        return [*self.context.get("pages", []), *self.context.get("hidden_pages", [])]

    def _threads(self) -> tuple[list[Any], set[str]]:
        """The posts and pages that take comments, and the slugs of drafts (their comments wait)."""
        articles = [*self.context.get("articles", []), *self.context.get("hidden_articles", [])]
        draft_articles = self.context.get("drafts", [])
        # A comments folder names a post (a draft one too) or else a page, as archive.posts.read_threads has it.
        post_slugs = {a.slug for a in [*articles, *draft_articles]}
        pages = []
        for page in self._all_pages():
            if page.slug in post_slugs:
                _warn_shadowed(page, self.path, self.settings["COMMENTS_PATH"])
            else:
                pages.append(page)
        published = {p.slug for p in [*articles, *pages]}
        drafts = {a.slug for a in draft_articles} | {
            p.slug for p in self.context.get("draft_pages", []) if p.slug not in published
        }
        self.report.posts, self.report.pages = len(articles), len(pages)
        return [*articles, *pages], drafts

    def _open_or_closed(self) -> None:
        now = datetime.now(UTC)
        for post in self.posts:
            post.comments_closed, problem = comments_state(
                post.metadata.get("comments", default_comments(post.comment_kind == "page")), post.source_path, 1
            )
            if problem is not None:  # the file is read for its line only then
                self.report.problems.append(replace(problem, line=_line_of(post.source_path, "comments")))
            if closed_by_age(getattr(post, "date", None), self.settings["COMMENTS_CLOSE_AFTER_DAYS"], now):
                post.comments_closed = True

    def _read(self, rules: Rules, drafts: set[str]) -> Archive:
        project = self.project
        if self._parsing is not None:  # however it ended, the files are read through the cache
            child, self._parsing = self._parsing, None
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child, 0)
            _PARSING.discard(child)
        parsed = ParseCache(project.cache, project.tz)
        folders = stamps.folders(project.comments)  # before the files are read: the commands' index of them
        archive = read_archive(
            project.comments,
            {p.slug for p in self.posts} | drafts,
            project.tz,
            progress=lambda n: logger.info("Holdspace: read %d comment files ...", n),
            check=partial(hard_problems, rules=rules, staff_emails=staff_set(self.settings["STAFF_EMAILS"])),
            read=parsed.read,
        )
        parsed.save()
        whole = not archive.held_back and not archive.problems  # then the commands' full read is this one
        self._ids = (folders, idindex.of_archive(archive, project.comments) if whole else None)  # saved at the end
        self.report.problems.extend(archive.problems)
        return archive

    def _publish(self, archive: Archive) -> set[str]:
        """Render the threads and give each post its own; return the paths held back here."""
        project, settings, report = self.project, self.settings, self.report
        secret = _secret(project)  # before the work: a missing one stops the build (SecretMissing)
        cache = BodyCache(project.cache, MARKUP_VERSION, CommentRenderer().render)
        cache.prefill(
            (c.body for thread in archive.threads.values() for c in thread), render_batch, settings["HOLDSPACE_WORKERS"]
        )
        # Comments approved with a crisis flag (decisions.log) get a gentle note; a file moved by
        # hand has no such record, and no note.
        crisis_ids = auditlog.flagged_on_approval(project.log, CRISIS, unless=auditlog.NO_CRISIS_NOTE)
        targets = [Target(p.slug, p.url, p.save_as) for p in self.posts]
        discussions = build_discussions(targets, archive, cache.render, settings, secret, crisis_ids)
        self.local_avatars = discussions.local_avatars
        self.redirects = discussions.redirects
        for post in self.posts:
            post.comment_thread = discussions.threads[post.slug]
            for translation in getattr(post, "translations", []):
                translation.comment_original = post
            if settings["COMMENTS_POST_FEED_ATOM"]:
                post.comment_feed_url = post_feed_location(settings, post.url, post.save_as)[0]
            report.published += post.comment_thread.count
        report.problems.extend(discussions.problems)
        cache.save()
        self.context[PLAIN_TEXTS] = cache.texts  # for the search (glue/search.py), which takes them
        report.cache_hits, report.rendered = cache.hits, cache.misses
        return discussions.held_back

    def _with_redirects(self) -> bool:
        return bool(self.redirects and self.settings["COMMENT_REDIRECT_SAVE_AS"])

    def generate_output(self, writer: Any) -> None:
        relative = self.settings.get("RELATIVE_URLS", False)
        for post in self.posts:
            template = getattr(self, "first_pages", {}).get(post.comment_kind, self).get_template(post.template)
            # As Pelican writes the first page: a post as `article`, a page as `page`.
            about = (
                {"page": post}
                if post.comment_kind == "page"
                else {"article": post, "category": getattr(post, "category", None), "blog": True}
            )
            for page in post.comment_thread.pages[1:]:
                writer.write_file(
                    page.save_as, template, self.context, relative_urls=relative, comments_page=page, url=page.url,
                    **about,
                )  # fmt: skip
        if self._redirects is not None:
            redirects.finish(self._redirects, writer)
        elif self._with_redirects():
            redirects.write(self, writer, relative)
        for path in sorted(self.local_avatars):
            target = os.path.join(self.output_path, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as f:
                f.write(identicon_svg(os.path.basename(path)[: -len(".svg")]))
        feeds.write(self.settings, self.posts, self.output_path)
        # For `holdspace notify`: made here, so that the search's process starts without waiting for it.
        with collector_paused():  # 20,000 records made at once, none of them garbage
            write_live(self.project.cache, str(self.settings.get("SITEURL") or ""), _live(self.posts))
        idindex.save(self.project.cache, self.project.tz, *self._ids)  # the commands' index of the archive, or none
        self.project.threads()  # records the posts' headers for the commands (else the first one read them all)
        reuse = getattr(writer, "reuse", None)
        if reuse is not None:
            reuse.save()
            self.report.pages_reused, self.report.lists_reused = reuse.reused, reuse.lists_reused
        build_report.send(self, report=self.report)


def _freeze() -> None:
    """The posts, their threads and the rest of the context live until the build ends: once
    the garbage of publishing is collected, the collector no longer walks them (``gc.freeze``,
    as the archive once read; a warm build made six full collections of 0.03-0.06 s). Given
    back at ``finalized``, or by the next build's start after one that failed (``forks.thaw``)."""
    gc.collect()
    gc.freeze()


def _live(posts: list[Any]) -> list[Live]:
    """Every published comment as readers see it, for the notifications (no address)."""
    found = []
    for post in posts:
        thread = post.comment_thread
        title = as_text(post.title)
        for cid, node in thread.by_id.items():
            c = node.item
            if c.removed:
                continue
            found.append(Live(cid, post.slug, title, c.author, c.reply_to or "", thread.permalink(cid)))
    return found


def _secret(project: Project) -> bytes:
    """The secret of AVATARS = "local" (none for the other kinds)."""
    settings = project.settings
    if settings["AVATARS"] != "local":
        return b""
    return avatar_secret(
        project_path(project.content, settings["AVATAR_SECRET_FILE"]), settings["AVATAR_SECRET_CREATE"]
    )


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


_PARSING: set[int] = set()  # the parsing processes started, until waited for


def _parse_all(project: Project) -> None:
    """The parsing process's work: a cache filled, or not. When it fails (a folder it cannot
    write, a file gone meanwhile), the build reads and parses what is missing itself, and
    reports what fails there as it always did."""
    with contextlib.suppress(Exception):
        parse_all(project.cache, project.tz, project.comments)


def _reap_parsing() -> None:
    """Wait for the parsing processes of earlier builds in this process that failed before
    reading the comments (``pelican --autoreload``), once they have ended."""
    for pid in list(_PARSING):
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                continue  # still at work: it ends on its own, and is waited for next time
        _PARSING.discard(pid)


def _warn_shadowed(page: Any, content: str, comments_path: str) -> None:
    """A page whose slug is a post's too: the comments folder of that slug is the post's."""
    if os.path.isdir(os.path.join(content, comments_path, page.slug)) or page.metadata.get("comments"):
        logger.warning(
            "%s:1: a post has the slug %r too, so %s/%s/ holds the post's comments, not this page's; "
            "give the page another Slug: to give it a thread",
            display_path(page.source_path), page.slug, comments_path, page.slug,
        )  # fmt: skip


def start_redirects(generators: list[Any]) -> None:
    """When every Generator has its context (Pelican's all_generators_finalized), the
    redirect pages are started in a forked process, if there are cores for it."""
    for generator in generators:
        if isinstance(generator, CommentsGenerator) and generator._with_redirects() and parallel(generator.settings):
            generator._redirects = redirects.start(generator, generator.settings.get("RELATIVE_URLS", False))


def get_generators(pelican_object: Any) -> type[Generator]:
    return CommentsGenerator
