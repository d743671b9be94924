"""Commands: the command line and what its commands do (init, new, check, theme copy)."""
