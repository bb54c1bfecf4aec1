"""Reports of the merged survey: terminal table, json, csv, xlsx, html with SVG charts, raw data export."""
