"""The archive: the files a site is made of, read and checked (pure: no Pelican).

values       a comment header's values: ids, dates, addresses, one-line text
header       the one split of a ``Key: value`` header from its body
commentfile  one comment file read and checked
removed      a removed comment's record: its place, with no writer and no words
reader       every comment below a folder; ids, Reply-To, cycles, folders
parsecache   comment files as the last build parsed them
idindex      the approved archive's ids, files and names, for the moderation commands
stamps       the comment folders' times: whether any changed since they were recorded
posts        posts and pages: slug, title, open or closed, draft, date
project      a site's folders and settings
moves        moves that never overwrite, atomic writes
lock         one change to the archive at a time: builds, decisions, withdrawals, erasures
gitrepo      the project's git repository: the one module that runs git
"""
