"""`sitegen import`: a WordPress (WXR) or Blogger export into an existing site.

The pipeline, in order (run.py): read the export into neutral records
(detect, wxr, blogger), plan every file (plan: languages, names, URLs,
aliases), convert each body (content: shortcodes, wpautop, links, media,
HTML → Markdown), then write what does not exist yet (writer) and report
(report). Nothing is written before the whole export has been read, so a
broken export writes nothing.
"""
