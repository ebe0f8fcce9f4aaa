"""The one project loader: a settings file read with Pelican's rules (its defaults, paths
from the file's folder), the folders every command works in, and clear errors."""

from datetime import UTC, datetime

import pytest

from holdspace.glue.project import date_writer, load_project, slugifier
from holdspace.settings import SettingsError


def test_paths_come_from_the_settings_file_whatever_the_working_folder(site, tmp_path, monkeypatch):
    conf = site.write_settings(COMMENTS_PATH="approved", MODERATION_PATH="../mod", HOLDSPACE_CACHE_PATH="../cache")
    monkeypatch.chdir(tmp_path.parent)
    project = load_project(str(conf))
    root = site.root
    assert project.content == str(root / "content")
    assert project.comments == str(root / "content" / "approved")
    assert project.moderation == str(root / "../mod")
    assert (project.queue, project.rejected) == (str(root / "../mod/queue"), str(root / "../mod/rejected"))
    assert (project.guidelines, project.log) == (
        str(root / "../mod/guidelines.toml"),
        str(root / "../mod/decisions.log"),
    )
    assert project.cache == str(root / "../cache")
    assert project.thread_folders() == ([str(root / "content" / "posts")], [str(root / "content" / "pages")])


def test_pelican_s_defaults_fill_what_the_file_leaves_out(tmp_path, monkeypatch):
    conf = tmp_path / "pelicanconf.py"
    conf.write_text('SITENAME = "Bare"\n', encoding="utf-8")  # no PATH: Pelican's is the working folder
    (tmp_path / "first-post.md").write_text("Title: First Post\n\nWords.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    project = load_project("pelicanconf.py")
    assert project.content == str(tmp_path)
    assert project.settings["ARTICLE_PATHS"] == [""] and project.settings["ARTICLE_URL"] == "{slug}.html"
    assert project.settings["COMMENTS_PER_PAGE"] == 50  # Holdspace's defaults too
    assert project.queue == str(tmp_path / "moderation" / "queue")  # PATH holds the settings file: it is the project
    assert list(project.threads()) == ["first-post"]  # slugged as Pelican slugs


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('PATH = "no-such-folder"\n', "You need to specify a path containing the content"),
        ("PATH = 'content'\nTHEME = 'no-such-theme'\n", "Could not find the theme no-such-theme"),
        ("PATH = 'content'\nCOMMENTS_ORDER = 'sideways'\n", "setting COMMENTS_ORDER = 'sideways' is not valid"),
        ("PATH = 'content'\nTIMEZONE = 'Mars/Olympus'\n", "setting TIMEZONE = 'Mars/Olympus' is not a time zone"),
        ("PATH = (\n", "was never closed"),
    ],
)
def test_a_bad_settings_file_is_one_clear_error(tmp_path, text, message):
    (tmp_path / "content").mkdir()
    conf = tmp_path / "pelicanconf.py"
    conf.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        project = load_project(str(conf))
        project.tz  # noqa: B018  (the time zone is read when first asked for)


def test_a_missing_settings_file_says_what_to_do(tmp_path):
    with pytest.raises(SettingsError) as error:
        load_project(str(tmp_path / "nowhere.py"))
    assert str(error.value) == (
        f"{tmp_path / 'nowhere.py'}: no such settings file; run the command in the site's folder, or name the file"
    )


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello World", "hello-world"),
        ("When Your Therapist Goes on Vacation", "when-your-therapist-goes-on-vacation"),
        ("Café au lait!", "cafe-au-lait"),
        ("  Spaces  ", "spaces"),
        ("C++ & Rust", "c-rust"),
        ("Ελληνικά", "ellenika"),
    ],
)
def test_a_title_is_slugged_as_pelican_slugs_it(title, slug):
    assert slugifier({})(title) == slug


def test_the_site_s_own_slug_rules_apply():
    subs = [(r"\+", "plus"), (r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]
    assert slugifier({"SLUG_REGEX_SUBSTITUTIONS": subs})("C++ & Rust") == "cplusplus-rust"


@pytest.mark.parametrize(
    ("settings", "written"),
    [
        ({}, "Fri 08 August 2025"),  # Pelican's own default, "%a %d %B %Y"
        ({"DEFAULT_DATE_FORMAT": "%-d %B %Y"}, "8 August 2025"),  # the demo's
        ({"DEFAULT_DATE_FORMAT": "%-d %B %Y", "DATE_FORMATS": {"en": "%Y-%m-%d"}}, "2025-08-08"),
        ({"DEFAULT_LANG": "de", "DATE_FORMATS": {"de": ("C", "%d.%m.%Y")}}, "08.08.2025"),
    ],
)
def test_a_date_is_written_as_the_site_s_pages_write_a_post_s(settings, written):
    """What the intake's pages write (a writer's comment "of 8 August 2025"): Pelican's format."""
    assert date_writer(settings)(datetime(2025, 8, 8, 9, 30, tzinfo=UTC)) == written


def test_the_project_writes_dates_with_the_site_s_format(site):
    site.write_settings(DEFAULT_DATE_FORMAT="%-d %b %Y")
    assert site.project().show_date(datetime(2025, 8, 8, tzinfo=UTC)) == "8 Aug 2025"
