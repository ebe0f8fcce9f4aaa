"""What the approved archive holds, for the checks that look across files: ids used,
names that look alike, Reply-To targets, removed comments' places.

From the moderation commands' index (``archive.idindex``) while no comment folder has
changed since it was recorded, else from every file (through the parse cache).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo

from ..archive import idindex, stamps
from ..archive.commentfile import Comment, read_comment
from ..archive.parsecache import ParseCache
from ..archive.project import Project
from ..archive.reader import read_archive
from .verdicts import NameIndex


@dataclass
class Published:
    """What the approved archive holds, for the checks that look across files."""

    index: idindex.Index  # ids, files, threads, names and removed comments
    names: NameIndex  # what each name looks like -> emails (``name_index``, as asked for)
    tz: tzinfo
    cache: str  # the cache folder, where the index is kept
    folders: stamps.Folders | None = None  # the folders it was read from, when an index of it may be recorded
    read: dict[str, Comment] = field(default_factory=dict)  # published comments read already
    from_index: bool = False  # read from the recorded index, not from every file

    @property
    def paths(self) -> Mapping[str, str]:  # id -> path of every file in content/comments/
        return self.index.paths

    @property
    def removed(self) -> dict[str, str]:  # id -> thread, of removed comments' records (their places)
        return self.index.removed

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
        """``comment`` was just approved into ``path``, under the project's lock: the index of
        the archive with it is recorded, when this one was whole (``idindex.add``)."""
        if self.folders is not None and not idindex.add(self.cache, self.tz, self.folders, self.index, comment, path):
            self.folders = None  # not recorded: nor with the next comment approved by the same command


def published(project: Project, posts: Collection[str]) -> Published:
    """The archive's ids and names (``posts``: the slugs that take comments): from the index
    kept in the cache while no comment folder has changed since it was recorded
    (``archive.idindex``), else read from every file. It records nothing: ``approve``, under
    the project's lock, records the index with the comment it adds (``added``)."""
    recorded = idindex.load(project.cache, project.tz, posts, project.comments)
    if recorded is not None:
        index, found = recorded
        return Published(index, NameIndex(index.people), project.tz, project.cache, found, from_index=True)
    folders: stamps.Folders | None = stamps.folders(project.comments)  # before the files are read
    parsed = ParseCache(project.cache, project.tz)
    archive = read_archive(project.comments, set(posts), project.tz, read=parsed.read)  # saved by builds
    index = idindex.of_archive(archive, project.comments)
    read = {c.id: c for thread in archive.threads.values() for c in thread}
    if archive.held_back or archive.problems:
        folders = None  # the index of an archive that held something back would not be read_archive's
    return Published(index, NameIndex(index.people), project.tz, project.cache, folders, read)
