"""Settings: site.yml read and checked, interface strings (i18n), YAML with line numbers, path safety.

The lowest stage: everything else may import it; it imports nothing above it.
"""
