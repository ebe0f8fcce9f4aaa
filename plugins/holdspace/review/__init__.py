"""Moderation: what the guidelines say of a comment, and the decisions on it (pure).

guidelines   moderation/guidelines.toml as rules, checked with path:line errors
pseudonyms   the name rules: length, no addresses, no invisible characters, look-alikes
verdicts     a comment against the rules: hard-rule problems and flags; staff; the queue's crisis scan
known        what the approved archive holds: ids, names, Reply-To targets (from its index)
decisions    find, examine, approve, reject, restore (raises, never prints)
removal      unpublish: a published comment off the site, its place kept for the replies
sitecheck    a site's own archive and settings checked before a build (the check-site command)
auditlog     moderation/decisions.log: one JSON line per decision
"""
