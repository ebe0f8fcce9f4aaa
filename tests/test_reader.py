import hashlib
import os
from zoneinfo import ZoneInfo

from holdspace.archive.reader import read_archive

TZ = ZoneInfo("UTC")


def write(root, thread, cid, *, reply_to=None, date="2025-01-02 10:00", body="Hi"):
    path = root / thread / f"{cid}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    reply = f"Reply-To: {reply_to}\n" if reply_to else ""
    path.write_text(f"Author: A\nEmail: {cid}@example.org\nDate: {date}\n{reply}\n{body}\n", encoding="utf-8")
    return path


def ids(archive, thread):
    return [c.id for c in archive.threads.get(thread, [])]


def messages(archive):
    return [str(p) for p in archive.problems]


def test_comments_are_grouped_by_thread_and_sorted_by_date(tmp_path):
    write(tmp_path, "t1", "b", date="2025-01-03 10:00")
    write(tmp_path, "t1", "a", date="2025-01-04 10:00")
    write(tmp_path, "t2", "c")
    archive = read_archive(str(tmp_path), {"t1", "t2"}, TZ)
    assert ids(archive, "t1") == ["b", "a"]
    assert ids(archive, "t2") == ["c"]
    assert archive.problems == [] and archive.files == 3 and archive.published == 3


def test_a_duplicate_id_keeps_the_first_file_and_reports_the_other(tmp_path):
    write(tmp_path, "t1", "same")
    dup = write(tmp_path, "t2", "same")
    archive = read_archive(str(tmp_path), {"t1", "t2"}, TZ)
    assert ids(archive, "t1") == ["same"] and ids(archive, "t2") == []
    assert messages(archive) == [
        f"{dup}:1: the id 'same' is already used by {tmp_path / 't1' / 'same.md'}; "
        "rename one of the files: ids are unique across the archive"
    ]


def test_reply_to_naming_no_comment(tmp_path):
    write(tmp_path, "t1", "parent")
    bad = write(tmp_path, "t1", "child", reply_to="parnet")
    archive = read_archive(str(tmp_path), {"t1"}, TZ)
    assert ids(archive, "t1") == ["parent"]
    assert messages(archive) == [
        f"{bad}:4: Reply-To 'parnet' names no comment; write the id of a comment in 't1' (did you mean 'parent'?), "
        "or remove the line"
    ]


def test_reply_to_a_comment_of_another_thread(tmp_path):
    write(tmp_path, "t1", "parent")
    bad = write(tmp_path, "t2", "child", reply_to="parent")
    archive = read_archive(str(tmp_path), {"t1", "t2"}, TZ)
    assert ids(archive, "t2") == []
    assert messages(archive) == [
        f"{bad}:4: Reply-To 'parent' is a comment on another post ('t1'); "
        "a reply must be in the same folder as the comment it answers"
    ]


def test_a_reply_cycle_holds_back_its_members_and_keeps_the_rest(tmp_path):
    a = write(tmp_path, "t1", "a", reply_to="c")
    b = write(tmp_path, "t1", "b", reply_to="a")
    c = write(tmp_path, "t1", "c", reply_to="b")
    write(tmp_path, "t1", "d", reply_to="b")  # hangs off the cycle: published, its parent not shown
    write(tmp_path, "t1", "e")
    selfish = write(tmp_path, "t1", "s", reply_to="s")
    archive = read_archive(str(tmp_path), {"t1"}, TZ)
    assert sorted(ids(archive, "t1")) == ["d", "e"]
    found = messages(archive)
    assert len(found) == 4
    for path in (a, b, c):
        assert any(m.startswith(f"{path}:4: replies form a cycle: ") for m in found)
    assert f"{selfish}:4: replies form a cycle: s -> s; remove or correct one of these Reply-To lines" in found
    assert archive.held_back == {str(a), str(b), str(c), str(selfish)}


def test_a_folder_naming_no_post(tmp_path):
    bad = write(tmp_path, "real-posts", "x")
    write(tmp_path, "real-post", "y")
    archive = read_archive(str(tmp_path), {"real-post", "other"}, TZ)
    assert ids(archive, "real-post") == ["y"]
    assert messages(archive) == [
        f"{bad}:1: the folder 'real-posts' names no post or page; "
        "move the file to the folder named after its post's slug (did you mean 'real-post'?)"
    ]


def test_a_file_outside_any_post_folder(tmp_path):
    tmp_path.joinpath("loose.md").write_text("Author: A\n", encoding="utf-8")
    archive = read_archive(str(tmp_path), {"t1"}, TZ)
    assert messages(archive) == [
        f"{tmp_path / 'loose.md'}:1: the comment is not in a post's folder; move it to comments/<post-slug>/"
    ]


def test_a_reply_to_a_held_back_comment_is_still_published(tmp_path):
    write(tmp_path, "t1", "parent", date="not a date")
    write(tmp_path, "t1", "child", reply_to="parent")
    archive = read_archive(str(tmp_path), {"t1"}, TZ)
    assert ids(archive, "t1") == ["child"]
    assert len(archive.problems) == 1 and "bad date" in str(archive.problems[0])


def test_hidden_files_are_ignored_and_other_files_reported(tmp_path):
    write(tmp_path, "t1", "a")
    (tmp_path / "t1" / ".DS_Store").write_bytes(b"\0\1")
    (tmp_path / "t1" / ".a.md.swp").write_bytes(b"\0\1")
    (tmp_path / "t1" / "notes.txt").write_text("x", encoding="utf-8")
    write(tmp_path, "t1", "b").rename(tmp_path / "t1" / "Up.MD")
    archive = read_archive(str(tmp_path), {"t1"}, TZ)
    assert ids(archive, "t1") == ["a"]
    assert messages(archive) == [
        f"{tmp_path / 't1' / name}:1: this is not a comment file: comment files are named <id>.md; "
        "rename it to end in .md (lower case), or move it out of the comments folder"
        for name in ("Up.MD", "notes.txt")
    ]


def test_links_and_special_files_are_reported_not_followed(tmp_path):
    secret = write(tmp_path / "elsewhere", "q", "q1", body="QUEUED SECRET")
    write(tmp_path / "comments", "t1", "a")
    (tmp_path / "comments" / "t1" / "sym.md").symlink_to(secret)
    (tmp_path / "comments" / "t2").symlink_to(secret.parent, target_is_directory=True)
    os.mkfifo(tmp_path / "comments" / "t1" / "pipe.md")
    archive = read_archive(str(tmp_path / "comments"), {"t1", "t2"}, TZ)
    assert ids(archive, "t1") == ["a"] and "t2" not in archive.threads
    found = messages(archive)
    assert (
        f"{tmp_path / 'comments' / 't1' / 'pipe.md'}:1: this is not a regular file; move it out of the comments folder"
        in found
    )
    for link in ("t1/sym.md", "t2"):
        assert (
            f"{tmp_path / 'comments' / link}:1: this is a symbolic link, not a comment file; "
            "comments must be real files: move the file here instead of linking to it"
        ) in found
    assert len(found) == 3


def test_an_id_is_taken_by_its_first_file_even_when_that_file_is_held_back(tmp_path):
    write(tmp_path, "a", "x", date="not a date")
    later = write(tmp_path, "t", "x")
    archive = read_archive(str(tmp_path), {"a", "t"}, TZ)
    assert archive.threads == {}
    assert (
        f"{later}:1: the id 'x' is already used by {tmp_path / 'a' / 'x.md'}; rename one of the files: ids are unique across the archive"
        in messages(archive)
    )


def test_a_slug_with_a_slash_is_a_nested_folder(tmp_path):
    write(tmp_path / "2025", "foo", "sc")
    archive = read_archive(str(tmp_path), {"2025/foo"}, TZ)
    assert ids(archive, "2025/foo") == ["sc"] and archive.problems == []


def test_a_missing_comments_folder_is_an_empty_archive(tmp_path):
    archive = read_archive(str(tmp_path / "nothing"), {"t1"}, TZ)
    assert archive.threads == {} and archive.problems == []


def test_reading_changes_no_file(tmp_path):
    write(tmp_path, "t1", "a")
    write(tmp_path, "t1", "b", reply_to="b")
    write(tmp_path, "zz", "c", date="bad")
    (tmp_path / "t1" / "bin.md").write_bytes(b"\xff\xfe\x00garbage")

    def snapshot():
        return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.rglob("*") if p.is_file()}

    before = snapshot()
    archive = read_archive(str(tmp_path), {"t1"}, TZ)
    assert len(archive.held_back) == 3
    assert snapshot() == before


def test_progress_is_told_on_long_reads_only(tmp_path, monkeypatch):
    """A line every PROGRESS_FILES files once PROGRESS_SECONDS passed since the last: none
    for a read that is quick (a warm build's), one per PROGRESS_FILES when each is slow."""
    from holdspace.archive import reader

    for i in range(7):
        write(tmp_path, "t1", f"c{i}")
    monkeypatch.setattr(reader, "PROGRESS_FILES", 2)
    told = []
    read_archive(str(tmp_path), {"t1"}, TZ, progress=told.append)
    assert told == []
    monkeypatch.setattr(reader, "PROGRESS_SECONDS", 0.0)
    read_archive(str(tmp_path), {"t1"}, TZ, progress=told.append)
    assert told == [2, 4, 6]
