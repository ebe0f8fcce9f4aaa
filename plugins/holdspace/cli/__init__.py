"""The ``holdspace`` command (with ``glue``, the only modules that import Pelican).

main         the command and its subcommands
errors       the one place errors become messages and exit statuses
spell        how a command is typed here: make's words or holdspace's
terminal     what commands print, safe for a terminal
build        holdspace build: Pelican, the atomic swap, the summary
serve        holdspace serve [--autoreload]: build, then serve, rebuilding on changes
moderate     queue, show, approve, reject, restore, log
control      holdspace unpublish: a moderator's undo; who decides
checksite    holdspace check-site: the site's own archive and settings, before a build
newsite      holdspace new-site: a new community's site in place of the demo
checkprivate  holdspace check-private: no public repository with commenters' addresses
gitcommit    decisions committed to git (MODERATION_GIT_COMMIT)
search       holdspace search
intake       holdspace intake
importer     holdspace import-wordpress
outbox       holdspace outbox
notify       holdspace notify: mails to writers, of what is live
secret       holdspace secret
"""
