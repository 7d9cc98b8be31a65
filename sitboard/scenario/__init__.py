"""What a scenario is and how it is read: the bottom layer, which imports nothing else of sitboard.

The model, the YAML reader and the checker of the format contract, the
validation cache, the file rules (`userfile`), noticing saves (`watch`), the
scenario source the board is given, the schema for editors, default colours,
the bundled scenarios, the gazetteer (the checker places towns without
coordinates from it) and the cleaning of user text for a terminal.
"""
