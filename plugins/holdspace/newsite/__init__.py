"""A new community's site: settings, pages and an empty archive from a few answers (no Pelican).

regions      the shipped table of national crisis lines (crisis_lines.toml), chosen by region
texts        the settings files and the pages a new site starts with, written out
create       what is there first (the demo, or the owner's own files), then the new site
"""
