"""The `donthu` command line (the top layer, beside the web service in `api`)."""
