"""Read models to Markdown, .ics, CSV and JSON text; atomic file writes."""
