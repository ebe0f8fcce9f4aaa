"""Pelican settings for the Holdspace demo archive (development: relative URLs).

Every Holdspace setting is listed in docs/settings.md; the ones here are shown at
their defaults unless a comment says otherwise. `make new-site` puts a site of your
own in place of this demo; the tests keep their own copy in tests/fixtures/demo/.
"""

AUTHOR = "Holdspace"
SITENAME = "Holdspace"
SITESUBTITLE = "A moderated peer-support archive"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []  # nothing under content/ is copied as is: comments never are
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["holdspace"]

ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "pages/{slug}/"
PAGE_SAVE_AS = "pages/{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives", "search"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# No feeds while developing (publishconf.py turns them on).
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Pelican's content cache: a post read once is not parsed again until it changes.
CACHE_PATH = ".cache/pelican"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"

# Holdspace: threads
COMMENTS_ORDER = "oldest"
COMMENTS_MAX_DEPTH = 5
COMMENTS_PER_PAGE = 50
# Holdspace: the reply form. No intake service yet: the form says how to
# send a comment to the moderators by email.
COMMENT_INTAKE_URL = ""
COMMENT_EMAIL = "moderators@holdspace.example"
COMMENT_GUIDELINES_PAGE = "guidelines"
# Holdspace: where to reach help now, on every thread page next to the reply form
# (examples; content/pages/crisis-resources.md, linked below them, says more).
CRISIS_RESOURCES = [
    {"name": "Emergency services", "contact": "call 112", "region": "European Union and many other countries"},
    {"name": "Emergency services", "contact": "call 911", "region": "United States and Canada"},
    {"name": "Emergency services", "contact": "call 999", "region": "United Kingdom"},
    {
        "name": "988 Suicide & Crisis Lifeline",
        "contact": "call or text 988",
        "region": "United States",
        "url": "tel:988",
    },
    {
        "name": "Samaritans",
        "contact": "call 116 123, free, day or night",
        "region": "United Kingdom and Ireland",
        "url": "tel:116123",
    },
]
CRISIS_RESOURCES_PAGE = "crisis-resources"
# Holdspace: one switch for readers and commenters who must hide their participation
# (names-only avatars, no request to another host, no Referer, noindex; see docs/safety.md).
PRIVACY_STRICT = False
# Holdspace: staff (the post authors here). Only these emails may use the
# reserved names of moderation/guidelines.toml; their comments get a badge.
STAFF_EMAILS = ["sonia@example.org", "noor@example.net", "ben@example.com"]
# Holdspace: avatars. Left at its default, "gravatar" (images from gravatar.com),
# or "names" when PRIVACY_STRICT is on; "local" draws them here from a secret in
# .secrets/ (never in git), "names" from the name shown, "none" shows an initial.
# AVATARS = "gravatar"
