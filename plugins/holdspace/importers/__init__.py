"""Importers: other systems' exports written into the archive format (no Pelican).

wxr          a WordPress export (WXR) read into plain data
wordpress    that data written as posts, pages and comment files
"""
