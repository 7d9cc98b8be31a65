"""Geography for the map: projection, rasterising, labels, shading and display text.

Everything in this package is pure Python and free of Textual/Rich so it can be
tested and timed on its own; the widget turns its output into Rich segments.
"""
