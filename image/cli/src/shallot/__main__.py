from shallot.cli import main

main()
