"""`asl-train` (and `python -m trainer`): the command line, or one line saying what to install
where the training extra is missing."""

import sys


def main() -> int:
    try:
        from .cli import main as cli_main
    except ImportError as exc:
        print(f"error: asl-train needs the training extra ({exc.name} is not installed): "
              "pip install 'asl-desktop[train]'", file=sys.stderr)
        return 2
    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
