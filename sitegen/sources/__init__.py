"""Sources: content files on disk read into typed records (models), Markdown, sessions, links.

Reads settings; knows nothing of the site model, pages or the build.
"""
