"""What the approved archive holds, for the checks that look across files: ids used,
names that look alike, Reply-To targets, removed comments' places.

From the moderation commands' index (``archive.idindex``) while no comment file has
changed since it was recorded, else from every file (through the parse cache).
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import tzinfo

from ..archive import idindex
from ..archive.commentfile import Comment, read_comment
from ..archive.parsecache import ParseCache, Stamps, file_key, stamp_of
from ..archive.project import Project
from ..archive.reader import read_archive
from .verdicts import name_index


@dataclass
class Published:
    """What the approved archive holds, for the checks that look across files."""

    index: idindex.Index  # ids, files, threads, names and removed comments
    names: dict[str, set[str]]  # what each name looks like -> emails (``name_index``)
    tz: tzinfo
    cache: str  # the cache folder, where the index is kept
    files: Stamps | None = None  # the comment files it holds, when its index is recorded
    read: dict[str, Comment] = field(default_factory=dict)  # published comments read already

    @property
    def paths(self) -> dict[str, str]:  # id -> path of every file in content/comments/
        return self.index.paths

    @property
    def removed(self) -> set[str]:  # ids of removed comments' records (their places)
        return self.index.removed

    def has(self, cid: str) -> bool:
        """Whether ``cid`` is a published comment (not a removed one's place)."""
        return cid in self.index.threads

    def thread_of(self, cid: str) -> str | None:
        return self.index.threads.get(cid)

    def comment(self, cid: str) -> Comment | None:
        """The published comment ``cid`` (its name and words, for the queue), read from its file."""
        thread = self.index.threads.get(cid)
        if thread is None:
            return None
        if cid not in self.read:
            comment, _ = read_comment(self.index.paths[cid], thread, self.tz)
            if comment is None:
                return None
            self.read[cid] = comment
        return self.read[cid]

    def added(self, comment: Comment, path: str) -> None:
        """``comment`` was just approved into ``path``: recorded in the index, when it is kept (a
        removed comment's record is not: the next command reads the archive, as the file moved)."""
        if self.files is None or comment.removed:
            return
        try:
            st = os.stat(path)
        except OSError:
            return
        self.index.paths[comment.id] = path
        self.index.threads[comment.id] = comment.thread
        self.index.people.add((comment.author, comment.email))
        self.files[file_key(path)] = (stamp_of(st), comment.thread)
        idindex.save(self.cache, self.tz, self.files, self.index)


def published(project: Project, posts: Collection[str]) -> Published:
    """The archive's ids and names (``posts``: the slugs that take comments): from the index
    kept in the cache while no comment file has changed since it was recorded
    (``archive.idindex``), else read from every file."""
    files = idindex.stamps(project.comments)
    index = idindex.load(project.cache, project.tz, files, posts)
    if index is not None:
        return Published(index, name_index(index.people), project.tz, project.cache, files)
    parsed = ParseCache(project.cache, project.tz)
    archive = read_archive(project.comments, set(posts), project.tz, read=parsed.read)  # saved by builds
    index = idindex.of_archive(archive)
    read = {c.id: c for thread in archive.threads.values() for c in thread}
    if files is None or archive.held_back or archive.problems:
        files = None  # the index of an archive that held something back would not be read_archive's
    else:
        idindex.save(project.cache, project.tz, files, index)
    return Published(index, name_index(index.people), project.tz, project.cache, files, read)
