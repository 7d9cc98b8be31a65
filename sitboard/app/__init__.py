"""The Textual board (`app.SitboardApp`), its widgets, dialogs and themes; reading files the board's way (`launch`).

Importing this package imports nothing of Textual: the command line's other
commands read scenarios through `launch` and `colors` without paying for it.
"""
