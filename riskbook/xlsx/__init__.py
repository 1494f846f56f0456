"""Writing .xlsx files safely: the helpers every output (panel, template, annotated copy) shares."""
