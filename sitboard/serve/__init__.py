"""`sitboard serve`: the board in web browsers, one board process per tab (see `start`)."""
