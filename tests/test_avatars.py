"""Avatars: what each AVATARS mode makes of an email or a name, the local identicon, and the
secret it is drawn with. Tables of exact outputs."""

import hashlib
import os
import re
import stat

import pytest

from holdspace.publishing.avatars import (
    SECRET_ENV,
    SecretMissing,
    avatar_secret,
    avatar_url,
    email_hash,
    identicon_svg,
    local_id,
    name_avatar,
)

SHA = hashlib.sha256(b"someone@example.org").hexdigest()


def test_gravatar_uses_the_sha256_of_the_trimmed_lowercased_email():
    assert email_hash("  SomeOne@Example.org \n") == SHA


@pytest.mark.parametrize(
    ("mode", "size", "default", "expected"),
    [
        ("gravatar", 48, "identicon", f"https://www.gravatar.com/avatar/{SHA}?s=96&d=identicon&r=g"),
        ("gravatar", 30, "mp", f"https://www.gravatar.com/avatar/{SHA}?s=60&d=mp&r=g"),
        ("none", 48, "identicon", None),
        ("names", 48, "identicon", None),  # drawn from the name instead: name_avatar
    ],
)
def test_each_mode_gives(mode, size, default, expected):
    assert avatar_url(" SomeOne@Example.org", mode, size, default, secret=b"a secret") == expected


def test_a_local_picture_is_a_file_of_the_site_named_by_a_keyed_hash():
    url = avatar_url(" SomeOne@Example.org", "local", 48, secret=b"a secret")
    assert url == f"avatars/{local_id('someone@example.org', b'a secret')}.svg"
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.svg", url) and SHA[:32] not in url


def test_a_local_picture_depends_on_the_secret_and_not_on_the_spelling_of_the_address():
    assert local_id("Ana@Example.org ", b"one") == local_id("ana@example.org", b"one")
    assert local_id("ana@example.org", b"one") != local_id("ana@example.org", b"two")


@pytest.mark.parametrize(("first", "second", "same"), [("Ana", " ana ", True), ("Ana", "ANA", True),
                                                       ("Ana", "A na", False), ("Ana", "Anna", False)])  # fmt: skip
def test_a_names_picture_is_the_name_folded_and_nothing_else(first, second, same):
    assert (name_avatar(first) == name_avatar(second)) is same
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.svg", name_avatar(first))


def cells(svg):
    return {(int(x), int(y)) for x, y in re.findall(r'<rect x="(\d)" y="(\d)" width="1" height="1"/>', svg)}


def test_the_identicon_of_an_id():
    svg = identicon_svg("0123456789abcdef0123456789abcdef")
    assert svg.startswith(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 7 7" width="96" height="96">'
        '<rect width="7" height="7" fill="#f1efe9"/><g fill="#a63330">'
    ) and svg.endswith("</g></svg>\n")
    # 0x456789ab, three bits a row from the lowest: 011 (col 0, 1), 101 (col 0, 2), 110 (col 1, 2), 010 (col 1) ...
    assert cells(svg) == {(1, 1), (5, 1), (2, 1), (4, 1), (1, 2), (5, 2), (3, 2), (2, 3), (4, 3), (3, 3), (3, 4)}


@pytest.mark.parametrize("avatar_id", ["00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff",
                                       hashlib.sha256(b"x").hexdigest()[:32]])  # fmt: skip
def test_every_identicon_is_mirrored_and_inside_its_border(avatar_id):
    found = cells(identicon_svg(avatar_id))
    assert all((6 - x, y) in found for x, y in found)
    assert all(1 <= x <= 5 and 1 <= y <= 5 for x, y in found)


def test_the_secret_comes_from_the_environment_first(tmp_path, monkeypatch):
    path = tmp_path / ".secrets" / "avatar-secret"
    monkeypatch.setenv(SECRET_ENV, "  from the environment \n")
    assert avatar_secret(str(path), create=True) == b"from the environment"
    assert not path.exists()


def test_the_secret_file_is_read_or_made_once_with_only_its_owner_able_to_read_it(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    path = tmp_path / ".secrets" / "avatar-secret"
    made = avatar_secret(str(path), create=True)
    assert re.fullmatch(rb"[0-9a-f]{64}", made)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert avatar_secret(str(path), create=False) == made  # read back, not made again


def test_a_missing_secret_where_none_may_be_made_names_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    path = tmp_path / "none"
    with pytest.raises(SecretMissing) as error:
        avatar_secret(str(path), create=False)
    assert str(error.value) == f"AVATARS = 'local' needs a secret and there is none in {path} or ${SECRET_ENV}"
    assert error.value.path == str(path) and not path.exists()
