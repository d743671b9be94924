"""The preview server: builds on change and reloads the browser."""
