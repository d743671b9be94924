"""Pages: what each page is (spec), its head and JSON-LD (seo), social card and images, and rendering to HTML."""
