"""Baselines for the build benchmark: plain Pelican, and pelican-comment-system, on one synthetic archive.

    python bench/peer.py [--posts 1000] [--comments 20000] [--runs 3] [--work bench/.work] [--check-only]

Standard library only, and nothing from the holdspace package: the main benchmark imports it.

    ensure_env(work) -> python
        Creates once (reused when present with the pinned versions) <work>/venv-peer with
        pelican==4.12.0, Markdown==3.11.3 and pelican-comment-system==1.4.0 from PyPI; returns its python.
    prepare_plain(archive, site)
        site/content/posts (hard links to the archive's posts, copies across file systems), site/pelicanconf.py
        (Holdspace's URL scheme and pagination, feeds off, UTC, Pelican's default theme notmyidea, no plugins,
        the content cache on: CACHE_CONTENT, LOAD_CONTENT_CACHE, CACHE_PATH site/cache) and site/run.py.
    prepare_peer(archive, site, python)
        The same, plus the comments in the plugin's format, the plugin's settings and a theme that renders every
        comment. `python` (ensure_env's) is an addition to the brief: the theme is copied from that venv's Pelican.
    touch_one_post(site) -> path
        Adds or removes one word at the end of one post (always the same one), written as a new file so the hard
        link to the archive is broken, never the archive changed: its mtime changes and Pelican's cache re-reads it.
    build(python, site, *, clean_output, clean_cache) -> {"seconds", "peak_rss_mb", "comments"}
        One build, `python site/run.py` in site/, output in site/output. Cold: both cleaned first; warm: the
        cache kept (call touch_one_post first). peak_rss_mb is the child's ru_maxrss from os.wait4; comments is
        the plugin's own "Processed N comment(s)" count (None for plain Pelican). Raises RuntimeError with the
        end of the log when the build fails; Pelican runs with --fatal errors, so a logged error fails it too.
    verify_peer(archive, site) -> {"comments", "replies", "pages", "problems"}
        Reads the built article pages back: every comment once, on its post's page, with its author, its date
        and its body's words, nested under the comment it replies to. problems lists what is not so.

pelican-comment-system 1.4.0 (last released 2017) as it is used here:
- Loaded as Pelican 4.12 loads an old-style plugin: PLUGINS = ["pelican_comment_system"], a plain module name
  (it is no pelican.plugins namespace package); it is installed in the venv, so no PLUGIN_PATHS is needed.
- Its settings: PELICAN_COMMENT_SYSTEM = True. Identicons stay off (PELICAN_COMMENT_SYSTEM_IDENTICON_DATA empty,
  its default): Holdspace's avatars cost one hash and one URL per comment, the identicons a PNG drawn per
  author, and with them off the comparison holds the comment work alone. Its per-article and all-comments Atom
  feeds (on by default) are turned off like every other feed here, as Holdspace's pelicanconf.py has them.
- Its format: content/comments/<article slug>/<file>, metadata author, date, optional website and replyto, the
  parent's slug, which is the parent's file name *with* the extension under Pelican 4: Comment slugifies the file
  name with settings["SLUG_SUBSTITUTIONS"], a name Pelican 4 no longer sets, and Pelican 4's slugify keeps the dot
  without SLUG_REGEX_SUBSTITUTIONS, so "replyto: c000001.md" (the plugin's docs show "1md": Pelican 3's slugify
  dropped the dot). Our Email header is kept as email: nothing of the plugin's publishes it (only its feeds or
  identicons could use it, both off; its feeds show the author's name only), and Holdspace reads it too.
- A reply whose parent is missing is dropped from the page with a warning, yet counted in its "Processed N
  comment(s)" line: build()'s "comments" counts files read, verify_peer() what is shown.
- Its theme: the plugin only attaches article.comments (top level, sorted by date) and comment.replies; the
  theme here is Pelican's notmyidea, copied from the venv at prepare time, with the comment list of the plugin's
  own example (theme/templates/pcs/comments.html, comments_with_form without avatar, form or script) added to
  article.html: each comment's author (linked to its website), date, rendered body and nested replies.

Fixes needed on Pelican 4.12, applied at run time by site/run.py (the installed package is never edited):
- Pelican.get_writer was renamed Pelican._get_writer in Pelican 4.0 and the plugin calls the old name when the
  article generator starts: run.py sets `pelican.Pelican.get_writer = pelican.Pelican._get_writer` before
  pelican.main(). No other fix was needed: it builds with --fatal errors and logs no warning on the synthetic
  archive; with its feeds on (both Atom feeds written) and with identicons on (Pillow 13 draws them) too.

What it costs (cProfile of one 1,000-post, 20,000-comment build): about five sixths of the build is the plugin
reading and rendering the comments (a third of that is Pelican's Markdown reader building a new Markdown instance
for each file), never from Pelican's content cache: the plugin reads them after the article generator, with a
Readers of its own that has no cache, so a warm build is no faster than a cold one.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ("pelican==4.12.0", "Markdown==3.11.3", "pelican-comment-system==1.4.0")
TOUCH_MARK = " Touched."

PELICANCONF = '''"""Written by bench/peer.py: {what}."""

AUTHOR = "Holdspace"
SITENAME = "Holdspace"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
OUTPUT_PATH = "output"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
{theme}
# Holdspace's URL scheme (its pelicanconf.py), less its search page, which this theme has not.
ARTICLE_URL = "{{slug}}/"
ARTICLE_SAVE_AS = "{{slug}}/index.html"
PAGE_URL = "pages/{{slug}}/"
PAGE_SAVE_AS = "pages/{{slug}}/index.html"
CATEGORY_URL = "category/{{slug}}/"
CATEGORY_SAVE_AS = "category/{{slug}}/index.html"
TAG_URL = "tag/{{slug}}/"
TAG_SAVE_AS = "tag/{{slug}}/index.html"
AUTHOR_URL = "author/{{slug}}/"
AUTHOR_SAVE_AS = "author/{{slug}}/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives"]
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Pelican's content cache, so that a warm build re-reads only what changed.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
{plugins}'''

PEER_SETTINGS = """
PLUGINS = ["pelican_comment_system"]
PELICAN_COMMENT_SYSTEM = True
PELICAN_COMMENT_SYSTEM_IDENTICON_DATA = ()  # no identicons (the default)
PELICAN_COMMENT_SYSTEM_FEED = None  # feeds off, as above
PELICAN_COMMENT_SYSTEM_FEED_ALL = None
"""

RUNNER = '''"""Written by bench/peer.py: one Pelican build of this folder, `python run.py` in it."""

import sys

import pelican
{fix}
pelican.main(["content", "-s", "pelicanconf.py", "-o", "output", "--fatal", "errors", "--log-handler", "plain", *sys.argv[1:]])
'''

GET_WRITER_FIX = """
# pelican-comment-system 1.4.0 calls Pelican.get_writer(), renamed _get_writer() in Pelican 4.0.
pelican.Pelican.get_writer = pelican.Pelican._get_writer
"""

# The comment list of the plugin's example theme (theme/templates/pcs/comments.html, comments_with_form),
# without the avatar, the reply form and its script.
COMMENTS_HTML = """
      <section id="pcs-comments">
        <h2>{{ article.comments_count }} comments</h2>
        {% if article.comments %}
        <ul>
        {% for comment in article.comments recursive %}
          <li id="comment-{{ comment.slug }}">
            <div class="comment-body">
              <a href="{{ SITEURL }}/{{ article.url }}#comment-{{ comment.slug }}" rel="bookmark"
                 title="Permalink to this comment">Permalink</a>
              <h4>{% if comment.metadata['website'] %}<a href="{{ comment.metadata['website'] }}">{{ comment.author }}</a>{% else %}{{ comment.author }}{% endif %}</h4>
              <p>Posted on <time datetime="{{ comment.date.isoformat() }}">{{ comment.locale_date }}</time></p>
              <div class="pcs-comment-content">
                {{ comment.content }}
              </div>
              {% if comment.replies %}
              <ul>
                {{ loop(comment.replies) }}
              </ul>
              {% endif %}
            </div>
          </li>
        {% endfor %}
        </ul>
        {% else %}
        <p>There are no comments yet.</p>
        {% endif %}
      </section>
"""
ARTICLE_ANCHOR = "</div><!-- /.entry-content -->"


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def ensure_env(work: str) -> str:
    venv = Path(work).resolve() / "venv-peer"
    python = venv / "bin" / "python"
    if python.exists():
        check = subprocess.run(
            [str(python), "-c", "import importlib.metadata as m, sys; "
             "print(' '.join(f'{n}=={m.version(n)}' for n in sys.argv[1:]))", *(p.split("==")[0] for p in PINS)],
            capture_output=True, text=True,
        )  # fmt: skip
        if check.returncode == 0 and check.stdout.split() == list(PINS):
            return str(python)
    print(f"Installing {' '.join(PINS)} into {venv} ...", file=sys.stderr, flush=True)
    if not python.exists():
        run([sys.executable, "-m", "venv", str(venv)])
    try:
        run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS])
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"pip install {' '.join(PINS)} failed:\n{e.stderr[-3000:]}") from e
    return str(python)


def link_posts(archive: str, site: str) -> None:
    source, target = Path(archive) / "content" / "posts", Path(site) / "content" / "posts"
    target.mkdir(parents=True)
    for post in sorted(source.glob("*.md")):
        try:
            os.link(post, target / post.name)
        except OSError:  # another file system
            shutil.copy2(post, target / post.name)


def fresh_site(archive: str, site: str) -> Path:
    """site/ with the posts and nothing else of a previous prepare (output/ and cache/ are build()'s to clean)."""
    folder = Path(site)
    for stale in ("content", "theme"):
        shutil.rmtree(folder / stale, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    link_posts(archive, site)
    return folder


def prepare_plain(archive: str, site: str) -> None:
    folder = fresh_site(archive, site)
    (folder / "pelicanconf.py").write_text(
        PELICANCONF.format(what="plain Pelican, no plugins", theme="", plugins=""), encoding="utf-8"
    )
    (folder / "run.py").write_text(RUNNER.format(fix=""), encoding="utf-8")


def parse_comment(path: Path) -> tuple[dict[str, str], str]:
    """An archive comment file: "Key: value" headers, a blank line, the Markdown body."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    headers = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return headers, body


def peer_comment(headers: dict[str, str], body: str) -> str:
    """The same comment in pelican-comment-system's format (metadata of Pelican's Markdown reader)."""
    lines = [f"author: {headers['author']}", f"date: {headers['date']}"]
    if "email" in headers:
        lines.append(f"email: {headers['email']}")
    if "website" in headers:
        lines.append(f"website: {headers['website']}")
    if "reply-to" in headers:
        lines.append(f"replyto: {headers['reply-to']}.md")  # the parent's slug: its file name, extension kept
    return "\n".join(lines) + "\n\n" + body


def theme_folder(python: str) -> Path:
    code = "import os, pelican; print(os.path.join(os.path.dirname(pelican.__file__), 'themes', 'notmyidea'))"
    return Path(run([python, "-c", code]).stdout.strip())


def prepare_peer(archive: str, site: str, python: str) -> None:
    folder = fresh_site(archive, site)
    comments = Path(archive) / "content" / "comments"
    for thread in sorted(p for p in comments.iterdir() if p.is_dir()):
        target = folder / "content" / "comments" / thread.name
        target.mkdir(parents=True)
        for path in sorted(thread.glob("*.md")):
            (target / path.name).write_text(peer_comment(*parse_comment(path)), encoding="utf-8")
    shutil.copytree(theme_folder(python), folder / "theme")
    article = folder / "theme" / "templates" / "article.html"
    template = article.read_text(encoding="utf-8")
    if template.count(ARTICLE_ANCHOR) != 1:
        raise RuntimeError(f"{article}: no single {ARTICLE_ANCHOR!r} to put the comments after")
    article.write_text(template.replace(ARTICLE_ANCHOR, ARTICLE_ANCHOR + "\n" + COMMENTS_HTML), encoding="utf-8")
    (folder / "pelicanconf.py").write_text(
        PELICANCONF.format(what="Pelican with pelican-comment-system 1.4.0", theme='THEME = "theme"\n',
                           plugins=PEER_SETTINGS),
        encoding="utf-8",
    )  # fmt: skip
    (folder / "run.py").write_text(RUNNER.format(fix=GET_WRITER_FIX), encoding="utf-8")


def touch_one_post(site: str) -> str:
    posts = sorted((Path(site) / "content" / "posts").glob("*.md"))
    post = posts[len(posts) // 2]
    text = post.read_text(encoding="utf-8").rstrip("\n")
    text = text.removesuffix(TOUCH_MARK) if text.endswith(TOUCH_MARK) else text + TOUCH_MARK
    fresh = post.with_suffix(".tmp")
    fresh.write_text(text + "\n", encoding="utf-8")
    os.replace(fresh, post)  # a new file: the archive's, hard-linked, stays as it was
    return str(post)


def build(python: str, site: str, *, clean_output: bool, clean_cache: bool) -> dict:
    folder = Path(site)
    for stale, clean in (("output", clean_output), ("cache", clean_cache)):
        if clean:
            shutil.rmtree(folder / stale, ignore_errors=True)
    log = folder / "build.log"
    # What earlier runs wrote and removed is on disk first: on a file system mounted with
    # discard, a removal's trims otherwise slow the file creations of the next run.
    os.sync()
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        child = subprocess.Popen([python, "run.py"], cwd=folder, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)  # the child's own rusage: ru_maxrss in KiB on Linux
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    if child.returncode != 0:
        raise RuntimeError(
            f"{python} run.py in {folder} exited {child.returncode}:\n" + "\n".join(text.splitlines()[-30:])
        )
    processed = re.search(r"^Processed (\d+) comment\(s\)$", text, re.M)
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "comments": processed and int(processed[1])}


class CommentTree(HTMLParser):
    """The comments of one built article page: id -> parent comment id, author, date, words of the body."""

    VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []  # open tags, with the part of a comment each is
        self.comments: dict[str, dict] = {}

    def current(self) -> tuple[str | None, str | None]:
        """The innermost comment open, and which part of it (None, "author", "date" or "body")."""
        part = None
        for _, mark in reversed(self.stack):
            if mark and mark.startswith("comment-"):
                return mark.removeprefix("comment-"), part
            part = part or mark
        return None, None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cid, part = self.current()
        mark = None
        if tag == "li" and (a.get("id") or "").startswith("comment-"):
            mark = a["id"]
            new = mark.removeprefix("comment-")
            self.comments[new] = {"parent": cid, "author": "", "date": "", "words": []}
        elif cid and part is None and (tag in ("h4", "time") or a.get("class") == "pcs-comment-content"):
            mark = {"h4": "author", "time": "date"}.get(tag, "body")
            if tag == "time":
                self.comments[cid]["date"] = a.get("datetime")
        if tag not in self.VOID:
            self.stack.append((tag, mark))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        cid, part = self.current()
        if part == "author":
            self.comments[cid]["author"] += data.strip()
        elif part == "body":
            self.comments[cid]["words"] += re.findall(r"[^\W_]+", data)


def body_words(body: str) -> list[str]:
    """The words a reader sees of a Markdown body: link targets are not shown."""
    return re.findall(r"[^\W_]+", re.sub(r"\]\([^)]*\)", "]", body))


def verify_peer(archive: str, site: str) -> dict:
    problems: list[str] = []
    seen: dict[str, tuple[str, dict]] = {}
    pages = 0
    for page in sorted((Path(site) / "output").glob("*/index.html")):
        tree = CommentTree()
        tree.feed(page.read_text(encoding="utf-8"))
        pages += bool(tree.comments)
        for cid, found in tree.comments.items():
            if cid in seen:
                problems.append(f"{cid} shown twice: {page.parent.name} and {seen[cid][0]}")
            seen[cid] = (page.parent.name, found)
    expected = replies = 0
    for path in sorted((Path(archive) / "content" / "comments").glob("*/*.md")):
        expected += 1
        headers, body = parse_comment(path)
        cid, slug = path.name, path.parent.name
        if cid not in seen:
            problems.append(f"{slug}/{cid} missing")
            continue
        where, found = seen.pop(cid)
        parent = headers.get("reply-to") and headers["reply-to"] + ".md"
        replies += bool(parent)
        if where != slug:
            problems.append(f"{slug}/{cid} shown on {where}")
        if found["parent"] != parent:
            problems.append(f"{slug}/{cid} under {found['parent']}, not {parent}")
        if found["author"] != headers["author"]:
            problems.append(f"{slug}/{cid} author {found['author']!r}, not {headers['author']!r}")
        if not (found["date"] or "").startswith(headers["date"].replace(" ", "T")):
            problems.append(f"{slug}/{cid} date {found['date']!r}, not {headers['date']!r}")
        if found["words"] != body_words(body):
            problems.append(f"{slug}/{cid} body differs: {' '.join(found['words'])[:80]!r}")
    problems += [f"{cid} on {where} is no comment of the archive" for cid, (where, _) in seen.items()]
    return {"comments": expected, "replies": replies, "pages": pages, "problems": problems}


def archive_folder(work: Path, posts: int, comments: int) -> Path:
    folder = work / f"arch-{posts}-{comments}"
    if not (folder / "content").exists():
        print(f"Writing the synthetic archive to {folder} ...", file=sys.stderr)
        run([sys.executable, str(ROOT / "bench" / "synth.py"), str(folder), "--posts", str(posts),
             "--comments", str(comments), "--queued", "50"])  # fmt: skip
    return folder


def check(work: Path, python: str) -> dict:
    """A peer build of a small archive, read back: every comment shown and nested as in the archive."""
    archive, site = archive_folder(work / "peer-check", 20, 300), work / "peer-check" / "site"
    prepare_peer(str(archive), str(site), python)
    result = build(python, str(site), clean_output=True, clean_cache=True)
    found = verify_peer(str(archive), str(site))
    if result["comments"] != found["comments"]:
        found["problems"].append(f"the plugin processed {result['comments']} comments of {found['comments']}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default=str(ROOT / "bench" / ".work"))
    parser.add_argument("--check-only", action="store_true", help="only the small correctness check")
    args = parser.parse_args()
    work = Path(args.work)
    python = ensure_env(str(work))
    found = check(work, python)
    print(f"Check: {found['comments']} comments ({found['replies']} replies) on {found['pages']} pages, "
          f"{len(found['problems'])} problems", *found["problems"][:20], sep="\n")  # fmt: skip
    if args.check_only:
        return
    archive = archive_folder(work, args.posts, args.comments)
    rows = []
    for kind, name in (("plain", "Pelican 4.12.0, no plugins"), ("peer", "pelican-comment-system 1.4.0")):
        site = str(work / f"{kind}-{args.posts}-{args.comments}")
        if kind == "peer":
            prepare_peer(str(archive), site, python)
        else:
            prepare_plain(str(archive), site)
        cold, warm = [], []
        for i in range(args.runs):
            print(f"{name}: cold build {i + 1} of {args.runs} ...", file=sys.stderr)
            cold.append(build(python, site, clean_output=True, clean_cache=True))
        for i in range(args.runs):
            touch_one_post(site)
            print(f"{name}: warm build {i + 1} of {args.runs} (one post changed) ...", file=sys.stderr)
            warm.append(build(python, site, clean_output=False, clean_cache=False))
        rows += [(name, "cold", cold), (name, "warm, one post changed", warm)]
    print(f"\nBaselines: {args.posts} posts, {args.comments} comments (bench/synth.py, seed 1); "
          f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {args.runs} runs each\n")  # fmt: skip
    print("| build | kind | seconds, median (runs) | peak RSS, median | comments processed |")
    print("| --- | --- | --- | --- | --- |")
    for name, label, runs in rows:
        seconds = ", ".join(f"{r['seconds']:.1f}" for r in runs)
        print(f"| {name} | {label} | {statistics.median(r['seconds'] for r in runs):.1f} s ({seconds}) "
              f"| {statistics.median(r['peak_rss_mb'] for r in runs):.0f} MB | {runs[0]['comments'] or '-'} |")  # fmt: skip


if __name__ == "__main__":
    main()
