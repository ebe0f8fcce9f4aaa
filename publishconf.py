"""Settings for publishing: absolute URLs and feeds. Used by `make publish`."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # its pelicanconf.py, wherever run from
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL") or "https://holdspace.example"  # set and empty: the default too
RELATIVE_URLS = False
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
# Holdspace: the newest comments, for the site and for each post.
COMMENTS_FEED_ATOM = "feeds/comments.atom.xml"
COMMENTS_POST_FEED_ATOM = "comments.atom.xml"
DELETE_OUTPUT_DIRECTORY = True
# With AVATARS = "local", publishing needs the secret the pictures were drawn
# with: `make secret` once, and keep .secrets/avatar-secret (or set
# HOLDSPACE_AVATAR_SECRET). A missing secret is an error, not a new one.
AVATAR_SECRET_CREATE = False
