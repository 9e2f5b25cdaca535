import sys

from runlog._cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
