from learnloom.cli import main

main()
