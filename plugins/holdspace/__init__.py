"""Holdspace: a moderated peer-support discussion archive as a static site.

The package follows the data, one module a stage:

    commentfile  read one comment file               (pure)
    archive      read a comments folder, cross-check (pure)
    markup       Markdown subset -> HTML              (pure, Python-Markdown)
    sanitize     the only module that imports nh3    (pure)
    bodycache    rendered bodies cached by content hash
    avatars      avatar URLs, never the email        (pure)
    published    a comment as templates see it       (pure)
    threads      reply tree, numbering, pages        (pure)
    discussions  one thread per post, page URLs      (pure)
    pelican_threads  the Pelican plugin: signals and a Generator, nothing else
    build        the command line: build, summary, exit status

Only ``pelican_threads`` and ``build`` import Pelican.
"""

__version__ = "0.1.0"
