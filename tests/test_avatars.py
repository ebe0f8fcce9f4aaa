import hashlib

from holdspace.publishing.avatars import avatar_url, email_hash


def test_gravatar_uses_the_sha256_of_the_trimmed_lowercased_email():
    expected = hashlib.sha256(b"someone@example.org").hexdigest()
    assert email_hash("  SomeOne@Example.org \n") == expected
    assert avatar_url(" SomeOne@Example.org", "gravatar", 48) == (
        f"https://www.gravatar.com/avatar/{expected}?s=96&d=identicon&r=g"
    )


def test_no_avatar_mode_gives_no_url():
    assert avatar_url("someone@example.org", "none", 48) is None
