"""The reply form's intake: a form becomes a file in moderation/queue/ (no Pelican).

forms        a form checked against the hard rules and written atomically into the queue
ratelimit    forms per address per window, in memory only
pages        the pages it answers with, rendered from the site's theme
answers      what those pages say: thanks, crisis help, a refused form filled in again
links        the pages behind the links in mails: confirm, unsubscribe (a POST each)
commits      what it queues and writers withdraw, committed to git (COMMENT_INTAKE_GIT_COMMIT)
service      what every request shares: the intake, the limit, the counts
wsgi         the service as a WSGI application: requests, bodies, answers
runner       gunicorn around it: one worker with threads, no address in any log line
"""
