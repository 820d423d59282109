from mlsal.cli import main

main()
