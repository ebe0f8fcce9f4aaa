"""Privacy scan: canary emails and text planted everywhere; nothing private in any built file."""

import hashlib
import re

import pytest

EMAIL_ANYWHERE = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def hashes(email):
    forms = {email, email.strip(), email.strip().lower()}
    return {h(f.encode()).hexdigest().encode() for f in forms for h in (hashlib.md5, hashlib.sha1, hashlib.sha256)}


@pytest.mark.parametrize("avatars", ["local", "none", "gravatar"])
def test_no_email_no_hash_no_moderation_text_in_any_built_file(site, avatars):
    site.use_project_rules()
    site.post("t", "Open Thread")
    site.post("u", "Other Thread", comments="closed")
    emails = {}
    for i, (thread, folder) in enumerate([("t", "content/comments"), ("u", "content/comments"), ("t", "moderation/queue"),
                                         ("u", "moderation/queue"), ("t", "moderation/rejected")]):  # fmt: skip
        cid = f"canary{i}"
        email = f"Canary.Person{i}@Privacy-Test.example "
        emails[cid] = (email, folder)
        site.comment(thread, cid, f"CANARYTEXT{i} is what commenter {i} wrote.", author=f"Canary{i}", email=email,
                     folder=folder, website=f"https://example.org/site{i}")  # fmt: skip
    built = site.build(AVATARS=avatars, COMMENT_INTAKE_URL="https://intake.example/comment", COMMENT_EMAIL="")
    assert built.report.published == 2 and built.report.queued == 2
    files = built.files()
    assert len(files) > 20
    for path in files:
        data = path.read_bytes()
        assert not EMAIL_ANYWHERE.search(data), (path, EMAIL_ANYWHERE.search(data).group(0))
        for cid, (email, folder) in emails.items():
            if avatars != "gravatar" or folder != "content/comments":
                for digest in hashes(email):
                    assert digest not in data, (path, cid)
            else:  # gravatar: only the SHA-256 of the trimmed, lower-cased address, nothing else
                forbidden = hashes(email) - {hashlib.sha256(email.strip().lower().encode()).hexdigest().encode()}
                assert not any(d in data for d in forbidden), (path, cid)
            if folder != "content/comments":
                number = cid[len("canary") :]
                assert f"CANARYTEXT{number}".encode() not in data, (path, cid)
                assert cid.encode() not in data, (path, cid)
    published_text = b"".join(p.read_bytes() for p in files)
    assert b"CANARYTEXT0" in published_text and b"CANARYTEXT1" in published_text  # the scan can see text
