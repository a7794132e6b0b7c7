"""Package data of the console (a package so that a non-editable install ships it)."""
