from procedures.cli import main

main()
