"""python -m wqpolicy -> the command line."""

from .cli import main

main()
