"""People's control over what they wrote (pure: no Pelican): what the site holds about an
address, erasing it, and giving it to them.

holdings     everything held about one address: comment files, requests for mails, mail waiting
erasure      forget an address: its comments erased or anonymised, every copy, resumable
personal     everything held about an address, as one JSON file for them
withdrawal   a writer withdraws their comment from their private link
"""
