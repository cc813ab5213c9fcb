"""Photos and documents: content-addressed store, previews (Pillow). Filled by the evidence issue."""
