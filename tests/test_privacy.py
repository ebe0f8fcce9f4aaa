"""Privacy scan: canary emails and text planted everywhere; nothing private in any built file."""

import hashlib
import re

import pytest

pytestmark = pytest.mark.trust

EMAIL_ANYWHERE = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def hashes(email):
    forms = {email, email.strip(), email.strip().lower()}
    return {h(f.encode()).hexdigest().encode() for f in forms for h in (hashlib.md5, hashlib.sha1, hashlib.sha256)}


@pytest.mark.parametrize("avatars", ["local", "names", "none", "gravatar"])
def test_no_email_no_hash_no_moderation_text_in_any_built_file(site, avatars, trust):
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
    leaks = []
    for path in files:
        data = path.read_bytes()
        trust["scanned"] += 1
        if EMAIL_ANYWHERE.search(data):
            leaks.append((path, EMAIL_ANYWHERE.search(data).group(0)))
        for cid, (email, folder) in emails.items():
            if avatars != "gravatar" or folder != "content/comments":
                forbidden = hashes(email)
            else:  # gravatar: only the SHA-256 of the trimmed, lower-cased address, nothing else
                forbidden = hashes(email) - {hashlib.sha256(email.strip().lower().encode()).hexdigest().encode()}
            leaks += [(path, cid, "hash") for d in forbidden if d in data]
            if folder != "content/comments":
                number = cid[len("canary") :]
                leaks += [
                    (path, cid, "text") for needle in (f"CANARYTEXT{number}".encode(), cid.encode()) if needle in data
                ]
    trust["leaks"] += len(leaks)
    assert leaks == []
    published_text = b"".join(p.read_bytes() for p in files)
    assert b"CANARYTEXT0" in published_text and b"CANARYTEXT1" in published_text  # the scan can see text
