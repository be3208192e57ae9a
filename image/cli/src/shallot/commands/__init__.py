"""One module per `shallot` command."""
