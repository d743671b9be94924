"""The site model: the records put together (translations, tags, series), every URL, views for templates."""
