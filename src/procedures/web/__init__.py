"""The web page and HTTP API, over the same library as the command line."""
