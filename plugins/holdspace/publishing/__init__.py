"""Publishing: an approved comment made into what pages show (pure: no Pelican).

markup       the Markdown subset, one Markdown object for every comment
sanitize     nh3, the only module that imports it
bodycache    rendered bodies, cached by content hash; a first build renders on every core
avatars      avatar URLs and local identicons, never the email
published    a comment as templates see it: no email
threads      reply tree, numbering, pages (linear, no recursion)
discussions  one thread per post: publish, tree, page URLs, redirects
feeds        Atom feeds of the newest comments (the only feedgenerator importer)
offsite      PRIVACY_STRICT: what posts would load from other hosts, made into links
plaintext    sanitized HTML as plain text
dates        dates as pages and results write them, each day's (minute's) text made once
"""
